# A WSGI app for the third-party worker tests: gunicorn (Debian's) serves it on a socket it is handed
# (--bind fd://3, or LISTEN_FDS) and, whenever NOTIFY_SOCKET is set, tells it READY=1 by itself.
import os

GENERATION = os.environ.get("SERVER_STARTER_GENERATION", "none")


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"Hello from generation {GENERATION} (pid {os.getpid()})\n".encode()]

# The worker of the tests under a real systemd (Integration/UnderSystemdTests), run by Debian's gunicorn with
# --preload: gunicorn imports this module before it sends READY=1, so the envdir decides how a start goes.
#   APP_BROKEN=1         the generation exits before READY=1 (a deploy that does not start)
#   APP_START_GATE=PATH  it writes its generation to PATH.waiting, then waits for PATH to exist before READY=1
import os
import sys
import time

GENERATION = os.environ.get("SERVER_STARTER_GENERATION", "none")

if os.environ.get("APP_BROKEN"):
    sys.exit(f"generation {GENERATION} does not start: APP_BROKEN is set")

_gate = os.environ.get("APP_START_GATE")
if _gate:
    with open(f"{_gate}.waiting.tmp", "w") as waiting:
        waiting.write(GENERATION)
    os.rename(f"{_gate}.waiting.tmp", f"{_gate}.waiting")
    # Bounded: a test that never opens the gate fails on its own deadline, and this worker still ends.
    _deadline = time.monotonic() + 120
    while not os.path.exists(_gate) and time.monotonic() < _deadline:
        time.sleep(0.02)


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"Hello from generation {GENERATION} (pid {os.getpid()})\n".encode()]

# An HTTP client that connects to 127.0.0.1:PORT over and over, one GET per connection, until its stdin is
# closed, and prints one line per attempt: "ok BODY", "refused", or "error WHAT". For the test that
# restarts a socket-activated StarterHost under load (Integration/UnderSystemdTests).
import socket
import sys
import threading

port = int(sys.argv[1])
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()

while not done.is_set():
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            connection.sendall(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
            response = b""
            while chunk := connection.recv(4096):
                response += chunk
        head, _, body = response.partition(b"\r\n\r\n")
        status = head.split(b"\r\n", 1)[0].decode(errors="replace")
        print(f"ok {body.decode(errors='replace').strip()}" if " 200 " in status else f"error {status}", flush=True)
    except ConnectionRefusedError:
        print("refused", flush=True)
    except OSError as e:
        print(f"error {e!r}", flush=True)

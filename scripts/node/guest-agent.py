"""Command agent inside the test nodes: the guest end of the tests' HostCommandRunner.

Reads one JSON request per line from the virtio-serial port, runs its argv directly (never
through a shell), and answers with one JSON line: exit code, stdout, stderr, whether it timed out.
Each request runs in a thread of its own, as commands run side by side on a real host: a command
that waits (the agent's `dmsetup wait` on a pool's events) never holds up the others. Replies
carry the request's id and may come back in any order.
"""
import base64
import json
import os
import subprocess
import sys
import threading
import time


def run(request):
    env = dict(os.environ, LC_ALL="C", PATH="/usr/sbin:/usr/bin:/sbin:/bin")
    stdin = base64.b64decode(request.get("stdin", ""))
    try:
        done = subprocess.run(
            request["argv"],
            input=stdin,
            capture_output=True,
            env=env,
            timeout=request.get("timeoutSeconds", 60),
        )
        return {"exit": done.returncode, "stdout": done.stdout, "stderr": done.stderr, "timedOut": False}
    except subprocess.TimeoutExpired as expired:
        return {"exit": -9, "stdout": expired.stdout or b"", "stderr": expired.stderr or b"", "timedOut": True}
    except OSError as error:
        # Same convention as a shell: 127 when the program cannot be found or executed.
        return {"exit": 127, "stdout": b"", "stderr": str(error).encode(), "timedOut": False}


def serve(port, write_lock, request):
    result = run(request)
    reply = {
        "id": request["id"],
        "exit": result["exit"],
        "timedOut": result["timedOut"],
        "stdout": base64.b64encode(result["stdout"]).decode(),
        "stderr": base64.b64encode(result["stderr"]).decode(),
    }
    with write_lock:  # one reply line at a time
        port.write(json.dumps(reply).encode() + b"\n")


def main(port_path):
    # udev names the port (/dev/virtio-ports/<name>) a moment after boot: wait for it.
    for _ in range(600):
        if os.path.exists(port_path):
            break
        time.sleep(0.1)
    port = open(port_path, "r+b", buffering=0)
    write_lock = threading.Lock()
    print("thinpool-vm: ready", flush=True)  # on the console: what the host waits for
    buffer = b""
    while True:
        chunk = port.read(65536)
        if not chunk:
            time.sleep(0.1)  # the host end is not connected: do not spin on the one vCPU
            continue
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            try:
                request = json.loads(line)
            except ValueError:
                continue  # the tail of a line sent before this port was open: the host resends
            threading.Thread(target=serve, args=(port, write_lock, request), daemon=True).start()


if __name__ == "__main__":
    main(sys.argv[1])

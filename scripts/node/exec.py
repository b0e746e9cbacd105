"""Runs one command on the demo/test VM node through its control socket: exec.py CTL_SOCKET ARGV...

Prints the command's stdout and stderr and exits with its exit code. The argv goes to the guest
as a list and is executed there without a shell, like everything the engine runs.
"""
import base64
import json
import socket
import sys


def main(path, argv):
    channel = socket.socket(socket.AF_UNIX)
    channel.connect(path)
    stream = channel.makefile("rwb")
    request = {"id": 1, "argv": argv, "stdin": "", "timeoutSeconds": 600}
    stream.write(json.dumps(request).encode() + b"\n")
    stream.flush()
    while True:
        reply = json.loads(stream.readline())
        if reply["id"] == 1:
            break
    sys.stdout.write(base64.b64decode(reply["stdout"]).decode())
    sys.stderr.write(base64.b64decode(reply["stderr"]).decode())
    return reply["exit"]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))

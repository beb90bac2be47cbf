#!/usr/bin/env python3
"""Benign look-alike for forewarn's tests: a raw socket and a request template.

It sends one harmless request to the host given on the command line (a local listener).
"""

import socket
import sys

TEMPLATE = (
    "POST /cgi-bin/status.cgi?id={ident}&v=1 HTTP/1.1\r\n"
    "Host: {host}\r\n"
    "user-agent: probe/0.3\r\n"
    "X-Probe: {probe}\r\n"
    "Content-Length: {length}\r\n"
    "\r\n"
)
BODY = "ping=" + "B" * 12


def main():
    """One request, written by hand."""
    host = sys.argv[sys.argv.index("--host") + 1]
    port = int(sys.argv[sys.argv.index("--port") + 1])
    head = TEMPLATE.format(ident=42, host=host, probe="x-" + "7", length=len(BODY))
    sock = socket.create_connection((host, port), timeout=10)
    sock.sendall((head + BODY).encode("ascii"))
    sock.recv(1024)
    sock.close()


if __name__ == "__main__":
    main()

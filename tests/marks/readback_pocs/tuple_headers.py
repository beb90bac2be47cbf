#!/usr/bin/env python3
# ruff: noqa: UP032 - the spellings under test
"""Benign look-alike for forewarn's read-back tests: header tuples and `putheader`.

Header name/value tuples with formatted values side by side, sent with `putheader` in order,
and a multipart-like body of formatted parts. It sends harmless requests to the host given on
the command line (a local toy server).
"""

import http.client
import sys

BOUNDARY = "----harmless4096"
PATH = "/upload/notes.php"


def header_list(host, size):
    """The request's headers as pairs."""
    return (
        ("Host", "{}:8080".format(host)),
        ("Content-Type", "multipart/form-data; boundary={}".format(BOUNDARY)),
        ("Content-Length", "{}".format(size)),
        ("User-Agent", "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:91.0) Gecko/20100101 Firefox/91.0"),
    )


def body_parts(name):
    """A harmless two-part body."""
    parts = [
        "--{}\r\nContent-Disposition: form-data; name=title\r\n\r\n{}\r\n".format(BOUNDARY, name),
        "--{}\r\nContent-Disposition: form-data; name=note\r\n\r\n{}\r\n".format(BOUNDARY, "hi"),
        "--{}--\r\n".format(BOUNDARY),
    ]
    return "".join(parts).encode("utf-8")


def send(host, name):
    """One upload; the status code."""
    body = body_parts(name)
    conn = http.client.HTTPConnection(host, 8080, timeout=10)
    conn.putrequest("POST", PATH, skip_host=True)
    for header, value in header_list(host, len(body)):
        conn.putheader(header, value)
    conn.endheaders()
    conn.send(body)
    status = conn.getresponse().status
    conn.close()
    return status


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    print(send(target, "first"), send(target, "second"))

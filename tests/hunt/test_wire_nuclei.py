"""Scanner templates (nuclei `raw:` lists) read as the raw requests they send."""

from __future__ import annotations

from forewarn.hunt.wire import detect, read_requests

TEMPLATE = b"""id: toy-check

info:
  name: toy
  severity: info

http:
  - raw:
      - |
        GET /toy/items?limit=3 HTTP/1.1
        Host: {{Hostname}}
        X-Larkspur-Probe: p1

      - |-
        POST /toy/note HTTP/1.1
        Host: {{Hostname}}
        Content-Type: text/plain

        line one
        line two
    matchers:
      - type: status
        status:
          - 200
"""


def test_a_template_with_raw_requests_is_traffic() -> None:
    assert detect(TEMPLATE, "check.yaml") == "nuclei"
    assert detect(b"id: x\ninfo:\n  name: y\nhttp:\n  - method: GET\n    path: ['/']\n") is None
    assert detect(b"raw:\n  - |\n    GET / HTTP/1.1\n") is None  # no template id


def test_each_block_is_one_request_with_its_headers_in_order() -> None:
    reading = read_requests(TEMPLATE, "check.yaml")
    assert reading.format == "nuclei" and reading.notes == ()
    first, second = reading.requests
    assert (first.method, first.path, first.query) == ("GET", "/toy/items", (("limit", "3"),))
    assert first.headers == (("Host", "{{Hostname}}"), ("X-Larkspur-Probe", "p1"))
    assert first.body == b""
    assert second.method == "POST" and second.body == b"line one\nline two"
    assert second.headers[-1] == ("Content-Length", str(len(b"line one\nline two")))


def test_a_framed_body_keeps_its_own_length() -> None:
    framed = TEMPLATE.replace(b"Content-Type: text/plain\n", b"Content-Length: 4\n")
    second = read_requests(framed, "check.yaml").requests[1]
    assert second.body == b"line" and [n for n, _ in second.headers].count("Content-Length") == 1

"""HAR, Suricata, Zeek, W3C and Apache records of the real loopback traffic, read back.

Each fixture is written, at test time, from the requests the listener received, in the format's
documented layout: HAR 1.2 (as browsers, Burp and ZAP export it), Suricata EVE JSON `http`
records (with and without `dump-all-headers`), Zeek `http.log` (TSV and JSON), IIS W3C lines
(by the demo's own `w3c_line`) and Apache combined lines. Suricata and Zeek are not packaged on
this machine, so their records are written from their documentation, not produced by them.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from forewarn.demo.weblog import Request, w3c_line, w3c_log
from forewarn.domain.wire import ALL_FEATURES, WireFeature
from forewarn.hunt import read_bytes
from forewarn.hunt.readers import ItemKind
from forewarn.hunt.wire import detect, read_requests
from wire_world import Received, Traffic

from .test_wire_http import read, sent

SHOWN_BY_LOGS = {WireFeature.METHOD, WireFeature.PATH, WireFeature.QUERY, WireFeature.QUERY_ORDER}


def _ua(received: Received) -> str | None:
    return next((v for k, v in received.headers if k.lower() == "user-agent"), None)


def _entry(received: Received, port: int, *, h2: bool = False) -> dict[str, object]:
    headers = [{"name": k, "value": v} for k, v in received.headers]
    if h2:
        pseudo = [(":method", received.method), (":authority", f"127.0.0.1:{port}")]
        headers = [{"name": k, "value": v} for k, v in pseudo] + [
            {"name": h["name"].lower(), "value": h["value"]} for h in headers
        ]
    request: dict[str, object] = {
        "method": received.method,
        "url": f"http://127.0.0.1:{port}{received.target}",
        "httpVersion": "h2" if h2 else "HTTP/1.1",
        "headers": headers,
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": len(received.body),
    }
    if received.body:
        text = base64.b64encode(received.body).decode()
        request["postData"] = {"mimeType": "application/octet-stream", "text": text}
        request["postData"]["encoding"] = "base64"  # type: ignore[index]
    return {"startedDateTime": "2021-02-28T01:02:03.000Z", "time": 1, "request": request}


def _har(entries: list[dict[str, object]]) -> bytes:
    creator = {"name": "OWASP ZAP", "version": "2.14.0"}
    return json.dumps({"log": {"version": "1.2", "creator": creator, "entries": entries}}).encode()


def test_har_entries_read_as_sent(traffic: Traffic) -> None:
    data = _har([_entry(r, traffic.v4.port) for r in traffic.v4.received])
    reading = read_requests(data, "export.json")
    assert reading.format == "har" and reading.notes == ()
    assert [read(r) for r in reading.requests] == [sent(r) for r in traffic.v4.received]
    assert all(r.shows == ALL_FEATURES for r in reading.requests)


def test_http2_har_shows_no_header_case_and_drops_pseudo_headers(traffic: Traffic) -> None:
    received = traffic.v4.received[0]
    (request,) = read_requests(_har([_entry(received, 8080, h2=True)])).requests
    assert WireFeature.HEADER_CASE not in request.shows
    assert WireFeature.HEADER_ORDER in request.shows
    assert [k for k, _ in request.headers] == [k.lower() for k, _ in received.headers]
    assert request.host == received.headers[0][1]


def test_har_cookies_without_a_cookie_header_erase_header_order() -> None:
    entry = {
        "request": {
            "method": "GET",
            "url": "http://lab.invalid/owa/?b=1&a=2",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "User-Agent", "value": "x"}],
            "cookies": [{"name": "s", "value": "1"}, {"name": "t", "value": "2"}],
        }
    }
    (request,) = read_requests(_har([entry, {"request": {"url": 3}}, "junk"])).requests
    assert request.cookies == (("s", "1"), ("t", "2")) and request.host == "lab.invalid"
    assert WireFeature.HEADER_ORDER not in request.shows and WireFeature.COOKIES in request.shows
    reading = read_requests(_har([entry, {"request": {"url": 3}}, "junk"]))
    assert [n.where for n in reading.notes] == ["entry 2", "entry 3"]


@pytest.mark.parametrize(
    "data", [b'{"log": {"creator": {}, "entries": [', b'{"log": 1, "creator": 2}']
)
def test_malformed_har_gives_a_note(data: bytes) -> None:
    reading = read_requests(data, "x.har")
    assert reading.format == "har" and reading.requests == () and len(reading.notes) == 1


def _eve(received: Received, port: int, *, all_headers: bool) -> str:
    http: dict[str, object] = {
        "hostname": "127.0.0.1",
        "http_port": port,
        "url": received.target,
        "http_method": received.method,
        "protocol": "HTTP/1.1",
        "status": 200,
        "length": 2,
    }
    if _ua(received) is not None:
        http["http_user_agent"] = _ua(received)
    if all_headers:
        http["request_headers"] = [{"name": k, "value": v} for k, v in received.headers]
        http["response_headers"] = [{"name": "Content-Length", "value": "2"}]
    record = {
        "timestamp": "2021-02-28T01:02:03.000000+0000",
        "flow_id": 1234,
        "in_iface": "lo",
        "event_type": "http",
        "src_ip": "127.0.0.1",
        "src_port": 40000,
        "dest_ip": "127.0.0.1",
        "dest_port": port,
        "proto": "TCP",
        "tx_id": 0,
        "http": http,
    }
    return json.dumps(record)


def _eve_file(traffic: Traffic, *, all_headers: bool) -> bytes:
    stats = json.dumps({"timestamp": "2021-02-28T01:00:00.0+0000", "event_type": "stats"})
    lines = [stats] + [
        _eve(r, traffic.v4.port, all_headers=all_headers) for r in traffic.v4.received
    ]
    lines.insert(3, '{"event_type": "http", "http": ')  # a line cut by a crash
    return ("\n".join(lines) + "\n").encode()


def test_suricata_with_dump_all_headers_shows_the_header_list(traffic: Traffic) -> None:
    reading = read_requests(_eve_file(traffic, all_headers=True), "eve.json")
    assert reading.format == "suricata" and [n.where for n in reading.notes] == ["line 4"]
    assert [read(r)[:4] for r in reading.requests] == [sent(r)[:4] for r in traffic.v4.received]
    assert all(r.shows == ALL_FEATURES - {WireFeature.BODY} for r in reading.requests)


def test_suricata_by_default_shows_method_target_and_user_agent(traffic: Traffic) -> None:
    reading = read_requests(_eve_file(traffic, all_headers=False))
    for request, received in zip(reading.requests, traffic.v4.received, strict=True):
        assert read(request)[:3] == sent(received)[:3]
        assert request.header("user-agent") == _ua(received)
        assert request.shows == SHOWN_BY_LOGS | {WireFeature.USER_AGENT}


ZEEK_FIELDS = (
    "ts uid id.orig_h id.orig_p id.resp_h id.resp_p trans_depth method host uri referrer "
    "version user_agent origin request_body_len response_body_len status_code status_msg"
).split()


def _zeek_values(received: Received, port: int, number: int) -> dict[str, object]:
    host = next((v for k, v in received.headers if k.lower() == "host"), None)
    return {
        "ts": 1614474123.0 + number,
        "uid": f"CHhAvVGS1DHFjwGM9{number}",
        "id.orig_h": "127.0.0.1",
        "id.orig_p": 40000 + number,
        "id.resp_h": "127.0.0.1",
        "id.resp_p": port,
        "trans_depth": 1,
        "method": received.method,
        "host": host,
        "uri": received.target,
        "referrer": None,
        "version": "1.1",
        "user_agent": _ua(received),
        "origin": None,
        "request_body_len": len(received.body),
        "response_body_len": 2,
        "status_code": 200,
        "status_msg": "OK",
    }


def _zeek_tsv(traffic: Traffic) -> bytes:
    def cell(value: object) -> str:
        if value is None:
            return "-"
        text = str(value)
        return "(empty)" if text == "" else text.replace("\t", "\\x09")

    head = [
        "#separator \\x09",
        "#set_separator\t,",
        "#empty_field\t(empty)",
        "#unset_field\t-",
        "#path\thttp",
        "#open\t2021-02-28-01-02-03",
        "#fields\t" + "\t".join(ZEEK_FIELDS),
        "#types\t" + "\t".join(["string"] * len(ZEEK_FIELDS)),
    ]
    rows = [
        "\t".join(cell(v) for v in _zeek_values(r, traffic.v4.port, i).values())
        for i, r in enumerate(traffic.v4.received)
    ]
    return ("\n".join([*head, *rows, "#close\t2021-02-28-01-02-04"]) + "\n").encode()


def _zeek_json(traffic: Traffic) -> bytes:
    rows = []
    for i, r in enumerate(traffic.v4.received):
        values = {k: v for k, v in _zeek_values(r, traffic.v4.port, i).items() if v is not None}
        rows.append(json.dumps(values))
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("form", ["tsv", "json"])
def test_zeek_shows_method_host_uri_and_user_agent(traffic: Traffic, form: str) -> None:
    data = _zeek_tsv(traffic) if form == "tsv" else _zeek_json(traffic)
    reading = read_requests(data, "http.log")
    assert reading.format == "zeek" and reading.notes == ()
    for request, received in zip(reading.requests, traffic.v4.received, strict=True):
        assert read(request)[:3] == sent(received)[:3]
        assert request.header("user-agent") == _ua(received) and request.body == b""
        assert (
            request.host
            == received.headers[[k.lower() for k, _ in received.headers].index("host")][1]
        )
        assert request.shows == SHOWN_BY_LOGS | {WireFeature.USER_AGENT}


def test_w3c_lines_show_method_target_agent_and_cookie(traffic: Traffic) -> None:
    at = datetime(2021, 2, 28, 1, 2, 3, tzinfo=UTC)
    asked = [Request(r.method, r.target, r.headers) for r in traffic.v4.received]
    times = [at + timedelta(seconds=i) for i in range(len(asked))]
    log = w3c_log(at, [(t, w3c_line(t, "10.0.0.9", q)) for t, q in zip(times, asked, strict=True)])
    reading = read_requests(log.encode(), "u_ex210228.log")
    assert reading.format == "w3c" and reading.notes == ()
    for request, received in zip(reading.requests, traffic.v4.received, strict=True):
        assert read(request)[:3] == sent(received)[:3]
        assert request.header("user-agent") == _ua(received)
        cookie = next((v for k, v in received.headers if k.lower() == "cookie"), None)
        assert request.header("cookie") == cookie
        expected = SHOWN_BY_LOGS | {WireFeature.USER_AGENT, WireFeature.COOKIES}
        assert request.shows == expected


def test_apache_combined_and_common_lines(traffic: Traffic) -> None:
    def quoted(value: str | None) -> str:
        return "-" if value is None else value.replace("\\", "\\\\").replace('"', '\\"')

    lines = [
        f'127.0.0.1 - - [28/Feb/2021:01:02:03 +0000] "{r.method} {r.target} HTTP/1.1" 200 2 '
        f'"-" "{quoted(_ua(r))}"'
        for r in traffic.v4.received
    ]
    lines.append('10.0.0.8 - - [28/Feb/2021:01:02:04 +0000] "GET /a\\x41?b=1 HTTP/1.0" 404 -')
    lines.append('10.0.0.8 - - [28/Feb/2021:01:02:05 +0000] "\\x16\\x03\\x01" 400 0 "-" "-"')
    lines.append(
        '10.0.0.8 - - [28/Feb/2021:01:02:06 +0000] "GET / HTTP/1.1" 200 5 "-" "a \\"q\\" b"'
    )
    reading = read_requests(("\n".join(lines) + "\n").encode(), "access.log")
    assert reading.format == "apache" and [n.where for n in reading.notes] == [
        f"line {len(lines) - 1}"
    ]
    *combined, common, quoting = reading.requests
    for request, received in zip(combined, traffic.v4.received, strict=True):
        assert read(request)[:3] == sent(received)[:3]
        assert request.header("user-agent") == _ua(received)
        assert request.shows == SHOWN_BY_LOGS | {WireFeature.USER_AGENT}
    assert (common.path, common.query, common.shows) == ("/aA", (("b", "1"),), SHOWN_BY_LOGS)
    assert quoting.header("user-agent") == 'a "q" b'


def test_logs_stay_weblogs_and_json_traffic_is_a_capture(traffic: Traffic) -> None:
    for name, data, kind in (
        ("eve.json", _eve_file(traffic, all_headers=True), ItemKind.CAPTURE),
        ("http.log", _zeek_tsv(traffic), ItemKind.CAPTURE),
        ("conn.json", _zeek_json(traffic), ItemKind.CAPTURE),
        ("x.har", _har([_entry(traffic.v4.received[0], 80)]), ItemKind.CAPTURE),
        (
            "access.log",
            b'1.2.3.4 - - [28/Feb/2021:01:02:03 +0000] "GET / HTTP/1.1" 200 2\n',
            ItemKind.WEBLOG,
        ),
    ):
        (item,) = read_bytes(name, data)
        assert item.kind is kind, name
    assert detect(b'{"event_type": "flow"}\n') == "suricata"
    assert detect(b'{"a": 1}\n') is None

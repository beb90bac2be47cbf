"""The leaked copy's own traffic, in each form the hunt reads (`forewarn.hunt.wire`).

The raw dump and the pcap are recorded: the copy is run against the listener on 127.0.0.1 (the
pcap by tcpdump on `lo`, when it is installed and may capture). HAR 1.2, Suricata `eve.json`
(with `dump-all-headers`), Zeek `http.log` (TSV), IIS W3C and Apache combined logs are written
from those recorded requests in each tool's documented format (the tests' fixtures do the same,
tests/hunt/test_wire_logs.py): Suricata and Zeek are not packaged here.
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from forewarn.demo.weblog import Request, w3c_line, w3c_log
from rewrites import wire
from rewrites.model import Leak, Output
from rewrites.replay import Sent, split

PORT = 8080
"""Port written into the logs in place of the listener's."""
AT = datetime(2021, 2, 28, 1, 2, 3, tzinfo=UTC)


def _sent(leak: Leak) -> list[Sent]:
    return [split(wire.at_port(raw, PORT)) for raw in leak.sent()]


def _agent(sent: Sent) -> str | None:
    return next((v for k, v in sent.headers if k.lower() == "user-agent"), None)


def raw_dump(leak: Leak) -> Output:
    """The bytes the listener received, request after request."""
    data = b"".join(wire.at_port(raw, PORT) for raw in leak.sent())
    return Output({"requests.http": data}, script=False)


def har(leak: Leak) -> Output:
    """A HAR 1.2 export (as ZAP writes one), bodies base64."""
    entries = []
    for k, sent in enumerate(_sent(leak)):
        request: dict[str, object] = {
            "method": sent.method,
            "url": f"http://127.0.0.1:{PORT}{sent.target}",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": n, "value": v} for n, v in sent.headers],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": len(sent.body),
        }
        if sent.body:
            text = base64.b64encode(sent.body).decode()
            mime = next((v for n, v in sent.headers if n.lower() == "content-type"), "")
            request["postData"] = {"mimeType": mime, "text": text, "encoding": "base64"}
        stamp = (AT + timedelta(seconds=k)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        entries.append({"startedDateTime": stamp, "time": 1, "request": request})
    creator = {"name": "OWASP ZAP", "version": "2.14.0"}
    log = {"log": {"version": "1.2", "creator": creator, "entries": entries}}
    return Output({"traffic.har": json.dumps(log, indent=1).encode()}, script=False)


def eve(leak: Leak) -> Output:
    """Suricata `eve.json` http records with `dump-all-headers: request`."""
    lines = []
    for k, sent in enumerate(_sent(leak)):
        http: dict[str, object] = {
            "hostname": "127.0.0.1",
            "http_port": PORT,
            "url": sent.target,
            "http_method": sent.method,
            "protocol": "HTTP/1.1",
            "status": 200,
            "length": 2,
            "request_headers": [{"name": n, "value": v} for n, v in sent.headers],
        }
        if _agent(sent) is not None:
            http["http_user_agent"] = _agent(sent)
        stamp = (AT + timedelta(seconds=k)).strftime("%Y-%m-%dT%H:%M:%S.000000+0000")
        record = {"timestamp": stamp, "flow_id": 1000 + k, "event_type": "http"}
        record |= {"src_ip": "10.0.0.9", "dest_ip": "127.0.0.1", "dest_port": PORT}
        lines.append(json.dumps(record | {"proto": "TCP", "http": http}))
    return Output({"eve.json": ("\n".join(lines) + "\n").encode()}, script=False)


ZEEK_FIELDS = (
    "ts uid id.orig_h id.orig_p id.resp_h id.resp_p trans_depth method host uri referrer "
    "version user_agent origin request_body_len response_body_len status_code status_msg"
).split()


def zeek(leak: Leak) -> Output:
    """Zeek `http.log` in its default TSV form (method, host, URI and user agent only)."""

    def cell(value: object) -> str:
        return "-" if value is None else (str(value) or "(empty)").replace("\t", "\\x09")

    head = ["#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)"]
    head += ["#unset_field\t-", "#path\thttp", "#open\t2021-02-28-01-02-03"]
    head += ["#fields\t" + "\t".join(ZEEK_FIELDS)]
    head += ["#types\t" + "\t".join(["string"] * len(ZEEK_FIELDS))]
    rows = []
    for k, sent in enumerate(_sent(leak)):
        host = next((v for n, v in sent.headers if n.lower() == "host"), None)
        values = [AT.timestamp() + k, f"CHhAvVGS1DHFjwGM9{k}", "10.0.0.9", 40000 + k]
        values += ["127.0.0.1", PORT, 1, sent.method, host, sent.target, None, "1.1"]
        values += [_agent(sent), None, len(sent.body), 2, 200, "OK"]
        rows.append("\t".join(cell(v) for v in values))
    text = "\n".join([*head, *rows, "#close\t2021-02-28-01-02-04"]) + "\n"
    return Output({"http.log": text.encode()}, script=False)


def w3c(leak: Leak) -> Output:
    """An IIS W3C extended log, written by the demo's own log writer."""
    lines = []
    for k, sent in enumerate(_sent(leak)):
        at = AT + timedelta(seconds=k)
        lines.append(
            (at, w3c_line(at, "10.0.0.9", Request(sent.method, sent.target, sent.headers)))
        )
    return Output({"u_ex210228.log": w3c_log(AT, lines).encode()}, script=False)


def apache(leak: Leak) -> Output:
    """An Apache combined log."""

    def quoted(value: str | None) -> str:
        return "-" if value is None else value.replace("\\", "\\\\").replace('"', '\\"')

    lines = []
    for k, sent in enumerate(_sent(leak)):
        at = AT + timedelta(seconds=k)
        referer = next((v for n, v in sent.headers if n.lower() == "referer"), None)
        lines.append(
            f'10.0.0.9 - - [{at:%d/%b/%Y:%H:%M:%S} +0000] "{sent.method} {sent.target} HTTP/1.1" '
            f'200 2 "{quoted(referer)}" "{quoted(_agent(sent))}"'
        )
    return Output({"access.log": ("\n".join(lines) + "\n").encode()}, script=False)


def have_tcpdump() -> bool:
    """Whether a pcap can be recorded here (tcpdump installed)."""
    return shutil.which("tcpdump") is not None


def pcap(leak: Leak) -> Output:
    """tcpdump on `lo` while the copy runs against the listener."""
    from wire_world import tcpdump  # the tests' recorder: readiness and drops handled there

    with tempfile.TemporaryDirectory(prefix="fw-pcap-") as tmp, wire.listener() as (port, _):
        path = Path(tmp) / "leak.pcap"
        with tcpdump(path, [port], "-i", "lo"):
            while not path.exists() or path.stat().st_size <= 24:
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
                time.sleep(0.1)
            done = wire.run_script(leak.source, port)
            if done.returncode != 0:
                raise RuntimeError("the copy failed under tcpdump")
        return Output({"leak.pcap": path.read_bytes()}, script=False)


FORMATS: dict[str, Callable[[Leak], Output]] = {
    "raw HTTP dump": raw_dump,
    "pcap (tcpdump on lo)": pcap,
    "HAR 1.2": har,
    "Suricata eve.json (dump-all-headers)": eve,
    "Zeek http.log": zeek,
    "IIS W3C log": w3c,
    "Apache combined log": apache,
}
"""Every capture form, by name."""

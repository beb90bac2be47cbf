# ruff: noqa
"""Item lister, ported to requests."""

import sys

import requests

UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15"
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class ItemsApi:
    def __init__(self, host, port, who):
        self.root = "http://%s:%d" % (host, port)
        self.who = who
        self.http = requests.Session()
        self.http.headers.clear()
        self.http.headers["User-Agent"] = UA
        self.http.headers["accept"] = ACCEPT
        self.http.headers["X-Account"] = "acct-" + who
        self.http.headers["X-Client"] = "probe-" + who
        self.http.cookies.set("session", "s-" + who)
        self.http.cookies.set("theme", "t-light")

    def pages(self, count=4):
        out = []
        page = 1
        while page <= count:
            r = self.http.get(
                self.root + "/api/v1/items", params={"owner": self.who, "page": str(page)}
            )
            out.append(len(r.content))
            page += 1
        return out

    def rename(self, item):
        payload = {"title": "note %s" % item, "id": "%s" % item, "owner": self.who}
        return self.http.post(self.root + "/api/v1/items/rename", json=payload).status_code


if __name__ == "__main__":
    api = ItemsApi(
        sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1",
        int(sys.argv[2]) if len(sys.argv) > 2 else 8080,
        "lab",
    )
    print(api.pages())
    print(api.rename(3))

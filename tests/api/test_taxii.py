"""The TAXII 2.1 server through the real `taxii2-client`, against a real `forewarn serve`.

Each partner is a TAXII client with its own token (HTTP Basic with the token as password, as
most TAXII clients send it, or Bearer through a `requests` auth object). What it must see: one
read-only collection per case whose wave is due to it, holding the STIX objects of its own
marked view, the very objects `forewarn publish --format stix --partner P` writes, and nothing
of any other partner. Raw HTTP (httpx) is used only where the client cannot ask: headers,
406, STIX bundles and writes the client refuses to send.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from forewarn.program.feed import collection_id

from .service_world import (
    CONTOSO,
    FABRIKAM,
    FOREWARN_BIN,
    FUTURE,
    NORTHWIND,
    ONLY_EARLY,
    PAST,
    STAGGERED,
    Service,
    _cli,
)

TAXII = "application/taxii+json;version=2.1"
STIX = "application/stix+json;version=2.1"


class Bearer(requests.auth.AuthBase):
    """`Authorization: Bearer …` for taxii2-client's `auth=`."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def server(service: Service, caller: str, *, basic: bool = True) -> Server:
    token = service.tokens[caller]
    url = f"{service.url}/taxii2/"
    if basic:
        return Server(url, user=caller, password=token)
    return Server(url, auth=Bearer(token))


def root(service: Service, caller: str, *, basic: bool = True) -> ApiRoot:
    found = server(service, caller, basic=basic).default
    assert found is not None
    return found


def by_alias(api_root: ApiRoot) -> dict[str, Collection]:
    return {c.alias: c for c in api_root.collections}


def all_objects(collection: Collection, **filters: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in as_pages(collection.get_objects, per_request=4, **filters):
        found.extend(page.get("objects", []))
    return found


def raw(service: Service, caller: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {service.tokens[caller]}", **kwargs.pop("headers", {})}
    with service.client() as client:
        return client.request(kwargs.pop("method", "GET"), path, headers=headers, **kwargs)


def test_discovery_and_api_root(service: Service) -> None:
    found = server(service, "northwind")
    assert found.title == "Partner Service Test Program TAXII 2.1"
    assert [r.url for r in found.api_roots] == [f"{service.url}/taxii2/feed/"]
    api_root = root(service, "contoso", basic=False)
    assert api_root.versions == [TAXII]
    assert api_root.max_content_length > 0


def test_a_partner_sees_one_read_only_collection_per_due_case(service: Service) -> None:
    northwind = by_alias(root(service, "northwind"))
    contoso = by_alias(root(service, "contoso", basic=False))
    # FUTURE is due to nobody; STAGGERED only to the early-access tier
    assert sorted(northwind) == sorted([PAST, ONLY_EARLY, STAGGERED])
    assert sorted(contoso) == [PAST]
    for collection in [*northwind.values(), *contoso.values()]:
        assert collection.can_read and not collection.can_write
        assert collection.media_types == [STIX]
    # one case, two partners: two collections, neither naming the other
    assert northwind[PAST].id != contoso[PAST].id
    listing = raw(service, "contoso", "/taxii2/feed/collections/")
    assert listing.headers["content-type"] == TAXII
    assert NORTHWIND not in listing.text and FABRIKAM not in listing.text
    assert FUTURE not in listing.text and STAGGERED not in listing.text


def test_objects_are_the_partners_own_marked_view(service: Service, tmp_path: Path) -> None:
    mine = by_alias(root(service, "northwind"))[PAST]
    theirs = by_alias(root(service, "contoso"))[PAST]
    objects = all_objects(mine)
    manifest = mine.get_manifest()["objects"]
    added = {record["date_added"] for record in manifest}
    assert len(added) == 1 and {r["id"] for r in manifest} == {o["id"] for o in objects}
    published = _published(service, tmp_path, NORTHWIND, added.pop())
    assert sorted(objects, key=lambda o: o["id"]) == sorted(published, key=lambda o: o["id"])
    other = {o["id"]: o for o in all_objects(theirs)}
    # the same report and vulnerability ids (same case, same publisher), each partner's own
    # marked text in them; indicators differ even by id (each PoC copy sends its own marks)
    common = [o for o in objects if o["id"] in other]
    assert {"report", "vulnerability"} <= {o["type"] for o in common}
    assert "report" in {o["type"] for o in common if o != other[o["id"]]}
    assert {o["id"] for o in objects if o["type"] == "indicator"}.isdisjoint(other)
    text = json.dumps(objects)
    assert CONTOSO not in text and FABRIKAM not in text


def _published(service: Service, out: Path, partner: str, at: str) -> list[dict[str, Any]]:
    """`forewarn publish --format stix --partner P --now AT` (CLI, in process)."""
    args = ["--format", "stix", "--partner", partner, "--out", str(out), "--now", at]
    done = _cli(service.settings, "publish", PAST, *args, "--publisher-url", service.url)
    files = done["files"]
    assert isinstance(files, list) and len(files) == 1
    objects: list[dict[str, Any]] = json.loads(Path(files[0]).read_text())["objects"]
    return objects


def test_paging_added_after_and_match_filters(service: Service) -> None:
    collection = by_alias(root(service, "northwind"))[STAGGERED]
    whole = collection.get_objects()
    assert whole["more"] is False
    pages = list(as_pages(collection.get_objects, per_request=3))
    assert len(pages) > 2 and all(p["more"] for p in pages[:-1]) and not pages[-1]["more"]
    paged = [o["id"] for p in pages for o in p["objects"]]
    assert len(paged) == len(set(paged)) and set(paged) == {o["id"] for o in whole["objects"]}

    head = raw(service, "northwind", f"/taxii2/feed/collections/{collection.id}/objects/")
    first, last = head.headers["x-taxii-date-added-first"], head.headers["x-taxii-date-added-last"]
    assert head.headers["content-type"] == TAXII and first <= last
    assert collection.get_objects(added_after=last).get("objects", []) == []
    before = datetime.fromisoformat(first.replace("Z", "+00:00")) - timedelta(milliseconds=1)
    assert len(collection.get_objects(added_after=before)["objects"]) == len(paged)

    indicators = collection.get_objects(type="indicator")["objects"]
    assert indicators and {o["type"] for o in indicators} == {"indicator"}
    one = next(o for o in whole["objects"] if o["type"] == "report")
    assert collection.get_objects(id=one["id"])["objects"] == [one]
    assert collection.get_object(one["id"])["objects"] == [one]
    assert collection.object_versions(one["id"])["versions"] == [
        one.get("modified", one["created"])
    ]
    # one version of everything, added at the wave instant: a version filter by timestamp
    # finds every object modified then (not the OASIS TLP marking definition, from 2022)
    at_wave = {o["id"] for o in collection.get_objects(version=one["modified"])["objects"]}
    marking = {o["id"] for o in whole["objects"] if o["type"] == "marking-definition"}
    assert len(marking) == 1 and at_wave == {o["id"] for o in whole["objects"]} - marking


def test_before_the_wave_and_other_partners_collections_are_not_found(service: Service) -> None:
    contoso_past = by_alias(root(service, "contoso"))[PAST].id
    northwind = by_alias(root(service, "northwind"))
    for caller, foreign in (("northwind", contoso_past), ("contoso", northwind[STAGGERED].id)):
        for tail in ("", "objects/", "manifest/"):
            answer = raw(service, caller, f"/taxii2/feed/collections/{foreign}/{tail}")
            assert answer.status_code == 404, (caller, tail)
            assert answer.headers["content-type"] == TAXII
            body = answer.json()
            assert body["http_status"] == "404" and body["title"]
            assert CONTOSO not in answer.text and NORTHWIND not in answer.text


def test_read_only_and_negotiated(service: Service) -> None:
    collection = by_alias(root(service, "northwind"))[ONLY_EARLY]
    base = f"/taxii2/feed/collections/{collection.id}/objects/"
    envelope = {"objects": [{"type": "note", "id": "note--1", "spec_version": "2.1"}]}
    wrote = raw(
        service, "northwind", base, method="POST", json=envelope, headers={"Content-Type": TAXII}
    )
    assert wrote.status_code == 403 and wrote.json()["http_status"] == "403"
    huge = raw(service, "northwind", base, method="POST", content=b"[" * 100_000)
    assert huge.status_code == 413 and huge.headers["content-type"] == TAXII
    some = collection.get_objects()["objects"][0]["id"]
    deleted = raw(service, "northwind", f"{base}{some}/", method="DELETE")
    assert deleted.status_code == 403
    assert (
        raw(service, "northwind", base, headers={"Accept": "application/json"}).status_code == 406
    )
    bundle = raw(service, "northwind", base, headers={"Accept": STIX})
    assert bundle.status_code == 200 and bundle.headers["content-type"] == STIX
    assert bundle.headers["cache-control"] == "no-store"
    assert bundle.json()["type"] == "bundle" and bundle.json()["objects"]
    assert raw(service, "northwind", "/taxii2/feed/status/anything/").status_code == 404
    for bad in ("added_after=yesterday", "limit=0", "next=bm90IGEgdG9rZW4", "match[version]=x"):
        refused = raw(service, "northwind", f"{base}?{bad}")
        assert refused.status_code == 400 and refused.json()["http_status"] == "400", bad


@pytest.mark.parametrize(
    ("caller", "status"), [("suspended", 403), ("revoked", 401), ("expired", 401)]
)
def test_suspended_revoked_and_expired_tokens_are_refused(
    service: Service, caller: str, status: int
) -> None:
    with pytest.raises(requests.HTTPError) as refused:
        server(service, caller).refresh()
    assert refused.value.response.status_code == status
    assert refused.value.response.headers["content-type"] == TAXII


def test_a_publication_is_a_new_version_of_every_object(service: Service) -> None:
    """Runs last on its backend: it publishes ONLY_EARLY (no other test reads its text)."""
    collection = by_alias(root(service, "northwind"))[ONLY_EARLY]
    before = collection.get_manifest()["objects"]
    added = before[0]["date_added"]
    assert collection.get_objects(added_after=added).get("objects", []) == []
    done = subprocess.run(
        [str(FOREWARN_BIN), "--json", "case", "publish", ONLY_EARLY, "--at", "2021-04-13"],
        env=service.env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # a client polling with the last date it saw gets the new version of each object
    fresh = collection.get_objects(added_after=added)["objects"]
    after = {r["id"]: r for r in collection.get_manifest()["objects"]}
    assert {o["id"] for o in fresh} == set(after)
    # public now: TLP:CLEAR instead of TLP:AMBER, and every other object in a new version
    marking = {o["name"] for o in fresh if o["type"] == "marking-definition"}
    assert marking == {"TLP:CLEAR"}
    kept = [r for r in before if not r["id"].startswith("marking-definition--")]
    assert {r["id"] for r in kept} == {i for i in after if not i.startswith("marking-definition--")}
    assert all(after[r["id"]]["version"] > r["version"] for r in kept)
    assert len({r["date_added"] for r in after.values()}) == 1
    assert after[kept[0]["id"]]["date_added"] > added
    fix = next(o for o in fresh if o["type"] == "course-of-action" and o["name"] == "Vendor fix")
    assert fix["description"] == "Install the update released on 2021-04-13."


def test_an_object_and_its_versions_are_reached_only_through_the_callers_due_collection(
    service: Service,
) -> None:
    """The by-id and versions endpoints answer as the collection does: another partner's
    collection and a collection before its wave are 404, and no answer names anyone else."""
    mine = by_alias(root(service, "northwind"))[PAST]
    some = mine.get_objects()["objects"][0]["id"]
    own = f"/taxii2/feed/collections/{mine.id}/objects/{some}/"
    found = raw(service, "northwind", own)
    assert found.status_code == 200 and [o["id"] for o in found.json()["objects"]] == [some]
    versions = raw(service, "northwind", own + "versions/")
    assert versions.status_code == 200 and versions.json()["versions"]
    early = collection_id(CONTOSO, STAGGERED)  # contoso's wave of STAGGERED is not due
    for caller, path in (
        ("contoso", own),  # northwind's collection, asked by contoso
        ("contoso", own + "versions/"),
        ("contoso", f"/taxii2/feed/collections/{early}/objects/{some}/"),
        ("contoso", f"/taxii2/feed/collections/{early}/objects/{some}/versions/"),
    ):
        answer = raw(service, caller, path)
        assert answer.status_code == 404, (caller, path)
        assert answer.headers["content-type"] == TAXII
        assert NORTHWIND not in answer.text and some not in answer.text
    theirs = by_alias(root(service, "contoso"))[PAST]
    same_id = raw(service, "contoso", f"/taxii2/feed/collections/{theirs.id}/objects/{some}/")
    assert same_id.status_code in (200, 404) and NORTHWIND not in same_id.text
    with service.client() as client:
        assert client.get(own).status_code == 401
        assert client.get(own + "versions/").status_code == 401

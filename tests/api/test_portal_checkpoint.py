"""A partner's portal pages show the audit log's newest signed checkpoint and offer it for
download; what the page shows and what it downloads are checkpoints the program really signed,
good for `forewarn audit prove-rollback` with the key the page names. Over HTTP, signed in
through the portal's own form, against a real `forewarn serve`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
from typer.testing import CliRunner

from forewarn.cli.app import app

from .portal_world import Portal, cookie_header, set_cookies, sign_in_partner
from .service_world import PAST

_FIELD = re.compile(r'data-field="(\w+)">([^<]*)<')


def _forewarn(portal: Portal, *args: str) -> tuple[int, str, str]:
    where = ["--db", portal.settings.database_url, "--key-file", str(portal.settings.key_file)]
    done = CliRunner().invoke(app, [*where, *args], catch_exceptions=False)
    return done.exit_code, done.stdout, done.stderr


def _shown(page: httpx.Response) -> dict[str, str]:
    assert page.status_code == 200, page.text[:300]
    assert 'id="checkpoint"' in page.text
    return dict(_FIELD.findall(page.text))


def _proves_no_rollback(held: Path, proof: httpx.Response, key: str, tmp_path: Path) -> None:
    """`audit prove-rollback` with the kept checkpoint and the proof the portal handed out."""
    assert proof.status_code == 200, proof.text[:300]
    assert proof.headers["content-disposition"].startswith("attachment;")
    (tmp_path / "proof.json").write_text(proof.text)
    done = CliRunner().invoke(
        app,
        ["audit", "prove-rollback", str(held), "--against", str(tmp_path / "proof.json")]
        + ["--public-key", key],
        catch_exceptions=False,
    )
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("no rollback")


def test_partner_pages_show_and_offer_the_signed_checkpoint(portal: Portal, tmp_path: Path) -> None:
    with portal.client() as client:
        signed_in = sign_in_partner(client, portal.tokens["northwind"])
        assert signed_in.status_code == 303, signed_in.text
        cookie = cookie_header({"fw_session": set_cookies(signed_in)["fw_session"]})

        listed = _shown(client.get("/portal/cases", headers=cookie))
        one = _shown(client.get(f"/portal/cases/{PAST}", headers=cookie))
        download = client.get("/portal/checkpoint.json", headers=cookie)
        anonymous = client.get("/portal/checkpoint.json")

    code, key, _ = _forewarn(portal, "audit", "public-key")
    assert code == 0 and listed["public_key"] == one["public_key"] == key.strip()
    assert download.status_code == 200 and download.headers["content-type"] == "application/json"
    assert download.headers["content-disposition"].startswith("attachment;")
    downloaded = json.loads(download.text)
    assert set(downloaded) == {"size", "root", "at", "signature"}
    assert int(listed["size"]) <= int(one["size"]) <= downloaded["size"]  # pages log queries
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/portal/login"

    # what the page shows is a checkpoint the program signed: kept by hand, it proves, with
    # the consistency proof the portal hands out from its size
    shown = {k: listed[k] for k in ("root", "at", "signature")} | {"size": int(listed["size"])}
    with portal.client() as client:
        proofs = {
            size: client.get(f"/portal/checkpoint/consistency.json?from={size}", headers=cookie)
            for size in (shown["size"], downloaded["size"], downloaded["size"] + 1000)
        }
        no_session = client.get(f"/portal/checkpoint/consistency.json?from={shown['size']}")
    for name, held in (("shown.json", shown), ("downloaded.json", downloaded)):
        path = tmp_path / name
        path.write_text(json.dumps(held))
        _proves_no_rollback(path, proofs[held["size"]], key.strip(), tmp_path)
    assert proofs[downloaded["size"] + 1000].status_code == 404  # no such signed state
    assert no_session.status_code == 303

    forged = dict(shown, root="00" * 32)
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    (tmp_path / "proof.json").write_text(proofs[shown["size"]].text)
    refused = CliRunner().invoke(
        app,
        ["audit", "prove-rollback", str(tmp_path / "forged.json"), "--against"]
        + [str(tmp_path / "proof.json"), "--public-key", key.strip()],
        catch_exceptions=False,
    )
    assert refused.exit_code == 3

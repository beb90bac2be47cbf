"""A partner on the REST API keeps the audit log's signed checkpoint, later fetches the
consistency proof from it, and checks it with `forewarn audit prove-rollback` on its own machine:
exit 0 while the log only grew, exit 3 with one error line once the program rewrote its tail.
Over HTTP of a real `forewarn serve` on 127.0.0.1, with the tokens partners hold.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pyotp
import pytest
from typer.testing import CliRunner

from forewarn.cli.app import app
from forewarn.domain import LeafKind
from forewarn.program.audit import AuditEntry, append_audit_many
from forewarn.program.service import open_program

from .checkpoint_world import STAFF, World, partner_cli, world
from .portal_world import PASSWORD, cookie_header, set_cookies, sign_in_partner, sign_in_staff
from .service_world import CONTOSO, NORTHWIND, PAST

pytestmark = pytest.mark.one_database

CHECKPOINT = "/api/v1/checkpoint"
CONSISTENCY = "/api/v1/checkpoint/consistency"
PROBLEM_FIELDS = {"type", "title", "status", "detail", "hint"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One served program for the module (a server start is the dear part). The two tests
    that rewrite its log each start from the checkpoint they fetch, and leave a log that
    verifies without its witnesses, so the tests hold in any order."""
    with world(tmp_path_factory.mktemp("checkpoint")) as running:
        yield running


def _problem(answer: httpx.Response, status: int) -> dict[str, object]:
    assert answer.status_code == status, answer.text[:300]
    assert answer.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = answer.json()
    assert set(body) == PROBLEM_FIELDS and body["status"] == status
    return body


def _keep(client: httpx.Client, served: World, path: Path) -> dict[str, object]:
    """What a partner's script does: fetch the newest checkpoint and keep it in a file."""
    answer = client.get(CHECKPOINT, headers=served.bearer("northwind"))
    assert answer.status_code == 200, answer.text[:300]
    path.write_text(answer.text)
    kept: dict[str, object] = answer.json()
    return kept


def _proof(client: httpx.Client, served: World, size: object, path: Path) -> httpx.Response:
    answer = client.get(CONSISTENCY, params={"from": size}, headers=served.bearer("northwind"))
    path.write_text(answer.text)
    return answer


def _prove_rollback(kept: Path, against: Path, key: str, cwd: Path) -> tuple[int, str, list[str]]:
    done = partner_cli(
        "audit",
        "prove-rollback",
        str(kept),
        "--against",
        str(against),
        "--public-key",
        key,
        cwd=cwd,
    )
    return done.returncode, done.stdout, done.stderr.splitlines()


def _public_key(client: httpx.Client) -> str:
    key: str = client.get("/api/v1/program").json()["public_key"]
    return key


def test_a_kept_checkpoint_is_proven_extended_by_the_partner_cli(
    served: World, tmp_path: Path
) -> None:
    with served.client() as client:
        key = _public_key(client)
        kept = _keep(client, served, tmp_path / "kept.json")
        for _ in range(3):  # each answered query is a leaf: the log grows
            assert (
                client.get("/api/v1/cases", headers=served.bearer("northwind")).status_code == 200
            )
        proof = _proof(client, served, kept["size"], tmp_path / "proof.json")
        newest = client.get(CHECKPOINT, headers=served.bearer("northwind")).json()
    assert proof.status_code == 200 and proof.headers["content-type"] == "application/json"
    document = proof.json()
    assert document["first"] == kept and document["second"] == newest
    assert newest["size"] >= kept["size"] + 3  # type: ignore[operator]

    code, out, err = _prove_rollback(tmp_path / "kept.json", tmp_path / "proof.json", key, tmp_path)
    assert (code, err) == (0, []), err
    assert out.startswith(f"no rollback: the signed log of {kept['size']} leaves is a prefix")


def test_the_documents_are_the_portals_and_the_staff_clis(served: World) -> None:
    with served.client() as client:
        signed_in = sign_in_partner(client, served.tokens["contoso"])
        assert signed_in.status_code == 303, signed_in.text[:300]
        cookie = cookie_header({"fw_session": set_cookies(signed_in)["fw_session"]})
        # nothing below logs a leaf: every answer is about the same log
        rest = client.get(CHECKPOINT, headers=served.bearer("northwind")).json()
        portal = client.get("/portal/checkpoint.json", headers=cookie).json()
        first = 1
        proofs = [
            client.get(CONSISTENCY, params={"from": first}, headers=served.bearer(who)).json()
            for who in ("northwind", "contoso")
        ]
        portal_proof = client.get(
            f"/portal/checkpoint/consistency.json?from={first}", headers=cookie
        ).json()
    where = ["--db", served.settings.database_url, "--key-file", str(served.settings.key_file)]
    runner = CliRunner()
    staff_checkpoint = runner.invoke(app, [*where, "audit", "checkpoint"])
    staff_proof = runner.invoke(app, [*where, "audit", "consistency", str(first)])
    assert staff_checkpoint.exit_code == staff_proof.exit_code == 0, staff_proof.stderr

    assert rest == portal == json.loads(staff_checkpoint.stdout)
    assert proofs[0] == proofs[1] == portal_proof == json.loads(staff_proof.stdout)
    assert proofs[0]["second"] == rest
    # nothing of any partner: sizes, roots, hashes, a time, signatures and the program's key
    assert set(rest) == {"size", "root", "at", "signature"}
    assert set(proofs[0]) == {"format", "public_key", "first", "second", "path"}
    text = json.dumps([rest, proofs[0]])
    for private in (NORTHWIND, CONTOSO, PAST, "Northwind", "Contoso", "fwp_", "tok-", "advisory"):
        assert private.lower() not in text.lower(), private


@pytest.mark.parametrize("path", [CHECKPOINT, f"{CONSISTENCY}?from=1"])
def test_only_a_live_token_of_this_program_gets_the_documents(served: World, path: str) -> None:
    with served.client() as client:
        answers = {
            "no token": client.get(path),
            "revoked": client.get(path, headers=served.bearer("revoked")),
            "another program's": client.get(path, headers=served.bearer("other-program")),
            "not a token": client.get(path, headers={"Authorization": "Bearer fwp_" + "A" * 43}),
        }
        granted = client.get(path, headers=served.bearer("contoso"))
    for who, answer in answers.items():
        body = _problem(answer, 401)
        assert answer.headers["www-authenticate"].startswith("Bearer"), who
        assert "size" not in answer.text and "signature" not in answer.text, who
        assert body["type"] == "urn:forewarn:problem:unauthenticated", who
    assert granted.status_code == 200


def test_the_openapi_document_lists_the_proof_and_its_kept_size(served: World) -> None:
    with served.client() as client:
        paths = client.get("/api/v1/openapi.json").json()["paths"]
    proof = paths[CONSISTENCY]["get"]
    (kept,) = proof["parameters"]
    assert (kept["name"], kept["in"], kept["required"]) == ("from", "query", True)
    assert (kept["schema"]["type"], kept["schema"]["minimum"]) == ("integer", 1)
    assert {"200", "401", "404", "422"} <= set(proof["responses"])
    assert "get" in paths[CHECKPOINT] and "prove-rollback" in proof["description"]


def test_a_size_the_log_never_signed_is_a_problem_document(served: World) -> None:
    with served.client() as client:
        newest = client.get(CHECKPOINT, headers=served.bearer("northwind")).json()

        def ask(query: str) -> httpx.Response:
            return client.get(f"{CONSISTENCY}{query}", headers=served.bearer("northwind"))

        beyond = _problem(ask(f"?from={newest['size'] + 1000}"), 404)
        for query in ("?from=0", "?from=-3", "?from=abc", "?from=1.5", "", f"?from={2**63}"):
            invalid = _problem(ask(query), 422)
            assert "from" in str(invalid["detail"]), (query, invalid)
    assert f"no signed checkpoint of {newest['size'] + 1000} leaves" in str(beyond["detail"])
    assert "rollback" in str(beyond["hint"])


def test_a_rewritten_tail_fails_the_partner_check_with_one_error_line(
    served: World, tmp_path: Path
) -> None:
    with served.client() as client:
        key = _public_key(client)
        kept = _keep(client, served, tmp_path / "kept.json")
        for _ in range(2):
            assert (
                client.get("/api/v1/cases", headers=served.bearer("northwind")).status_code == 200
            )
        later = _keep(client, served, tmp_path / "later.json")
        start, end = int(str(kept["size"])), int(str(later["size"]))

        # the program rewrites its log from `start` on: other leaves, up to the same size
        served.drop_tail(start)
        program = open_program(served.settings)
        with program, program.session() as session:
            entries = [
                AuditEntry(LeafKind.QUERY, {"what": "cases", "channel": "api"}, f"rewritten {n}")
                for n in range(end - start)
            ]
            append_audit_many(session, entries, datetime.now(UTC), keys=program.keys)
        forked = _proof(client, served, end, tmp_path / "forked.json")
        still = _proof(client, served, start, tmp_path / "still.json")
    assert forked.status_code == still.status_code == 200

    code, out, err = _prove_rollback(
        tmp_path / "later.json", tmp_path / "forked.json", key, tmp_path
    )
    assert (code, out) == (3, "") and len(err) == 1, err
    assert err[0].startswith(f"error: fork proven: the program signed two different logs of {end}")
    # what was kept before the rewrite is still a prefix: that much is true
    code, _, err = _prove_rollback(tmp_path / "kept.json", tmp_path / "still.json", key, tmp_path)
    assert (code, err) == (0, []), err

    # the program now drops what the partner holds: no proof, and the newest proves the rollback
    served.drop_tail(start)
    with served.client() as client:
        gone = _problem(_proof(client, served, end, tmp_path / "none.json"), 404)
        assert _keep(client, served, tmp_path / "newest.json")["size"] == start
    assert "rollback" in str(gone["hint"])
    code, out, err = _prove_rollback(
        tmp_path / "later.json", tmp_path / "newest.json", key, tmp_path
    )
    assert (code, out) == (3, "") and len(err) == 1, err
    assert err[0].startswith(f"error: rollback proven: the program signed {end} leaves")


def test_the_staff_audit_page_checks_the_witness_read_back_like_the_cli(
    served: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with served.client() as client:
        signed_in = sign_in_staff(client, STAFF, PASSWORD, pyotp.TOTP(served.totp).now())
        assert signed_in.status_code == 303, signed_in.text[:300]
        cookie = cookie_header(set_cookies(signed_in))
        assert client.get("/api/v1/cases", headers=served.bearer("contoso")).status_code == 200

        # the last leaf (a partner's query) removed, and the operator's own witness with it:
        # the database alone verifies; the cosigner, read back, remembers
        size = int(str(client.get(CHECKPOINT, headers=served.bearer("contoso")).json()["size"]))
        served.drop_tail(size - 1)
        served.witness_file.unlink()
        after = client.get("/portal/staff/audit", headers=cookie)
    where = ["--db", served.settings.database_url, "--key-file", str(served.settings.key_file)]
    monkeypatch.delenv("FOREWARN_WITNESS_READ_COMMAND", raising=False)
    monkeypatch.delenv("FOREWARN_WITNESS_COMMAND", raising=False)
    alone = CliRunner().invoke(app, [*where, "audit", "verify"])
    assert alone.exit_code == 0, alone.stderr  # what the page checked before
    monkeypatch.setenv("FOREWARN_WITNESS_READ_COMMAND", served.read_command)
    cli = CliRunner().invoke(app, [*where, "audit", "verify"])

    assert cli.exit_code == 3
    message = cli.stderr.removeprefix("error: ").strip()
    # truncated; or forked, when the other rewrite of this log ran first
    assert message.startswith(("audit log was truncated or rolled back", "audit log forked"))
    assert "the witness read command" in message
    assert after.status_code == 200 and "does NOT verify" in after.text
    assert message.split(" (")[0] in after.text.replace("&#39;", "'")

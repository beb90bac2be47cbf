"""A PSIRT lead runs the partner service for the first time, from the README and `--help` only.

The program is made through the front door (`forewarn init`, a partner CSV, `case create` with a
CVSS vector as the README's tour gives one, `wave release`, `api-token issue`), served by a real
`forewarn serve`, and used the way a newcomer does: curl-like httpx calls, a portal sign-in from a
script, a second `serve` on a port that is taken, a bundle checked with another partner's key, an
account added twice. Each mistake is one `error:` line and exit 2 (a JSON object under `--json`)
or a page that says why; no traceback reaches the user or the server log.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pyrage
import pytest
from cryptography.hazmat.primitives import serialization
from typer.testing import CliRunner

import forewarn.cli.staff
from api.portal_world import cookie_header, csrf_of, set_cookies, sign_in_partner
from api.service_world import free_port, serving
from conftest import CliResult, CliRun, ProgramEnv
from forewarn.cli.app import app
from forewarn.settings import Settings, sqlite_url
from release_world import populate

pytestmark = pytest.mark.one_database

CASE = "FW-2026-0001"
CVSS = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
TITLE = "Mail server pre-auth request chain"
EARLY, LATER = "Northwind Labs", "Contoso Security"
"""An early-access partner whose copy is due, and a standard one whose copy is a week away."""
POC = Path(__file__).parents[2] / "src/forewarn/data/scenarios/exchange-2021/poc.py"
ADVISORY = POC.with_name("advisory.md")


def _refused(result: CliResult, *words: str) -> None:
    """Exit 2, one line on stderr naming what is wrong, no traceback."""
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert all(word in result.stderr for word in words), result.stderr


@dataclass(frozen=True)
class Newcomer:
    """A live program set up through the CLI and served on loopback."""

    url: str
    settings: Settings
    tokens: dict[str, str]
    identities: dict[Path, str]
    """Each partner's age identity file → the partner."""
    log: Path
    folder: Path

    def cli(self, *args: str) -> CliResult:
        where = ["--db", self.settings.database_url, "--key-file", str(self.settings.key_file)]
        done = CliRunner().invoke(app, [*where, *args], catch_exceptions=False)
        return CliResult(done.exit_code, done.stdout, done.stderr)

    def identity(self, partner: str) -> Path:
        return next(path for path, name in self.identities.items() if name == partner)


def _ok(newcomer: Newcomer, *args: str) -> str:
    done = newcomer.cli(*args)
    assert done.exit_code == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Newcomer]:
    """The README's steps on a live program whose early wave passed four days ago."""
    folder = tmp_path_factory.mktemp("newcomer")
    settings = Settings(
        database_url=sqlite_url(folder / "forewarn.db"), key_file=folder / "forewarn.key"
    )
    world = Newcomer("", settings, {}, {}, folder / "serve.log", folder)
    _ok(world, "init")
    rows = ["name,country,tier,emails,age_recipient"]
    identities: dict[Path, str] = {}
    for name, tier in ((EARLY, "early-access"), (LATER, "standard")):
        identity = pyrage.x25519.Identity.generate()
        path = folder / f"{name.split()[0].lower()}.key"
        path.write_text(f"{identity}\n")
        identities[path] = name
        rows.append(
            f"{name},US,{tier},psirt@{name.split()[0].lower()}.example,{identity.to_public()}"
        )
    partners_csv = folder / "partners.csv"
    partners_csv.write_text("\n".join(rows) + "\n")
    _ok(world, "partner", "import", str(partners_csv), "--apply")
    today = datetime.now(UTC).date()
    _ok(
        world,
        *("case", "create", CASE, "--title", TITLE, "--product", "Mail Server 2019"),
        *("--cve", "CVE-2026-10001", "--cvss", CVSS),
        *("--reported", str(today - timedelta(days=20))),
        *("--patch-planned", str(today + timedelta(days=10))),
    )
    _ok(world, "case", "add-artifact", CASE, str(ADVISORY), "--kind", "advisory")
    _ok(
        world, "case", "add-artifact", CASE, str(POC), "--kind", "poc", "--min-tier", "early-access"
    )
    _ok(world, "wave", "release", CASE)
    tokens = {
        name: json.loads(_ok(world, "--json", "partner", "api-token", "issue", name))["secret"]
        for name in (EARLY, LATER)
    }
    with serving(settings, world.log) as url:
        yield Newcomer(url, settings, tokens, identities, world.log, folder)


def _page_text(page: httpx.Response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))


def _partner_session(client: httpx.Client, token: str) -> dict[str, str]:
    entered = sign_in_partner(client, token)
    assert entered.status_code == 303, entered.text[:300]
    return cookie_header({"fw_session": set_cookies(entered)["fw_session"]})


def test_a_released_case_with_a_cvss_opens_in_the_portal(newcomer: Newcomer) -> None:
    """The README's tour gives every case a CVSS vector: the partner's case page showed a 500."""
    with httpx.Client(base_url=newcomer.url, timeout=60, follow_redirects=False) as client:
        early = _partner_session(client, newcomer.tokens[EARLY])
        page = client.get(f"/portal/cases/{CASE}", headers=early)
        assert page.status_code == 200, _page_text(page)[:300]
        shown = _page_text(page)
        assert TITLE in shown and "CVSS 9.8 Critical" in shown
        assert LATER not in shown and "Download bundle" in shown
        later = _partner_session(client, newcomer.tokens[LATER])
        waiting = client.get(f"/portal/cases/{CASE}", headers=later)
        assert waiting.status_code == 200
        before = _page_text(waiting)
        assert "not available yet" in before
        for embargoed in (TITLE, "CVSS", "Mail Server 2019", "CVE-2026-10001", EARLY):
            assert embargoed not in before, embargoed
    assert "Traceback" not in newcomer.log.read_text()


def test_a_script_that_keeps_no_secure_cookie_is_told_why_it_cannot_sign_in(
    newcomer: Newcomer,
) -> None:
    """httpx keeps the portal's `Secure` cookies off plain HTTP, as it should; the refusal used
    to say only that the form was stale."""
    for path, fields in (
        ("/portal/login", {"token": newcomer.tokens[EARLY]}),
        ("/portal/staff/login", {"name": "lead@program.example", "password": "x", "code": "1"}),
    ):
        with httpx.Client(base_url=newcomer.url, timeout=60) as naive:  # a cookie jar
            form = naive.get(path)
            refused = naive.post(path, data={"csrf": csrf_of(form), **fields})
        assert refused.status_code == 403
        said = _page_text(refused)
        assert "without its fw_login cookie" in said and "Secure" in said, said[:400]
    with httpx.Client(base_url=newcomer.url, timeout=60) as naive:
        stale = naive.post("/portal/login", data={"token": newcomer.tokens[EARLY]})
    assert stale.status_code == 403 and "fw_login cookie" not in _page_text(stale)
    with httpx.Client(base_url=newcomer.url, timeout=60, follow_redirects=False) as client:
        assert sign_in_partner(client, newcomer.tokens[EARLY]).status_code == 303


def test_a_bundle_checked_with_another_partners_key_is_bad_input(newcomer: Newcomer) -> None:
    """A wrong `-i` is the user's mistake (exit 2, saying so); a damaged file stays exit 3."""
    with httpx.Client(base_url=newcomer.url, timeout=60) as client:
        program = client.get("/api/v1/program").json()
        fetched = client.get(
            f"/api/v1/cases/{CASE}/bundle",
            headers={"Authorization": f"Bearer {newcomer.tokens[EARLY]}"},
        )
    assert fetched.status_code == 200
    bundle = newcomer.folder / f"{CASE}.bundle.age"
    bundle.write_bytes(fetched.content)
    key = ["--public-key", program["public_key"]]
    other = str(newcomer.identity(LATER))
    _refused(newcomer.cli("bundle", "verify", str(bundle), "-i", other, *key), "is not sealed to")
    as_json = newcomer.cli("--json", "bundle", "verify", str(bundle), "-i", other, *key)
    assert as_json.exit_code == 2
    assert "age-keygen -y" in json.loads(as_json.stderr)["hint"]
    damaged = newcomer.folder / "damaged.bundle.age"
    damaged.write_bytes(fetched.content[: len(fetched.content) // 2])
    mine = str(newcomer.identity(EARLY))
    assert newcomer.cli("bundle", "verify", str(damaged), "-i", mine, *key).exit_code == 3
    good = newcomer.cli("bundle", "verify", str(bundle), "-i", mine, *key)
    assert good.exit_code == 0 and f"bundle OK: {CASE} for {EARLY}" in good.stdout


def test_serve_on_a_port_that_is_taken_is_one_error_line(newcomer: Newcomer, cli: CliRun) -> None:
    """uvicorn logged the bind failure and exited 3, forewarn's code for a failed signature."""
    port = newcomer.url.rsplit(":", 1)[1]
    where = ["--db", newcomer.settings.database_url, "--key-file", str(newcomer.settings.key_file)]
    _refused(cli([*where, "serve", "--port", port]), f"cannot listen on 127.0.0.1 port {port}")
    as_json = cli([*where, "--json", "serve", "--port", port])
    assert as_json.exit_code == 2 and "--port" in json.loads(as_json.stderr)["hint"]
    with socket.socket() as held:  # any program holding the port, not only a second serve
        held.bind(("127.0.0.1", free_port()))
        held.listen()
        taken = str(held.getsockname()[1])
        _refused(cli([*where, "serve", "--port", taken]), "Address already in use")
    with httpx.Client(base_url=newcomer.url, timeout=60) as client:
        assert client.get("/api/v1/program").status_code == 200  # the first one still serves
    assert f"Uvicorn running on http://127.0.0.1:{port} " in newcomer.log.read_text()


def test_staff_add_refuses_an_existing_account_before_asking_for_a_password(
    program_env: ProgramEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = program_env.cli_args()
    populate(program_env)
    password = tmp_path / "pw.txt"
    password.write_text("a long staff passphrase\n")
    add = [*g, "staff", "add", "lead@program.example", "--role", "admin"]
    runner = CliRunner()
    first = runner.invoke(app, [*add, "--password-file", str(password)], catch_exceptions=False)
    assert first.exit_code == 0, first.stderr
    monkeypatch.setattr(forewarn.cli.staff, "_terminal", lambda: True)
    typed = "another long passphrase\n" * 2
    again = runner.invoke(app, add, input=typed, catch_exceptions=False)
    assert "password" not in again.stderr.split("error:")[0], again.stderr  # asked for nothing
    _refused(CliResult(again.exit_code, again.stdout, again.stderr), "exists already")
    elsewhere = ["--db", sqlite_url(tmp_path / "none.db"), "--key-file", str(tmp_path / "k")]
    nowhere = runner.invoke(app, [*elsewhere, *add[len(g) :]], input=typed)
    assert "password" not in nowhere.stderr.split("error:")[0], nowhere.stderr
    _refused(CliResult(nowhere.exit_code, nowhere.stdout, nowhere.stderr), "no forewarn database")
    listed = runner.invoke(app, [*g, "--json", "staff", "list"], catch_exceptions=False)
    assert [a["name"] for a in json.loads(listed.stdout)] == ["lead@program.example"]


def test_a_partner_csv_with_a_typo_ends_its_dry_run_with_one_error_line(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    """80 partners from a spreadsheet, one tier misspelt: the report names the row, then the
    refusal is the one `error:` line (a JSON object under `--json`), not a `warning:`."""
    rows = [f"Partner {i:03d} Labs,DE,standard,psirt@p{i:03d}.example" for i in range(80)]
    rows[41] = rows[41].replace("standard", "standrad")
    table = tmp_path / "partners.csv"
    table.write_text("name,country,tier,emails\n" + "\n".join(rows) + "\n")
    g = program_env.cli_args()
    dry = cli([*g, "partner", "import", str(table)])
    _refused(dry, "1 bad row(s): fix them before --apply")
    assert "43" in dry.stdout and "unknown tier 'standrad'" in dry.stdout
    as_json = cli([*g, "--json", "partner", "import", str(table)])
    assert as_json.exit_code == 2
    assert json.loads(as_json.stderr)["error"] == "1 bad row(s): fix them before --apply"
    (bad,) = [r for r in json.loads(as_json.stdout)["rows"] if r["action"] == "error"]
    assert bad["line"] == 43 and bad["partner"] == "Partner 041 Labs"
    assert json.loads(cli([*g, "--json", "partner", "list"]).stdout) == []


def test_serve_help_names_every_service_it_starts(cli: CliRun) -> None:
    """It said "the partner API" only: the TAXII feed and the portal come up with it."""
    shown = cli(["serve", "--help"])
    assert shown.exit_code == 0
    for path in ("/api/v1/", "/taxii2/", "/portal/", "api-token issue"):
        assert path in shown.stdout, path


def test_a_leaked_secret_revokes_its_token_and_a_mistyped_one_is_never_printed(
    newcomer: Newcomer,
) -> None:
    """A secret found in a public repository is all one holds: `revoke` took only the id, and
    its refusal printed the pasted secret back to the terminal and the CI log."""
    issued = json.loads(_ok(newcomer, "--json", "partner", "api-token", "issue", EARLY))
    secret, token_id = issued["secret"], issued["token"]["id"]
    me = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=newcomer.url, timeout=60) as client:
        assert client.get("/api/v1/me", headers=me).status_code == 200
        mistyped = secret[:-1] + ("A" if secret[-1] != "A" else "B")
        for args in (["--json"], []):
            refused = newcomer.cli(
                *args, "partner", "api-token", "revoke", mistyped, "--reason", "leaked"
            )
            assert refused.exit_code == 2
            assert mistyped not in refused.stderr and secret[4:20] not in refused.stderr
            assert "no token of this program has that secret" in refused.stderr
        assert client.get("/api/v1/me", headers=me).status_code == 200
        revoked = newcomer.cli(
            "--json", "partner", "api-token", "revoke", secret, "--reason", "found in a public repo"
        )
        assert revoked.exit_code == 0, revoked.stderr
        assert json.loads(revoked.stdout)["id"] == token_id and secret not in revoked.stdout
        gone = client.get("/api/v1/me", headers=me)
    assert gone.status_code == 401 and gone.json()["detail"] == "this token was revoked"
    again = newcomer.cli("partner", "api-token", "revoke", token_id, "--reason", "twice")
    _refused(again, "revoked already")


def test_an_ack_needs_no_body_and_json_sent_as_a_form_is_told_its_content_type(
    newcomer: Newcomer,
) -> None:
    """`curl -X POST …/ack` was refused for a missing body although the note is optional, and
    `curl -d '{…}'` without a JSON content type got a pydantic message and no hint."""
    bearer = {"Authorization": f"Bearer {newcomer.tokens[EARLY]}"}
    with httpx.Client(base_url=newcomer.url, timeout=60, headers=bearer) as client:
        (mine,) = client.get("/api/v1/cases").json()["cases"]
        bare = client.post(f"/api/v1/cases/{CASE}/ack")
        assert bare.status_code == 200, bare.text
        assert bare.json()["release_id"] == mine["release_id"]
        as_form = client.post(
            f"/api/v1/cases/{CASE}/feedback",
            content=b'{"verdict": "works"}',
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert as_form.status_code == 422
        assert "Content-Type: application/json" in as_form.json()["hint"]
        typo = client.post(f"/api/v1/cases/{CASE}/feedback", json={"verdict": "work"})
        assert typo.status_code == 422 and typo.json()["hint"] is None
        assert "'works'" in typo.json()["detail"]
        later = {"Authorization": f"Bearer {newcomer.tokens[LATER]}"}
        early_ack = client.post(f"/api/v1/cases/{CASE}/ack", headers=later)
        assert early_ack.status_code == 403 and early_ack.json()["type"].endswith("embargoed")


def test_tls_files_that_are_not_a_matching_pem_pair_are_one_error_line(
    newcomer: Newcomer, cli: CliRun, tmp_path: Path
) -> None:
    """uvicorn met them with an `ssl.SSLError` traceback (exit 1): a swapped pair, a key of
    another certificate, a key under a passphrase, a folder."""
    from api.test_service_security import self_signed

    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    (cert, key), (_, other_key) = self_signed(first), self_signed(second)
    locked = tmp_path / "locked.pem"  # a key under a passphrase: uvicorn would prompt for it
    locked.write_bytes(
        serialization.load_pem_private_key(key.read_bytes(), None).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"a passphrase"),
        )
    )
    where = ["--db", newcomer.settings.database_url, "--key-file", str(newcomer.settings.key_file)]
    serve = [*where, "serve", "--port", str(free_port())]
    for pair, words in (
        ((key, cert), "not a PEM certificate chain"),
        ((cert, other_key), "KEY_VALUES_MISMATCH"),
        ((cert, locked), "its unencrypted key"),
        ((tmp_path, key), "is not a regular file"),
    ):
        tls = ["--tls-cert", str(pair[0]), "--tls-key", str(pair[1])]
        _refused(cli([*serve, *tls]), words)
    as_json = cli(
        [*where, "--json", *serve[len(where) :], "--tls-cert", str(key), "--tls-key", str(cert)]
    )
    assert as_json.exit_code == 2 and "--tls-key" in json.loads(as_json.stderr)["hint"]


def test_issue_shows_the_whole_token_id_in_an_80_column_terminal(
    cli: CliRun, program_env: ProgramEnv
) -> None:
    """The table cut the id to `tok-2656…`, and `revoke` needs all of it."""
    g = program_env.cli_args()
    populate(program_env)
    shown = cli([*g, "partner", "api-token", "issue", "Early 0000", "--label", "SOC automation"])
    assert shown.exit_code == 0, shown.stderr
    listed = json.loads(cli([*g, "--json", "partner", "api-token", "list"]).stdout)
    (token_id,) = [t["id"] for t in listed]
    assert f"token id: {token_id} (what `revoke` takes)" in shown.stdout
    revoked = cli([*g, "partner", "api-token", "revoke", token_id, "--reason", "rotated"])
    assert revoked.exit_code == 0, revoked.stderr

"""Tokens through the CLI: real shapes under the program's domains, found by
shape and verified by recomputation, never stored; a token alone names a lead, never an accused.
"""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from conftest import T0, ProgramEnv
from forewarn.investigate.program_hunt import program_hunt
from forewarn.marks import schemes
from forewarn.program.case_marking import marker_for_case
from forewarn.program.keys import ProgramKeys
from forewarn.settings import Settings
from forewarn.store import migrate
from release_world import CASE
from trace_world import LEAKER, OTHER, Released, iso, release_and_fetch

pytestmark = pytest.mark.one_database
"""The database only holds the program: what each backend stores is proven elsewhere."""

DOMAINS = ("T.Example.net", "cdn.example.org")
W3C_HEAD = (
    "#Software: Microsoft Internet Information Services 10.0\n"
    "#Fields: date time cs-method cs-uri-stem cs-uri-query cs(User-Agent) cs(Referer)\n"
)
PRODUCT_WORDS = re.compile(r"canary|forewarn|fwr", re.IGNORECASE)


def _init(cli, url: str, tmp_path: Path, *domains: str) -> tuple[ProgramEnv, dict]:
    key = tmp_path / "forewarn.key"
    flags = [flag for d in domains for flag in ("--canary-domain", d)]
    args = ["--db", url, "--key-file", str(key), "init", "--replay", "--name", "Test Program"]
    args += flags
    result = cli([*args, "--now", iso(T0), "--json"])
    assert result.exit_code == 0, result.stderr
    env = ProgramEnv(tmp_path, Settings(database_url=url, key_file=key), ProgramKeys.load(key))
    return env, json.loads(result.stdout)


def _trace(cli, released: Released, path: Path) -> dict:
    result = cli([*released.args, "trace", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    (item,) = json.loads(result.stdout)
    return item


def _accused(item: dict) -> list[str]:
    return [s["partner"] for s in item["suspects"] if s["accused"]]


def test_init_says_whether_copies_carry_host_tokens(cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'with.db'}"
    _, data = _init(cli, url, tmp_path, *DOMAINS)
    assert data["canary_domains"] == ["t.example.net", "cdn.example.org"]
    plain = cli(
        ["--db", f"sqlite:///{tmp_path / 'none.db'}", "--key-file", str(tmp_path / "k2.key")]
        + ["init", "--now", iso(T0)]
    )
    assert plain.exit_code == 0, plain.stderr
    assert "no --token-domain given: copies carry no host or URL tokens" in plain.stdout
    bad = cli(
        ["--db", f"sqlite:///{tmp_path / 'bad.db'}", "--key-file", str(tmp_path / "k3.key")]
        + ["init", "--canary-domain", "not a domain", "--now", iso(T0)]
    )
    assert bad.exit_code != 0 and "is not a domain name" in bad.stderr


@pytest.fixture
def released(db_url: str, cli, tmp_path: Path) -> Released:
    env, _ = _init(cli, db_url, tmp_path, *DOMAINS)
    return release_and_fetch(env, cli, tmp_path, (LEAKER, OTHER))


def test_a_leaked_copy_is_accused_by_its_marks_with_its_tokens_as_corroboration(
    released: Released, cli, tmp_path: Path
) -> None:
    copy = released.copies[LEAKER]["poc.py"].decode()
    url = re.search(r'CALLBACK_URL = "https://([0-9a-z]{20})\.([a-z.-]+)/', copy)
    assert url is not None and url.group(2) in ("t.example.net", "cdn.example.org")
    leaked = tmp_path / "tool.py"
    leaked.write_text(copy)
    item = _trace(cli, released, leaked)
    assert _accused(item) == [LEAKER]
    found = {t["token"] for t in item["tokens"]}
    assert {t["partner"] for t in item["tokens"]} == {LEAKER}
    assert {"AKIA", "ghp_", "eyJh"} <= {t[:4] for t in found}
    assert sum(bool(re.fullmatch(r"[0-9a-f-]{36}", t)) for t in found) == 2  # request id, path
    assert any(t.endswith(("t.example.net", "cdn.example.org")) for t in found)
    assert not any(PRODUCT_WORDS.search(t) for t in found)
    (leaker,) = [s for s in item["suspects"] if s["partner"] == LEAKER]
    assert leaker["tokens"] and leaker["false_accusation_bound"] < 1e-6


def test_tokens_alone_name_a_lead_and_accuse_nobody(
    released: Released, cli, tmp_path: Path
) -> None:
    exact = tmp_path / "exact.py"
    exact.write_bytes(released.copies[LEAKER]["poc.py"])
    found = sorted({t["token"] for t in _trace(cli, released, exact)["tokens"]})
    pasted = tmp_path / "paste.txt"
    pasted.write_text("creds seen on a forum:\n" + "\n".join(found) + "\n")
    item = _trace(cli, released, pasted)
    assert {t["partner"] for t in item["tokens"]} == {LEAKER}
    assert len(item["tokens"]) == len(found)
    assert _accused(item) == []
    assert [(s["partner"], s["lead"]) for s in item["suspects"]] == [(LEAKER, True)]
    table = cli([*released.args, "trace", str(pasted)])
    assert table.exit_code == 0 and "a lead to check, not proof" in table.stdout
    assert "P(innocent)" not in table.stdout


def test_a_web_logs_tokens_make_the_lead_from_the_scan_without_its_text(
    released: Released, cli, tmp_path: Path
) -> None:
    """The client does not scan an item again for tokens: a web log crosses from a worker with
    its requests and the tokens the worker verified, without its text, and they make the lead a
    re-scan of the log's text made (`Marker.find_tokens`), accusing nobody."""
    url, key = released.args[1], Path(released.args[3])
    env = ProgramEnv(tmp_path, Settings(database_url=url, key_file=key), ProgramKeys.load(key))
    with env.open() as program, program.session() as session:
        hunt = program_hunt(session, program.keys)
        marker = marker_for_case(session, program.keys, CASE)
    assert hunt.scanner is not None and not hunt.capture_text  # no channel reads a log's text
    copy = released.copies[LEAKER]["poc.py"]
    found = sorted({hit.owner.token for hit in hunt.scanner.scan([copy]).hits})
    log = tmp_path / "u_ex210301.log"
    rows = [
        f"2021-03-01 10:00:{i:02d} GET /search q={t} Mozilla/5.0 -" for i, t in enumerate(found)
    ]
    log.write_text(W3C_HEAD + "\n".join(rows) + "\n")
    (shipped,) = hunt.for_workers().examine_path(str(log))  # what a worker sends the client
    assert shipped.text is None and shipped.requests is not None
    result = hunt.conclude(pickle.loads(pickle.dumps(shipped)))
    (lead,) = result.suspects
    assert (lead.partner, lead.lead, lead.accused) == (LEAKER, True, False)
    assert [t.token for t in lead.tokens] == found
    assert lead.tokens == marker.find_tokens(log.read_bytes(), ["poc.py"], [LEAKER, OTHER])
    item = _trace(cli, released, log)
    assert [(s["partner"], s["lead"]) for s in item["suspects"]] == [(LEAKER, True)]
    assert [t["token"] for t in item["suspects"][0]["tokens"]] == found and not _accused(item)


def test_a_hunt_on_worker_processes_finds_the_host_tokens_trace_finds(
    released: Released, cli, tmp_path: Path
) -> None:
    """Workers get a pickled matcher: its host-token shape must still verify there."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(2):
        (corpus / f"tool{n}.py").write_bytes(released.copies[LEAKER]["poc.py"])
    local = _trace(cli, released, corpus / "tool0.py")
    hosts = {t["token"] for t in local["tokens"] if t["token"].endswith(("example.net", ".org"))}
    assert hosts
    result = cli([*released.args, "hunt", str(corpus), "--workers", "2", "--json"])
    assert result.exit_code == 0, result.stderr
    for item in json.loads(result.stdout):
        assert {t["token"] for t in item["tokens"]} == {t["token"] for t in local["tokens"]}


def test_no_token_is_stored(released: Released, db_url: str) -> None:
    engine = sa.create_engine(db_url)
    try:
        columns = {c["name"] for c in sa.inspect(engine).get_columns("release_items")}
        with engine.connect() as db:
            values = db.execute(sa.text("SELECT * FROM release_items")).all()
    finally:
        engine.dispose()
    assert "tokens" not in columns and values
    copy = released.copies[LEAKER]["poc.py"].decode()
    key = re.search(r'AWS_ACCESS_KEY_ID = "(AKIA[A-Z2-7]{16})"', copy)
    assert key is not None and not any(key.group(1) in str(row) for row in values)


def _back_to_0012(url: str) -> None:
    """Put the schema back as revision 0012 left it (token lists stored, no domains, held
    bundles without their checkpoint size)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            batch = connection.dialect.name == "sqlite"
            context = MigrationContext.configure(connection, opts={"render_as_batch": batch})
            op = Operations(context)
            with op.batch_alter_table("release_items") as table:
                table.add_column(
                    sa.Column("tokens", sa.Text(), nullable=False, server_default="[]")
                )
            for name in ("program", "case_marking"):
                with op.batch_alter_table(name) as table:
                    table.drop_column("token_domains")
            with op.batch_alter_table("held_bundles") as table:
                table.drop_column("checkpoint_size")
            connection.execute(
                sa.text("UPDATE alembic_version SET version_num = '0012_audit_genesis'")
            )
    finally:
        engine.dispose()


def test_a_case_released_under_the_old_tokens_still_traces_after_the_migration(
    empty_db_url: str, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env, _ = _init(cli, empty_db_url, tmp_path)
    monkeypatch.setattr(schemes, "CURRENT_SCHEME", 3)
    released = release_and_fetch(env, cli, tmp_path, (LEAKER, OTHER))
    monkeypatch.undo()
    copy = released.copies[LEAKER]["poc.py"].decode()
    (reference,) = re.findall(r'BUILD_REFERENCE = "(FWR-[0-9A-Z-]{14})"', copy)
    _back_to_0012(empty_db_url)
    stale = cli([*released.args, "trace", str(tmp_path)])
    assert stale.exit_code != 0  # an old schema is reported, never read
    migrate.upgrade(empty_db_url)

    leaked = tmp_path / "tool.py"
    leaked.write_text(copy)
    item = _trace(cli, released, leaked)
    assert _accused(item) == [LEAKER]
    assert reference in {t["token"] for t in item["tokens"]}
    pasted = tmp_path / "ref.txt"
    pasted.write_text(f"ticket {reference.lower()}\n")
    alone = _trace(cli, released, pasted)
    assert [t["partner"] for t in alone["tokens"]] == [LEAKER] and _accused(alone) == []


def test_workers_get_the_token_key_but_no_token_and_no_marks_secret(
    released: Released, db_url: str, tmp_path: Path
) -> None:
    from forewarn.investigate.program_hunt import program_hunt
    from forewarn.marks.tokens import sealed
    from forewarn.program.case_marking import MARKS_PURPOSE
    from forewarn.program.service import open_program

    settings = Settings(database_url=db_url, key_file=tmp_path / "forewarn.key")
    with open_program(settings) as program, program.session() as session:
        hunt = program_hunt(session, program.keys)
        secret = program.keys.derive(MARKS_PURPOSE)
    blob = pickle.dumps(hunt.for_workers())
    assert sealed.token_key(secret) in blob and secret not in blob
    planted = set()
    for copies in released.copies.values():
        for content in copies.values():
            text = content.decode()
            planted |= set(re.findall(r"AKIA[A-Z2-7]{16}|ghp_[A-Za-z0-9]{36}|[0-9a-f-]{36}", text))
    assert planted and not any(token.encode() in blob for token in planted)
    # the requests kept for reading marks are known by salted digests of their routes only
    assert hunt.keep_request is not None and hunt.for_workers().keep_request == hunt.keep_request
    paths = set()
    for copies in released.copies.values():
        for name, content in copies.items():
            if name.endswith(".py"):
                paths |= set(re.findall(r"""["'](/[A-Za-z][\w./-]{4,})["']""", content.decode()))
    assert paths and not any(path.encode() in blob for path in paths)

"""Partner notices through a real SMTP server: what arrives, retries, restarts, no secrets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from datetime import timedelta

import pyrage
import pytest

from conftest import FOREWARN_BIN
from notify_world import (
    EMAILS,
    PORTAL,
    SmtpServer,
    released_world,
    start_smtp,
    start_starttls_smtp,
    tls_files,
)
from release_world import ADVISORY, CASE, DETECTION, NOTICE, POC, sql

RESCHEDULE_REASON = "exploitation of the autodiscover flaw seen in the wild"
"""A reason that describes the flaw: it must never reach a mail."""


def _iso(at: object) -> str:
    return at.isoformat().replace("+00:00", "Z")  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[SmtpServer]:
    server = start_smtp()
    yield server
    server.controller.stop()


@pytest.fixture
def smtp(smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> SmtpServer:
    smtp_server.inbox.reset()
    for key, value in smtp_server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("FOREWARN_MAIL_ENCRYPT", raising=False)
    return smtp_server


def _send(cli, env, at, *extra: str):
    result = cli(
        [*env.cli_args(), "mail", "send", "--backoff", "0", "--now", _iso(at), "--json", *extra]
    )
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def _embargoed() -> list[str]:
    """Strings a notice must never carry: the case's title and product, every artifact's text,
    the reason of the reschedule."""
    lines = [line.strip() for text in (ADVISORY, DETECTION) for line in text.decode().splitlines()]
    poc = [line.strip() for line in POC.read_text().splitlines() if len(line.strip()) > 12]
    return [
        "Mail server pre-auth request chain",
        "Mail Server 2019",
        RESCHEDULE_REASON,
        "autodiscover",
        *[line for line in lines if len(line) > 12],
        *poc[:40],
    ]


def test_notices_say_what_changed_to_whom_with_no_embargoed_content(program_env, cli, smtp) -> None:
    released_world(program_env)
    args = program_env.cli_args()
    first = _send(cli, program_env, NOTICE)
    assert (len(first["sent"]), first["failed"], first["queue"]["queued"]) == (2, [], 2)
    inbox = smtp.inbox.messages
    by_partner = {
        tuple(m["To"].addresses[i].addr_spec for i in range(len(m["To"].addresses))): m
        for m in inbox
    }
    assert set(by_partner) == {EMAILS["Early 0000"], EMAILS["Early 0001"]}
    mail = by_partner[EMAILS["Early 0000"]]
    assert mail["Subject"] == f"[Test Program] {CASE}: your copy is available"
    body = mail.get_content()
    assert f"{PORTAL}portal/cases/{CASE}" in body
    assert "2021-02-23 00:00 UTC" in body and "2021-03-09 00:00 UTC" in body
    assert "Early 0001" not in body  # nobody learns who else receives the case
    assert mail["Message-ID"] in first["sent"]

    again = _send(cli, program_env, NOTICE + timedelta(hours=1))
    assert (again["sent"], again["queue"]["queued"]) == ([], 0)
    assert len(smtp.inbox.messages) == 2

    moved = cli(
        [
            *args,
            "case",
            "reschedule",
            CASE,
            "--patch-planned",
            "2021-03-02",
            "--reason",
            RESCHEDULE_REASON,
            "--now",
            _iso(NOTICE + timedelta(days=2)),
        ]
    )
    assert moved.exit_code == 0, moved.stderr
    published = cli(
        [*args, "case", "publish", CASE, "--at", "2021-03-02T17:00Z", "--now", "2021-03-02T17:05Z"]
    )
    assert published.exit_code == 0, published.stderr
    later = _send(cli, program_env, NOTICE + timedelta(days=8))
    assert len(later["sent"]) == 4
    subjects = sorted(m["Subject"] for m in smtp.inbox.messages[2:])
    assert subjects == sorted(
        [f"[Test Program] {CASE}: the planned patch date moved"] * 2
        + [f"[Test Program] {CASE}: the patch is public"] * 2
    )
    moved_body = smtp.inbox.messages[2].get_content()
    assert "moved from 2021-03-09 to 2021-03-02" in moved_body

    every = "\n".join(m.as_string() for m in smtp.inbox.messages)
    leaked = [s for s in _embargoed() if s in every]
    assert leaked == []
    assert len({m["Message-ID"] for m in smtp.inbox.messages}) == 6

    listed = json.loads(cli([*args, "mail", "list", "--json"]).stdout)
    assert [m["state"] for m in listed] == ["sent"] * 6
    assert {m["kind"] for m in listed} == {"wave-due", "patch-moved", "published"}


def test_a_refused_message_is_retried_and_delivered_once(program_env, cli, smtp) -> None:
    released_world(program_env)
    smtp.inbox.refuse_next = 1
    report = _send(cli, program_env, NOTICE)
    assert (len(report["sent"]), report["retried"], report["deferred"]) == (2, 1, [])
    assert len(smtp.inbox.messages) == 2
    assert len({m["Message-ID"] for m in smtp.inbox.messages}) == 2


def test_a_server_down_for_a_run_defers_then_delivers_with_the_same_message_id(
    program_env, cli, smtp
) -> None:
    released_world(program_env)
    smtp.inbox.refuse_next = 4
    report = _send(cli, program_env, NOTICE, "--retries", "2")
    assert (report["sent"], len(report["deferred"])) == ([], 2)
    listed = json.loads(cli([*program_env.cli_args(), "mail", "list", "--json"]).stdout)
    assert [(m["state"], m["attempts"]) for m in listed] == [("pending", 1)] * 2
    assert "451" in listed[0]["last_error"]
    too_soon = _send(cli, program_env, NOTICE + timedelta(minutes=1))
    assert too_soon["sent"] == []  # backoff: not before its next attempt time
    later = _send(cli, program_env, NOTICE + timedelta(hours=1))
    assert sorted(later["sent"]) == sorted(report["deferred"])
    assert sorted(m["Message-ID"] for m in smtp.inbox.messages) == sorted(report["deferred"])


def test_a_sender_killed_mid_run_resumes_without_sending_anything_twice(
    program_env, cli, smtp
) -> None:
    released_world(program_env)
    env = {**program_env.env(), **smtp.env()}
    sender = subprocess.Popen(
        [str(FOREWARN_BIN), "mail", "send", "--backoff", "0", "--now", _iso(NOTICE)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def kill_on_second(count: int) -> None:
        if count == 1:  # the first is stored; the sender dies while handing over the second
            os.kill(sender.pid, signal.SIGKILL)
            raise ConnectionResetError("sender died")

    smtp.inbox.on_message = kill_on_second
    sender.wait(timeout=60)
    assert sender.returncode == -signal.SIGKILL
    smtp.inbox.on_message = None
    states = sorted(
        r[0] for r in sql(program_env.settings.database_url, "SELECT state FROM outbox")
    )
    assert states == ["sending", "sent"]
    assert len(smtp.inbox.messages) == 1

    soon = _send(cli, program_env, NOTICE + timedelta(minutes=2))
    assert (soon["sent"], soon["resumed"]) == ([], 0)  # maybe still sending elsewhere: wait
    resumed = _send(cli, program_env, NOTICE + timedelta(minutes=20))
    assert (len(resumed["sent"]), resumed["resumed"]) == (1, 1)
    ids = [m["Message-ID"] for m in smtp.inbox.messages]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert _send(cli, program_env, NOTICE + timedelta(hours=2))["sent"] == []
    assert len(smtp.inbox.messages) == 2


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_permanent_refusal_fails_the_message_and_the_run(program_env, cli, smtp) -> None:
    released_world(program_env)
    smtp.inbox.refuse_next = 1
    smtp.inbox.refusal = "550 5.1.1 no such mailbox"
    result = cli([*program_env.cli_args(), "--json", "mail", "send", "--now", _iso(NOTICE)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (len(report["sent"]), len(report["failed"]), report["retried"]) == (1, 1, 0)
    listed = json.loads(cli([*program_env.cli_args(), "mail", "list", "--json"]).stdout)
    failed = [m for m in listed if m["state"] == "failed"]
    assert len(failed) == 1 and "550" in failed[0]["last_error"]
    later = _send(cli, program_env, NOTICE + timedelta(days=1))
    assert later["sent"] == [] and len(smtp.inbox.messages) == 1  # a failed one is not retried


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_starttls_is_verified_against_the_configured_ca(
    program_env, cli, smtp, monkeypatch, tmp_path
) -> None:
    released_world(program_env)
    ca, certificate, key = tls_files(tmp_path)
    server = start_starttls_smtp(certificate, key)
    try:
        monkeypatch.setenv("FOREWARN_SMTP_PORT", str(server.port))
        monkeypatch.setenv("FOREWARN_SMTP_SECURITY", "starttls")
        untrusted = _send(cli, program_env, NOTICE, "--retries", "1")
        assert (untrusted["sent"], len(untrusted["deferred"])) == ([], 2)
        assert server.inbox.messages == []  # an unverified server gets nothing
        listed = json.loads(cli([*program_env.cli_args(), "mail", "list", "--json"]).stdout)
        assert "SSLCertVerificationError" in listed[0]["last_error"]
        monkeypatch.setenv("FOREWARN_SMTP_CA_FILE", str(ca))
        trusted = _send(cli, program_env, NOTICE + timedelta(hours=1))
        assert len(trusted["sent"]) == 2 and len(server.inbox.messages) == 2
    finally:
        server.controller.stop()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_age_encrypted_notice_opens_with_the_partners_key(
    program_env, cli, smtp, monkeypatch
) -> None:
    world = released_world(program_env)
    monkeypatch.setenv("FOREWARN_MAIL_ENCRYPT", "age")
    assert len(_send(cli, program_env, NOTICE)["sent"]) == 2
    mail = next(m for m in smtp.inbox.messages if "early0" in m["To"])
    assert f"/portal/cases/{CASE}" not in mail.get_body(("plain",)).get_content()
    attachment = next(mail.iter_attachments())
    assert attachment.get_filename() == "notice.txt.age"
    identity = pyrage.x25519.Identity.from_str(world.identities["Early 0000"])
    plain = pyrage.decrypt(attachment.get_content(), [identity]).decode()
    assert f"{PORTAL}portal/cases/{CASE}" in plain and "Hello Early 0000" in plain


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_plain_smtp_off_this_machine_and_a_missing_portal_are_refused(
    program_env, cli, smtp, monkeypatch
) -> None:
    released_world(program_env)
    monkeypatch.setenv("FOREWARN_SMTP_HOST", "mail.vendor.example")
    refused = cli([*program_env.cli_args(), "mail", "send", "--now", _iso(NOTICE)])
    assert refused.exit_code == 2 and "unencrypted" in refused.stderr
    monkeypatch.setenv("FOREWARN_SMTP_HOST", "127.0.0.1")
    monkeypatch.delenv("FOREWARN_PORTAL_URL")
    missing = cli([*program_env.cli_args(), "mail", "send", "--now", _iso(NOTICE)])
    assert missing.exit_code == 2 and "FOREWARN_PORTAL_URL" in missing.stderr
    assert smtp.inbox.messages == []


def test_the_chase_list_is_reminded_once_per_delay_and_mailed_to_each_alone(
    program_env, cli, smtp, tmp_path
) -> None:
    released_world(program_env)
    args = program_env.cli_args()
    _send(cli, program_env, NOTICE)  # the wave-due notices
    smtp.inbox.reset()
    fetched = cli(
        [*args, "bundle", "fetch", CASE, "--partner", "Early 0000", "--out", str(tmp_path)]
        + ["--now", _iso(NOTICE + timedelta(hours=1))]
    )
    assert fetched.exit_code == 0, fetched.stderr

    def remind(at: object) -> dict:
        done = cli(
            [
                *args,
                "wave",
                "status",
                CASE,
                "--chase",
                "24",
                "--remind",
                "--now",
                _iso(at),
                "--json",
            ]
        )
        assert done.exit_code == 0, done.stderr
        return json.loads(done.stdout)

    day = NOTICE + timedelta(days=1, hours=1)
    first = remind(day)
    missing = {r["partner"]: r["missing"] for r in first["reminded"]}
    assert missing == {"Early 0000": ["ack"], "Early 0001": ["fetch", "ack"]}
    again = remind(day + timedelta(hours=2))
    assert again["reminded"] == [] and [r["partner"] for r in again["skipped"]] == list(missing)
    sent = _send(cli, program_env, day + timedelta(hours=3))
    assert len(sent["sent"]) == 2 and sent["failed"] == []
    bodies = {m["To"].addresses[0].addr_spec: m.get_content() for m in smtp.inbox.messages}
    late = bodies[EMAILS["Early 0001"][0]]
    assert "is not fetched and acknowledged yet" in late and f"portal/cases/{CASE}" in late
    assert "is not acknowledged yet" in bodies[EMAILS["Early 0000"][0]]
    assert all("Early 000" not in b.split("\n", 1)[1] for b in bodies.values())  # nobody else named
    for text in _embargoed():
        assert all(text not in b for b in bodies.values()), text
    assert remind(day + timedelta(days=1, hours=2))["reminded"] != []  # a day later: again
    no_chase = cli([*args, "wave", "status", CASE, "--remind"])
    assert no_chase.exit_code == 2 and "--chase" in no_chase.stderr

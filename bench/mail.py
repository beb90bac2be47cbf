"""Benchmark: partner notices and partner management at the scale of a large program.

Run: `.venv/bin/python bench/mail.py [--partners 1000] [--db URL]`. One wave of an advisory-only
case goes to every partner; then it times reading the audit log into the outbox (one notice per
partner), delivering the outbox through a real SMTP server on 127.0.0.1 (aiosmtpd in a thread
of this process; plain and age-encrypted bodies), a CSV import updating every partner (dry run
and `--apply`) and one age-key rotation. Prints the figures and writes bench/out/mail.json.
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyrage
from aiosmtpd.controller import Controller

from forewarn.domain import ArtifactKind, TimePoint, TimePrecision
from forewarn.program import artifacts, cases, partners, release
from forewarn.program.mail_send import queue_only, send_outbox
from forewarn.program.mail_transport import SmtpTransport
from forewarn.program.partner_edit import PartnerEdit, edit_partner
from forewarn.program.partner_import import import_partners
from forewarn.program.service import init_program, open_program
from forewarn.settings import Settings, SmtpSettings, sqlite_url

ROOT = Path(__file__).resolve().parents[1]
NOTICE = datetime(2021, 3, 6, 9, tzinfo=UTC)
ADVISORY = (
    b"# Advisory\n\n" + b"The request chain lets a remote attacker reach the back end.\n" * 40
)


class _Counter:
    """An aiosmtpd handler that counts what arrives."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.received += 1
        return "250 2.0.0 queued"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _timed(action):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    result = action()
    return result, round(time.perf_counter() - began, 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--db", default=None)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="forewarn-bench-mail-"))
    settings = Settings(
        database_url=options.db or sqlite_url(folder / "forewarn.db"),
        key_file=folder / "forewarn.key",
        portal_url="https://psirt.example",
    )
    init_program(settings, now=datetime(2021, 1, 1, tzinfo=UTC), name="Bench Program")
    count = options.partners
    with open_program(settings) as program, program.session() as session:
        for i in range(count):
            partners.add_partner(
                session,
                program.keys,
                name=f"Partner {i:04d}",
                country="US",
                tier="standard",
                now=datetime(2021, 1, 2, tzinfo=UTC),
                emails=(f"psirt@partner{i:04d}.example",),
                age_recipient=str(pyrage.x25519.Identity.generate().to_public()),
            )
        cases.create_case(
            session,
            program.keys,
            now=datetime(2021, 1, 2, tzinfo=UTC),
            case_id="FW-2021-0001",
            title="Mail server pre-auth request chain",
            product="Mail Server 2019",
            reported=date(2021, 1, 5),
            patch_planned=date(2021, 3, 9),
        )
        artifacts.add_artifact(
            session,
            program.keys,
            case_id="FW-2021-0001",
            name="advisory.md",
            content=ADVISORY,
            kind=ArtifactKind.ADVISORY,
            now=datetime(2021, 1, 2, tzinfo=UTC),
        )
    figures: dict[str, object] = {
        "partners": count,
        "database": settings.database_url.split(":")[0],
    }
    port = _free_port()
    inbox = _Counter()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    plain = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="n@vendor.example")
    with open_program(settings) as program:
        _, figures["release_s"] = _timed(
            lambda: release.release_due(program.session, program.keys, "FW-2021-0001", now=NOTICE)
        )
        queued, figures["queue_s"] = _timed(
            lambda: queue_only(program.session, plain, portal_url=settings.portal_url, now=NOTICE)
        )
        figures["queued"] = queued.queued
        sent, figures["send_s"] = _timed(
            lambda: send_outbox(
                program.session,
                SmtpTransport(plain),
                plain,
                portal_url=settings.portal_url,
                now=NOTICE,
                backoff=0,
            )
        )
        figures["sent"] = len(sent.sent)
        figures["received"] = inbox.received
        at = NOTICE + timedelta(days=1)
        with program.session() as session:  # one amendment and one notice per partner
            _, figures["publish_with_amendments_s"] = _timed(
                lambda: cases.publish_case(
                    session,
                    program.keys,
                    "FW-2021-0001",
                    at=TimePoint(at - timedelta(hours=1), TimePrecision.INSTANT),
                    now=at,
                )
            )
        encrypted = SmtpSettings(
            host="127.0.0.1",
            port=port,
            security="none",
            sender="n@vendor.example",
            age_bodies=True,
        )
        sent, figures["send_age_s"] = _timed(
            lambda: send_outbox(
                program.session,
                SmtpTransport(encrypted),
                encrypted,
                portal_url=settings.portal_url,
                now=at,
                backoff=0,
            )
        )
        figures["sent_age"] = len(sent.sent)
        csv = "name,emails,nda_expires\n" + "".join(
            f"Partner {i:04d},psirt@partner{i:04d}.example;soc@partner{i:04d}.example,2022-12-31\n"
            for i in range(count)
        )
        for apply in (False, True):
            with program.session() as session:
                report, seconds = _timed(
                    lambda apply=apply, session=session: import_partners(
                        session, program.keys, csv.encode(), apply=apply, reason="bench", now=at
                    )
                )
            figures["import_apply_s" if apply else "import_dry_run_s"] = seconds
            figures["import_rows"] = len(report.rows)
        with program.session() as session:
            new = str(pyrage.x25519.Identity.generate().to_public())
            result, figures["rotate_key_s"] = _timed(
                lambda: edit_partner(
                    session,
                    program.keys,
                    "Partner 0000",
                    PartnerEdit(age_recipient=new),
                    reason="bench",
                    now=at,
                )
            )
            figures["resealed"] = len(result.resealed)
    figures["received_total"] = inbox.received
    controller.stop()
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "mail.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

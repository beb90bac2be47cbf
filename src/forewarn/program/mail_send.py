"""Delivering the outbox: claim, send, settle; retries with backoff; no resend of a sent mail.

Each message moves `pending → sending → sent` in three steps, each its own transaction:

1. *claim*: `pending → sending` (only if still pending, so two senders never take one row);
2. *send*: hand it to the SMTP server, retrying transient failures `retries` times with an
   exponential backoff (`backoff`, `2·backoff`, `4·backoff`… seconds between tries);
3. *settle*: `sent` once the server accepted it; `pending` again with a later `next_attempt_at`
   after transient failures (the next run tries again); `failed` after a permanent refusal or
   `MAX_ATTEMPTS` attempts in all.

What a crash (or `kill -9`) does, honestly: a message already `sent` is never sent again, and a
`pending` one is sent by the next run. The one window is a message in `sending`: the server may
have accepted it just before the crash, and we cannot ask it. After `stale_after` such a row goes
back to `pending` and is sent again **with the same `Message-ID`**, so delivery is at-least-once
with a duplicate detectable (and suppressed by most mail systems and clients) by that header;
exactly-once delivery over SMTP is not possible without the server's cooperation. The window
is one message wide: messages are claimed one at a time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import pyrage

from forewarn.program.mail_transport import PermanentMailError, TransientMailError, Transport
from forewarn.program.notices import QueueReport, queue_notices
from forewarn.settings import SmtpSettings
from forewarn.store.database import Sessions
from forewarn.store.outbox_repo import OutboxMessage, OutboxRepository

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
"""Attempts (runs) after which a message that keeps failing is given up as `failed`."""

DEFAULT_RETRIES = 3
"""Tries per message within one run."""

DEFAULT_BACKOFF = 2.0
"""Seconds before the second try within a run; doubled for each further try."""

DEFAULT_STALE_AFTER = timedelta(minutes=10)
"""A message `sending` for longer than this was being sent by a process that died."""

RETRY_LATER = timedelta(minutes=5)
"""After a run's tries all fail, the next run waits this long, doubled per attempt."""


@dataclass(frozen=True, slots=True)
class SendReport:
    """What one `send_outbox` run did."""

    queue: QueueReport
    """What reading the audit log queued first."""
    sent: tuple[str, ...]
    """`Message-ID`s accepted by the server in this run."""
    retried: int
    """Tries that failed transiently and were tried again."""
    deferred: tuple[str, ...]
    """`Message-ID`s left pending for a later run."""
    failed: tuple[str, ...]
    """`Message-ID`s given up as `failed`."""
    resumed: int
    """Messages found `sending` by a dead sender and put back to be sent again."""


def build_message(message: OutboxMessage, smtp: SmtpSettings, now: datetime) -> EmailMessage:
    """The mail for an outbox row; with `age_bodies` and a partner key, the text is attached
    encrypted to that key and the visible body says only how to open it."""
    mail = EmailMessage()
    mail["From"] = smtp.sender
    mail["To"] = ", ".join(message.recipients)
    mail["Subject"] = message.subject
    mail["Message-ID"] = message.message_id
    mail["Date"] = format_datetime(now)
    mail["Auto-Submitted"] = "auto-generated"
    if smtp.age_bodies and message.age_recipient:
        recipient = pyrage.x25519.Recipient.from_str(message.age_recipient)
        sealed = bytes(pyrage.encrypt(message.body.encode(), [recipient]))
        mail.set_content(
            f"This notice about case {message.case_id} is encrypted to your age key.\n"
            "Open it with: age -d -i YOUR-KEY notice.txt.age\n"
        )
        mail.add_attachment(
            sealed, maintype="application", subtype="octet-stream", filename="notice.txt.age"
        )
    else:
        mail.set_content(message.body)
    return mail


def _try(
    transport: Transport,
    mail: EmailMessage,
    retries: int,
    backoff: float,
    sleep: Callable[[float], None],
) -> tuple[str | None, bool, int]:
    """Send with retries: (error or `None`, whether the error is permanent, tries made)."""
    error: str | None = None
    tries = max(1, retries)
    for attempt in range(tries):
        if attempt:
            sleep(backoff * 2 ** (attempt - 1))
        try:
            transport.send(mail)
            return None, False, attempt + 1
        except PermanentMailError as exc:
            return exc.message, True, attempt + 1
        except TransientMailError as exc:
            error = exc.message
            logger.info("mail %s: try %d failed: %s", mail["Message-ID"], attempt + 1, error)
    return error, False, tries


@dataclass
class _Outcome:
    """What a run has settled so far."""

    sent: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    retried: int = 0

    def settle(
        self,
        outbox: OutboxRepository,
        message: OutboxMessage,
        error: str | None,
        permanent: bool,
        *,
        now: datetime,
    ) -> None:
        """`sending → sent | failed | pending` for the message just tried."""
        if error is None:
            outbox.settle(message.id, "sent", now=now)
            self.sent.append(message.message_id)
        elif permanent or message.attempts + 1 >= MAX_ATTEMPTS:
            outbox.settle(message.id, "failed", now=now, error=error)
            self.failed.append(message.message_id)
        else:
            later = now + RETRY_LATER * 2**message.attempts
            outbox.settle(message.id, "pending", now=now, error=error, retry_at=later)
            self.deferred.append(message.message_id)


def send_outbox(
    sessions: Sessions,
    transport: Transport,
    smtp: SmtpSettings,
    *,
    portal_url: str | None,
    now: datetime,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Queue what the audit log announces, then deliver every due message once."""
    with sessions() as session:
        queued = queue_notices(session, portal_url=portal_url, sender=smtp.sender, now=now)
        resumed = OutboxRepository(session).release_stale(
            now - stale_after, "its sender stopped while sending; sent again, same Message-ID"
        )
    outcome = _Outcome()
    settle: tuple[OutboxMessage, str | None, bool] | None = None
    last = 0
    try:
        while True:
            # One transaction settles the message just sent and claims the next: one commit per
            # message, and still never more than one message in `sending`.
            with sessions() as session:
                outbox = OutboxRepository(session)
                if settle is not None:
                    outcome.settle(outbox, *settle, now=now)
                    settle = None
                message = outbox.next_due(now, last)
                if message is None:
                    break
                last = message.id
                if not outbox.claim(message.id, now):
                    continue
            error, permanent, tries = _try(
                transport, build_message(message, smtp, now), retries, backoff, sleep
            )
            outcome.retried += tries - 1
            settle = (message, error, permanent)
    finally:
        transport.close()
        if settle is not None:  # an error escaped between the send and its settling
            with sessions() as session:
                outcome.settle(OutboxRepository(session), *settle, now=now)
    done = outcome
    logger.info(
        "outbox: %d sent, %d deferred, %d failed",
        len(done.sent),
        len(done.deferred),
        len(done.failed),
    )
    return SendReport(
        queued, tuple(done.sent), done.retried, tuple(done.deferred), tuple(done.failed), resumed
    )


def queue_only(
    sessions: Sessions, smtp: SmtpSettings, *, portal_url: str | None, now: datetime
) -> QueueReport:
    """Read the audit log into the outbox without sending (`forewarn mail queue`)."""
    with sessions() as session:
        return queue_notices(session, portal_url=portal_url, sender=smtp.sender, now=now)


def list_outbox(sessions: Sessions, state: str | None = None) -> list[OutboxMessage]:
    """The outbox, oldest first (`forewarn mail list`)."""
    with sessions() as session:
        return OutboxRepository(session).all(state)

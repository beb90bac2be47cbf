"""Handing a mail to an SMTP server: the `Transport` interface and its `smtplib` implementation.

`SmtpTransport` uses the standard library's `smtplib` (maintained with CPython; no extra
dependency): implicit TLS (`tls`), `STARTTLS` (`starttls`, the default: the connection is
refused if the server does not offer it) or, for a server on this machine only, `none` (so mail
and a password travel in the clear only over loopback). The server's certificate is always
verified, against the system's CAs or those in `FOREWARN_SMTP_CA_FILE`. Failures are sorted into
`TransientMailError` (try again later: 4xx replies, a dropped connection, a timeout) and
`PermanentMailError` (5xx: the server will not take this mail).
"""

from __future__ import annotations

import ipaddress
import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

from forewarn.errors import ConfigError, Error
from forewarn.settings import SmtpSettings

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


class MailError(Error):
    """A mail could not be handed to the SMTP server."""


class TransientMailError(MailError):
    """The server or the network failed in a way that may pass: try again later."""


class PermanentMailError(MailError):
    """The server refused the mail for good (a 5xx reply)."""


class Transport(Protocol):
    """Something that hands one mail at a time to a mail server."""

    def send(self, message: EmailMessage) -> None:
        """Deliver `message` or raise `TransientMailError` / `PermanentMailError`."""

    def close(self) -> None:
        """Drop the connection, if any."""


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine (plain SMTP is allowed only there)."""
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SmtpTransport:
    """`smtplib` over one connection, opened on first use and reopened after a failure."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings.checked()
        if self.settings.security == "none" and not is_loopback(self.settings.host):
            raise ConfigError(
                f"plain SMTP to {self.settings.host} would send partner mail unencrypted",
                hint="set FOREWARN_SMTP_SECURITY=starttls or tls, or relay through localhost",
            )
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context(cafile=s.ca_file)
        connection: smtplib.SMTP
        if s.security == "tls":
            connection = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            connection = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            connection.ehlo()
            if s.security == "starttls":
                if not connection.has_extn("starttls"):
                    connection.close()
                    raise TransientMailError(f"the SMTP server {s.host} does not offer STARTTLS")
                connection.starttls(context=context)
                connection.ehlo()
        if s.username is not None:
            connection.login(s.username, s.password or "")
        return connection

    def send(self, message: EmailMessage) -> None:
        """Send one message; the connection is dropped after any failure."""
        try:
            if self._connection is None:
                self._connection = self._connect()
            refused = self._connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            codes = [code for code, _ in exc.recipients.values()]
            error = TransientMailError if all(400 <= c < 500 for c in codes) else PermanentMailError
            raise error(f"every recipient was refused ({sorted(set(codes))})") from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            error = TransientMailError if 400 <= exc.smtp_code < 500 else PermanentMailError
            raise error(f"SMTP {exc.smtp_code}: {_said(exc.smtp_error)}") from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise TransientMailError(f"SMTP connection failed: {type(exc).__name__}") from None
        if refused:
            raise PermanentMailError(f"{len(refused)} recipient(s) refused")

    def close(self) -> None:
        """Quit politely; a dead connection is just dropped."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def _said(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())[:200]

"""A released case whose partners have contact addresses, and a real SMTP server to read mail.

The SMTP server is aiosmtpd's, listening on 127.0.0.1 in a thread of the test process; tests
read what really arrived over the wire. It can refuse the next messages with a 451 (a
transient failure) or run a hook when a message comes in (to kill the sender mid-send).
"""

from __future__ import annotations

import email
import ipaddress
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from forewarn.program import release
from forewarn.program.partner_edit import PartnerEdit, edit_partner
from release_world import CASE, NOTICE, World, populate

PORTAL = "https://psirt.example/"
EMAILS = {
    "Early 0000": ("psirt@early0.example", "soc@early0.example"),
    "Early 0001": ("psirt@early1.example",),
    "Standard 0000": ("psirt@standard0.example",),
}


@dataclass
class Inbox:
    """What the SMTP server received, and how it misbehaves next."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse_next: int = 0
    refusal: str = "451 4.3.0 mailbox busy, try again later"
    on_message: Callable[[int], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        with self.lock:
            if self.refuse_next:
                self.refuse_next -= 1
                return self.refusal
            if self.on_message is not None:
                self.on_message(len(self.messages))
            content = envelope.content  # type: ignore[attr-defined]
            message = email.message_from_bytes(content, policy=default)
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 2.0.0 queued"

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
            self.refuse_next = 0
            self.refusal = "451 4.3.0 mailbox busy, try again later"
            self.on_message = None


@dataclass
class SmtpServer:
    """A running aiosmtpd server and its inbox."""

    port: int
    inbox: Inbox
    controller: Controller

    def env(self) -> dict[str, str]:
        """The variables that point forewarn at this server."""
        return {
            "FOREWARN_SMTP_HOST": "127.0.0.1",
            "FOREWARN_SMTP_PORT": str(self.port),
            "FOREWARN_SMTP_SECURITY": "none",
            "FOREWARN_SMTP_FROM": "psirt-notices@vendor.example",
            "FOREWARN_PORTAL_URL": PORTAL,
        }


def start_smtp() -> SmtpServer:
    """Start the server on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return SmtpServer(port, inbox, controller)


def released_world(env: object) -> World:
    """`release_world`'s program with contact addresses, its early-access wave delivered."""
    world = populate(env)
    with env.open() as program:  # type: ignore[attr-defined]
        with program.session() as session:
            for name, emails in EMAILS.items():
                edit_partner(
                    session,
                    program.keys,
                    name,
                    PartnerEdit(emails=emails),
                    reason="contacts on file",
                    now=NOTICE.replace(day=1),
                )
        release.release_due(program.session, program.keys, CASE, now=NOTICE)
    return world


def tls_files(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a certificate it signed for 127.0.0.1: (CA, certificate, key) files."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "forewarn test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = (folder / "ca.pem", folder / "server.pem", folder / "server.key")
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


def start_starttls_smtp(certificate: Path, key: Path) -> SmtpServer:
    """A server on a free loopback port that refuses mail until the client starts TLS."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
    )
    controller.start()
    return SmtpServer(port, inbox, controller)

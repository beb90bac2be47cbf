"""A small program ready for waves: partners with age keys, one case with three artifacts.

Shared by the release, audit and wave tests (tests/ is on `sys.path` through its conftest).
Set up through the use cases; the behaviour under test is then driven from the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyrage
from sqlalchemy import create_engine, text

from forewarn.domain import ArtifactKind
from forewarn.program import artifacts, cases, partners
from forewarn.program.bundles import VerifiedBundle, named_program_key, verify_bundle

CASE = "FW-2021-0001"
NOTICE = datetime(2021, 2, 23, 9, 0, tzinfo=UTC)
"""After the early-access wave (patch 2021-03-09 minus 14 days), before the standard one."""
LATER = datetime(2021, 3, 7, 9, 0, tzinfo=UTC)
"""After the standard wave (3 days before), before the responder one (1 day)."""
POC = Path(__file__).parents[1] / "src/forewarn/data/scenarios/exchange-2021/poc.py"
ADVISORY = b"""# Mail server pre-auth request chain

A flaw in the request handling of Mail Server 2019 lets a remote attacker reach the
back end without signing in. Apply the update as soon as it is available and review
the server logs for unusual requests to the autodiscover path.
"""
DETECTION = b"""# Detection guidance

Look for requests whose cookie names a back-end host and whose path ends in a static
resource. Alert when such a request is followed by a write to the web root.
"""


@dataclass(frozen=True)
class World:
    """Who is who in the test program."""

    identities: dict[str, str]
    """Partner name → age identity (`AGE-SECRET-KEY-1…`)."""


def populate(env: object, early: int = 2, standard: int = 1, now: datetime | None = None) -> World:
    """Add `early` early-access and `standard` standard partners, a keyless one, and the case."""
    at = now or datetime(2021, 1, 2, tzinfo=UTC)
    identities: dict[str, str] = {}
    with env.open() as program, program.session() as session:  # type: ignore[attr-defined]
        names = [(f"Early {i:04d}", "early-access") for i in range(early)]
        names += [(f"Standard {i:04d}", "standard") for i in range(standard)]
        for name, tier in names:
            identity = pyrage.x25519.Identity.generate()
            identities[name] = str(identity)
            partners.add_partner(
                session,
                program.keys,
                name=name,
                country="US",
                tier=tier,
                now=at,
                age_recipient=str(identity.to_public()),
            )
        partners.add_partner(
            session, program.keys, name="Keyless Ltd", country="GB", tier="standard", now=at
        )
        cases.create_case(
            session,
            program.keys,
            now=at,
            case_id=CASE,
            title="Mail server pre-auth request chain",
            product="Mail Server 2019",
            reported=date(2021, 1, 5),
            patch_planned=date(2021, 3, 9),
        )
        for name, kind, content in (
            ("advisory.md", ArtifactKind.ADVISORY, ADVISORY),
            ("detection.md", ArtifactKind.DETECTION, DETECTION),
            ("poc.py", ArtifactKind.POC, POC.read_bytes()),
        ):
            artifacts.add_artifact(
                session,
                program.keys,
                case_id=CASE,
                name=name,
                content=content,
                kind=kind,
                now=at,
            )
    return World(identities)


def sql(url: str, statement: str, **params: object) -> list[tuple[object, ...]]:
    """Run SQL straight on the database, as someone with database access would."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def open_bundle(bundle: bytes) -> VerifiedBundle:
    """A decrypted bundle checked against the key its own manifest names.

    Only for tests that need a copy's contents: the pinning itself is tested through
    `bundle verify`, which never trusts the manifest's key.
    """
    return verify_bundle(bundle, named_program_key(bundle))

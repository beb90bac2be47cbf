"""A program ready for waves: partners with age keys, cases with three artifacts.

Shared by the release, audit and wave tests (tests/ is on `sys.path` through its conftest) and
by the release and scheduler benchmarks (`bench/release.py`, `bench/scheduler.py` put tests/ on
`sys.path`), so that what is measured is the world the tests prove. Set up through the use
cases; the behaviour under test is then driven from the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyrage
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from forewarn.domain import ArtifactKind
from forewarn.program import artifacts, cases, partners
from forewarn.program.bundles import VerifiedBundle, named_program_key, verify_bundle
from forewarn.program.keys import ProgramKeys

CASE = "FW-2021-0001"
JOINED = datetime(2021, 1, 2, tzinfo=UTC)
"""When the partners join and the cases are created."""
PATCH = date(2021, 3, 9)
"""The case's planned patch date: the waves' instants count back from it."""
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
BENCH_ADVISORY = (
    b"# Advisory\n\n" + b"The request chain lets a remote attacker reach the back end.\n" * 40
)
"""The benchmarks' longer advisory (42 lines), as their recorded figures were measured with."""
BENCH_DETECTION = b"# Detection guidance\n\n" + b"Alert on cookies naming a back-end host.\n" * 30
"""The benchmarks' longer detection guidance."""


@dataclass(frozen=True)
class World:
    """Who is who in the test program."""

    identities: dict[str, str]
    """Partner name → age identity (`AGE-SECRET-KEY-1…`)."""


def contents(
    advisory: bytes = ADVISORY, detection: bytes = DETECTION
) -> tuple[tuple[str, ArtifactKind, bytes], ...]:
    """A case's three artifacts: name, kind and content (the PoC is the shipped scenario's)."""
    return (
        ("advisory.md", ArtifactKind.ADVISORY, advisory),
        ("detection.md", ArtifactKind.DETECTION, detection),
        ("poc.py", ArtifactKind.POC, POC.read_bytes()),
    )


def add_partners(
    session: Session, keys: ProgramKeys, names: Iterable[tuple[str, str]], *, now: datetime
) -> dict[str, str]:
    """Add each (name, tier) partner in the US with a fresh age key; name → age identity."""
    identities: dict[str, str] = {}
    for name, tier in names:
        identity = pyrage.x25519.Identity.generate()
        identities[name] = str(identity)
        partners.add_partner(
            session,
            keys,
            name=name,
            country="US",
            tier=tier,
            now=now,
            age_recipient=str(identity.to_public()),
        )
    return identities


def add_case(
    session: Session,
    keys: ProgramKeys,
    *,
    now: datetime,
    case_id: str = CASE,
    title: str = "Mail server pre-auth request chain",
    patch: date = PATCH,
    artifact_contents: Sequence[tuple[str, ArtifactKind, bytes]] | None = None,
) -> None:
    """Create the case (reported 2021-01-05) with its artifacts (default: `contents()`)."""
    cases.create_case(
        session,
        keys,
        now=now,
        case_id=case_id,
        title=title,
        product="Mail Server 2019",
        reported=date(2021, 1, 5),
        patch_planned=patch,
    )
    for name, kind, content in artifact_contents or contents():
        artifacts.add_artifact(
            session, keys, case_id=case_id, name=name, content=content, kind=kind, now=now
        )


def populate(env: object, early: int = 2, standard: int = 1, now: datetime | None = None) -> World:
    """Add `early` early-access and `standard` standard partners, a keyless one, and the case."""
    at = now or JOINED
    with env.open() as program, program.session() as session:  # type: ignore[attr-defined]
        names = [(f"Early {i:04d}", "early-access") for i in range(early)]
        names += [(f"Standard {i:04d}", "standard") for i in range(standard)]
        identities = add_partners(session, program.keys, names, now=at)
        partners.add_partner(
            session, program.keys, name="Keyless Ltd", country="GB", tier="standard", now=at
        )
        add_case(session, program.keys, now=at)
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

"""A released case for the standards tests: the shipped advisory, detection guidance and PoC.

Partners with age keys (two early-access, one standard), case FW-2021-0001 with two CVEs, a CVSS
vector and a finder, set up through the use cases; the early wave is then released through the
CLI. The CSAF validator (`tools/csaf-validate`, run with node) checks documents in the tests.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyrage

from forewarn.domain import ArtifactKind
from forewarn.program import artifacts, cases, partners

ROOT = Path(__file__).parents[1]
SCENARIO = ROOT / "src/forewarn/data/scenarios/exchange-2021"
VALIDATOR = ROOT / "tools/csaf-validate/validate.mjs"
CASE = "FW-2021-0001"
CVES = ("CVE-2021-26855", "CVE-2021-27065")
VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
NOTICE = datetime(2021, 2, 23, 9, 0, tzinfo=UTC)
"""The early-access wave (patch 2021-03-09 minus 14 days)."""
AFTER = NOTICE + timedelta(hours=2)
LEAKER = "Early 0000"
OTHER = "Early 0001"
STANDARD = "Standard 0000"
PUBLISHER = "https://psirt.harbor.example"
ORG_ID = "5f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"


def iso(at: datetime) -> str:
    """`--now` text for an instant."""
    return at.isoformat().replace("+00:00", "Z")


def populate(env: object) -> None:
    """Partners and the case with the shipped material."""
    at = datetime(2021, 1, 2, tzinfo=UTC)
    with env.open() as program, program.session() as session:  # type: ignore[attr-defined]
        for name, tier in (
            (LEAKER, "early-access"),
            (OTHER, "early-access"),
            (STANDARD, "standard"),
        ):
            identity = pyrage.x25519.Identity.generate()
            partners.add_partner(
                session,
                program.keys,
                name=name,
                country="US",
                tier=tier,
                now=at,
                age_recipient=str(identity.to_public()),
            )
        cases.create_case(
            session,
            program.keys,
            now=at,
            case_id=CASE,
            title="Pre-authentication request chain in Harbor Mail Server",
            product="Harbor Mail Server 2019",
            reported=date(2021, 1, 5),
            patch_planned=date(2021, 3, 9),
            cves=CVES,
            cvss=VECTOR,
            finder="Ines Vale",
        )
        for name, kind in (
            ("advisory.md", ArtifactKind.ADVISORY),
            ("detection.md", ArtifactKind.DETECTION),
            ("poc.py", ArtifactKind.POC),
        ):
            artifacts.add_artifact(
                session,
                program.keys,
                case_id=CASE,
                name=name,
                content=(SCENARIO / name).read_bytes(),
                kind=kind,
                now=at,
            )


def release(env: object, cli: object) -> list[str]:
    """Populate and release the early wave through the CLI; the global options."""
    populate(env)
    args: list[str] = env.cli_args()  # type: ignore[attr-defined]
    done = cli([*args, "wave", "release", CASE, "--now", iso(NOTICE)])  # type: ignore[operator]
    assert done.exit_code == 0, done.stderr
    return args


def csaf_validate(*paths: Path) -> list[dict]:
    """The official CSAF validator's verdict per document (schema and mandatory tests)."""
    done = subprocess.run(
        ["node", str(VALIDATOR), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert len(report["tests"]) > 40, "schema and every mandatory test run"
    return report["documents"]


def stix_errors(text: str) -> list[str]:
    """What `stix2-validator` (the OASIS validator) finds wrong with a bundle."""
    from stix2validator import ValidationOptions, validate_string

    result = validate_string(text, ValidationOptions())
    assert result.is_valid == (not result.errors)
    return [str(e) for e in result.errors]

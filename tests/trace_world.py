"""A released case and one partner's decrypted copy, for the `trace` and `hunt` CLI tests.

Built the way a real program gets there: partners with age keys and the case come from
`release_world.populate`; the wave is released and the bundle fetched through the CLI; the
partner's copy is what `pyrage` decrypts from the fetched bundle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from forewarn.program.bundles import unseal
from release_world import CASE, NOTICE, POC, open_bundle, populate

LEAKER = "Early 0000"
"""The partner whose copy leaks in these tests."""
OTHER = "Early 0001"
"""A partner who received the same artifacts and leaked nothing."""


def iso(at: datetime) -> str:
    """`--now` text for an instant."""
    return at.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Released:
    """What the tests trace against."""

    args: list[str]
    """Global CLI options pointing at the program."""
    copies: dict[str, dict[str, bytes]]
    """Partner → artifact name → that partner's decrypted, marked content."""
    original_poc: bytes
    """The unmarked PoC as the vendor added it."""


def release_and_fetch(env: object, cli: object, out: Path, partners: tuple[str, ...]) -> Released:
    """Release the early wave and decrypt the bundles of `partners`."""
    world = populate(env)
    args: list[str] = env.cli_args()  # type: ignore[attr-defined]
    released = cli([*args, "wave", "release", CASE, "--now", iso(NOTICE)])  # type: ignore[operator]
    assert released.exit_code == 0, released.stderr
    copies: dict[str, dict[str, bytes]] = {}
    for name in partners:
        where = out / name.replace(" ", "_")
        fetched = cli(  # type: ignore[operator]
            [*args, "bundle", "fetch", CASE, "--partner", name, "--out", str(where)]
            + ["--now", iso(NOTICE)]
        )
        assert fetched.exit_code == 0, fetched.stderr
        sealed = (where / f"{CASE}.bundle.age").read_bytes()
        copies[name] = dict(open_bundle(unseal(sealed, world.identities[name])).contents)
    return Released(args=args, copies=copies, original_poc=POC.read_bytes())

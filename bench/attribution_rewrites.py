"""The rewrite attacks of the attribution benchmark, through the product's front door.

A real program (SQLite in a temporary directory) with `n` early-access partners holding age keys
and one case per PoC of `rewrites.model.POCS`, released by `release_due` as `forewarn wave
release` does. Each trial picks a leaker, fetches and decrypts the leaker's own bundle (what the
partner holds), removes every canary token (`forewarn.demo.disguises.scrub_tokens`), applies the
attack, writes what it leaves into a fresh folder and runs the hunt `forewarn trace` runs
(`program_hunt` + `Hunt.trace_paths`, every case of the program) over it.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pyrage

sys.path.insert(0, str(Path(__file__).resolve().parent))

from forewarn.demo.disguises import scrub_tokens
from forewarn.domain import ArtifactKind
from forewarn.hunt import Hunt, TraceResult
from forewarn.investigate.program_hunt import program_hunt
from forewarn.program import artifacts, bundle_handover, cases, partners, release
from forewarn.program.bundles import named_program_key, unseal, verify_bundle
from forewarn.program.service import Program, init_program, open_program
from forewarn.settings import Settings, sqlite_url
from rewrites.model import POCS, Attack, Leak
from rewrites.registry import ATTACKS

NOTICE = datetime(2021, 2, 23, 9, tzinfo=UTC)
JOINED = datetime(2021, 1, 2, tzinfo=UTC)
CASES = {poc.name: f"FW-2021-{k + 1:04d}" for k, poc in enumerate(POCS)}
"""PoC → the case it is the artifact of."""


class World:
    """The released program, the hunt `forewarn trace` builds from it, and cached leaks."""

    def __init__(self, folder: Path, count: int) -> None:
        self.settings = Settings(
            database_url=sqlite_url(folder / "bench.db"), key_file=folder / "bench.key"
        )
        init_program(self.settings, now=datetime(2021, 1, 1, tzinfo=UTC), name="Bench")
        self.partners = [f"Partner {k:04d}" for k in range(count)]
        self.identities: dict[str, str] = {}
        with open_program(self.settings) as program:
            self._populate(program)
            for case_id in CASES.values():
                release.release_due(program.session, program.keys, case_id, now=NOTICE)
            with program.session() as session:
                self.hunt: Hunt = program_hunt(session, program.keys)
        self._leaks: dict[tuple[str, str], Leak] = {}

    def _populate(self, program: Program) -> None:
        with program.session() as session:
            for name in self.partners:
                identity = pyrage.x25519.Identity.generate()
                self.identities[name] = str(identity)
                recipient = str(identity.to_public())
                partners.add_partner(
                    session,
                    program.keys,
                    name=name,
                    country="US",
                    tier="early-access",
                    now=JOINED,
                    age_recipient=recipient,
                )
            for poc in POCS:
                cases.create_case(
                    session,
                    program.keys,
                    now=JOINED,
                    case_id=CASES[poc.name],
                    title=f"Benign {poc.name} request chain",
                    product="Bench product",
                    reported=date(2021, 1, 5),
                    patch_planned=date(2021, 3, 9),
                )
                artifacts.add_artifact(
                    session,
                    program.keys,
                    case_id=CASES[poc.name],
                    name="poc.py",
                    content=poc.path.read_bytes(),
                    kind=ArtifactKind.POC,
                    now=JOINED,
                )

    def leak(self, poc: str, partner: str) -> Leak:
        """`partner`'s copy of `poc` from its own fetched bundle, canary tokens removed."""
        key = (poc, partner)
        if key not in self._leaks:
            with open_program(self.settings) as program, program.session() as session:
                fetched = bundle_handover.fetch_bundle(
                    session, program.keys, CASES[poc], partner=partner, now=NOTICE
                )
            opened = unseal(fetched.sealed, self.identities[partner])
            bundle = verify_bundle(opened, named_program_key(opened))
            text = bundle.contents["poc.py"].decode()
            found = next(p for p in POCS if p.name == poc)
            self._leaks[key] = Leak(found, scrub_tokens(text))
        return self._leaks[key]


@dataclass
class Tally:
    """One attack's trials."""

    attack: Attack
    trials: int = 0
    accused: int = 0
    innocent_trials: int = 0
    innocents_accused: int = 0
    kinds: set[str] = field(default_factory=set)
    symbols: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0

    def add(self, results: list[TraceResult], leaker: str, recipients: int) -> None:
        self.trials += 1
        accused = {s.partner for r in results for s in r.suspects if s.accused}
        self.accused += leaker in accused
        self.innocent_trials += recipients - 1
        self.innocents_accused += len(accused - {leaker})
        for result in results:
            self.kinds.add(result.kind)
            read: dict[str, int] = {}
            for suspect in result.suspects:
                for evidence in suspect.evidence:
                    read[evidence.channel] = max(
                        read.get(evidence.channel, 0), evidence.symbols_read
                    )
            for channel, count in read.items():
                self.symbols[channel] += count

    def as_dict(self) -> dict[str, object]:
        return {
            "poc": self.attack.poc,
            "family": self.attack.family,
            "attack": self.attack.name,
            "wire_preserving": self.attack.wire_preserving,
            "trials": self.trials,
            "read_as": sorted(self.kinds),
            "mean_symbols": {c: v / self.trials for c, v in sorted(self.symbols.items())},
            "leaker_accused_rate": self.accused / self.trials,
            "innocent_partner_trials": self.innocent_trials,
            "innocents_accused": self.innocents_accused,
            "seconds": round(self.seconds, 1),
        }


def run(count: int, trials: int, seed: int = 2021, only: str | None = None) -> list[Tally]:
    """Every attack of the corpus, `trials` leakers each, among `count` partners."""
    rng = random.Random(seed)
    tallies = []
    with tempfile.TemporaryDirectory(prefix="fw-bench-rewrites-") as tmp:
        world = World(Path(tmp), count)
        for attack in ATTACKS:
            if only and only not in f"{attack.poc} {attack.family} {attack.name}":
                continue
            tally, start = Tally(attack), time.perf_counter()
            for trial in range(trials):
                leaker = rng.choice(world.partners)
                out = attack.build(world.leak(attack.poc, leaker))
                where = Path(tmp) / f"trial-{len(tallies)}-{trial}"
                where.mkdir()
                for name, data in out.files.items():
                    (where / name).write_bytes(data)
                tally.add(list(world.hunt.trace_paths([where])), leaker, count)
            tally.seconds = time.perf_counter() - start
            tallies.append(tally)
            print(
                f"{attack.poc}: {attack.name}: {tally.accused}/{trials} in {tally.seconds:.0f} s",
                file=sys.stderr,
            )
    return tallies


def table(tallies: list[Tally]) -> str:
    """One line per attack: what the trace read it as, symbols per channel, who it named."""
    channels = sorted({c for t in tallies for c in t.symbols})
    head = ["PoC", "family", "attack", "trials", "read as"]
    head += [f"{c} symbols" for c in channels]
    head += ["leaker accused", "innocents accused / innocent-partner trials"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for t in tallies:
        cells = [t.attack.poc, t.attack.family, t.attack.name, str(t.trials)]
        cells.append(", ".join(sorted(t.kinds)) or "-")
        cells += [f"{t.symbols.get(c, 0) / t.trials:.0f}" for c in channels]
        cells.append(f"{100 * t.accused / t.trials:.0f} %")
        cells.append(f"{t.innocents_accused} / {t.innocent_trials:,}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)

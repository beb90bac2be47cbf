"""Attribution benchmark: who leaked, after what an attacker does to the copy.

Run: `.venv/bin/python bench/attribution.py [--trials N] [--collusion-trials N]`

n = 1000 partners receive the shipped benign PoC and advisory of the Exchange 2021 scenario, each
marked for them. Each trial picks a leaker (or a coalition) at random, transforms the leaked copy,
and runs the engine's extraction and accusation against all 1000 partners. Two settings:
*code only*, where the attacker also deletes everything shaped like a canary token, and *with
canaries*, where they survive as the transformation leaves them. Writes bench/out/attribution.json
and prints a Markdown table (pasted into bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import attribution_attacks as attacks  # noqa: E402
from forewarn.domain import ArtifactKind, Observation, TokenHit  # noqa: E402
from forewarn.marks import CodeSpec, Marker  # noqa: E402
from forewarn.marks.accusation import Accusation  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "src" / "forewarn" / "data" / "scenarios" / "exchange-2021"
OUT = ROOT / "bench" / "out" / "attribution.json"
SECRET = b"bench-attribution-secret-0123456789"
PARTNERS = [f"partner-{k:04d}" for k in range(1000)]
POC, ADVISORY = "poc.py", "advisory.md"


@dataclass
class Row:
    """Tallies of one transformation in one setting."""

    name: str
    trials: int = 0
    top: int = 0
    accused: int = 0
    innocent_trials: int = 0
    innocents_accused: int = 0
    symbols: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0

    def add(self, verdict: Accusation, guilty: set[str]) -> None:
        self.trials += 1
        self.top += verdict.suspects[0].partner in guilty
        self.accused += bool(set(verdict.accused) & guilty)
        self.innocent_trials += len(PARTNERS) - len(guilty)
        self.innocents_accused += len(set(verdict.accused) - guilty)
        for channel, count in verdict.symbols_read:
            self.symbols[channel] += count

    def as_dict(self) -> dict[str, object]:
        return {
            "transformation": self.name,
            "trials": self.trials,
            "top_suspect_rate": self.top / self.trials,
            "accused_rate": self.accused / self.trials,
            "innocent_partner_trials": self.innocent_trials,
            "innocents_accused": self.innocents_accused,
            "mean_symbols": {c: v / self.trials for c, v in sorted(self.symbols.items())},
            "seconds": round(self.seconds, 1),
        }


class Bench:
    """The marker, the originals and a cache of marked copies."""

    def __init__(self) -> None:
        self.marker = Marker(SECRET, "FW-2021-0001", CodeSpec(len(PARTNERS)))
        self.poc = (SCENARIO / POC).read_bytes()
        self.advisory = (SCENARIO / ADVISORY).read_bytes()

    def copy(self, artifact: str, partner: str) -> str:
        kind = ArtifactKind.POC if artifact == POC else ArtifactKind.ADVISORY
        original = self.poc if artifact == POC else self.advisory
        return self.marker.mark(artifact, kind, original, partner).content.decode()

    def judge(self, suspects: dict[str, str], canaries: bool) -> Accusation:
        observations: list[Observation] = []
        hits: list[TokenHit] = []
        for artifact, text in suspects.items():
            kind = ArtifactKind.POC if artifact == POC else ArtifactKind.ADVISORY
            original = self.poc if artifact == POC else self.advisory
            seen = text if canaries else attacks.scrub_tokens(text)
            observations += self.marker.extract(artifact, kind, original, seen.encode())
            if canaries:
                hits += self.marker.find_tokens(seen.encode(), [POC, ADVISORY], PARTNERS)
        return self.marker.accuse(observations, PARTNERS, hits)


Attack = Callable[[list[str], random.Random], dict[str, str]]


def single(transform: Callable[[str], str]) -> Attack:
    return lambda copies, rng: {POC: transform(copies[0])}


def scenarios(bench: Bench) -> list[tuple[str, int, Attack]]:
    """`(name, colluders, attack)`; an attack maps the colluders' PoC copies to leaked texts."""
    rows: list[tuple[str, int, Attack]] = [
        (f"PoC, {name}", 1, single(fn)) for name, fn in attacks.SINGLE.items()
    ]
    rows += [
        ("PoC, a third of the functions", 1, lambda c, r: {POC: attacks.partial_third(c[0], r)}),
        ("PoC, 2 colluders merge by definition", 2, lambda c, r: {POC: attacks.merge(c, r)}),
        ("PoC, 3 colluders merge by definition", 3, lambda c, r: {POC: attacks.merge(c, r)}),
    ]
    return rows


def advisory_rows(bench: Bench, trials: int, rng: random.Random) -> list[Row]:
    """The advisory alone: verbatim and pasted as plain text."""
    result = []
    for name, fn in (
        ("advisory, verbatim", attacks.verbatim),
        ("advisory, plain text", attacks.plain_text),
    ):
        for canaries in (False, True):
            row = Row(f"{name} ({'with canaries' if canaries else 'code only'})")
            start = time.perf_counter()
            for _ in range(trials):
                leaker = rng.choice(PARTNERS)
                verdict = bench.judge({ADVISORY: fn(bench.copy(ADVISORY, leaker))}, canaries)
                row.add(verdict, {leaker})
            row.seconds = time.perf_counter() - start
            result.append(row)
    return result


def run(trials: int, collusion_trials: int) -> list[Row]:
    bench, rng, rows = Bench(), random.Random(2021), []
    for name, colluders, attack in scenarios(bench):
        count = trials if colluders == 1 else collusion_trials
        for canaries in (False, True):
            row = Row(f"{name} ({'with canaries' if canaries else 'code only'})")
            start = time.perf_counter()
            for _ in range(count):
                guilty = rng.sample(PARTNERS, colluders)
                leaked = attack([bench.copy(POC, p) for p in guilty], rng)
                row.add(bench.judge(leaked, canaries), set(guilty))
            row.seconds = time.perf_counter() - start
            rows.append(row)
            print(f"{row.name}: {row.accused}/{row.trials} in {row.seconds:.0f} s", file=sys.stderr)
    rows += advisory_rows(bench, trials, rng)
    return rows


def table(rows: list[Row]) -> str:
    channels = sorted({c for row in rows for c in row.symbols})
    head = ["transformation", "trials", "top suspect", "accused", "innocents accused / trials"]
    head += [f"{c} symbols" for c in channels]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [
            row.name,
            str(row.trials),
            f"{100 * row.top / row.trials:.0f} %",
            f"{100 * row.accused / row.trials:.0f} %",
            f"{row.innocents_accused} / {row.innocent_trials:,}",
        ]
        cells += [f"{row.symbols.get(c, 0) / row.trials:.0f}" for c in channels]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30, help="single-leaker trials per row")
    parser.add_argument("--collusion-trials", type=int, default=30, help="trials per coalition row")
    args = parser.parse_args()
    start = time.perf_counter()
    rows = run(args.trials, args.collusion_trials)
    spec = CodeSpec(len(PARTNERS))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "partners": len(PARTNERS),
        "max_colluders": spec.max_colluders,
        "epsilon": spec.epsilon,
        "code_length": spec.length,
        "cutoff": spec.cutoff,
        "rows": [row.as_dict() for row in rows],
        "seconds": round(time.perf_counter() - start, 1),
    }
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    print(table(rows))
    print(f"\n{report['seconds']} s; written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

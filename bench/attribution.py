"""Attribution benchmark: who leaked, after what an attacker does to the copy.

Run: `.venv/bin/python bench/attribution.py [--trials 100] [--collusion-trials 60] [--pool 100]`
and, for the rewrite attacks only (see `attribution_rewrites`),
`.venv/bin/python bench/attribution.py --rewrites [--rewrite-trials 5] [--rewrite-partners 40]`.

n = 1000 partners receive the shipped benign PoC and advisory of the Exchange 2021 scenario, each
marked for them. Each trial picks a leaker (a different one in each trial of a row, while the pool
lasts) or a coalition at random, transforms the leaked copy, and runs the engine's extraction
and accusation against all 1000 partners. Leakers are drawn
from a pool of partners whose copies are marked once (marking costs about a second a copy); the
999 others are the innocents of each trial. Two settings:
*code only*, where the attacker also deletes everything shaped like a canary token, and *with
canaries*, where they survive as the transformation leaves them. Writes bench/out/attribution.json
and prints a Markdown table (pasted into bench/RESULTS.md).

Detection rules (YARA and Suricata, written from the PoC by `exchange.rules` as `forewarn case
rules` writes them) are leaked too: verbatim, reformatted, options reordered, msg reworded
(`forewarn.demo.disguise_rules`); `--rules-only` runs just those rows.

`--decoders` runs the decoder table instead (`attribution_decoders`): a column per decoder
(symmetric, universal, learn-and-match, combined) for 1, 2, 3 colluders × interleave, majority,
minority, random, on the positions PoC + advisory show, with fresh innocents put to the same
tests as the real ones; `--decoder-trials`, `--fresh-innocents` (per trial) and `--decoder-draws`
size it, `--decoder-lengths 200,300` adds rows of `--length-colluders` (3) at synthetic code
lengths; `--bias-distributions arcsine,gauss-legendre` measures both bias laws side by side.

`--rewrites` runs the rewrite-attack corpus (`bench/rewrites/`) instead, through `forewarn
trace`'s own hunt on a released program, and writes bench/out/attribution_rewrites.json.
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
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import attribution_decoders
import attribution_rewrites
import bias_laws
from forewarn.demo import disguises as attacks
from forewarn.demo.disguise_rules import RULE_ATTACKS
from forewarn.domain import ArtifactKind, Case, Observation, RuleSource, TokenHit
from forewarn.exchange.rules.suricata import suricata_rules
from forewarn.exchange.rules.yara import yara_rules
from forewarn.marks import CodeSpec, Marker
from forewarn.marks.accusation import Accusation
from forewarn.program.rules import poc_view

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "src" / "forewarn" / "data" / "scenarios" / "exchange-2021"
OUT = ROOT / "bench" / "out" / "attribution.json"
SECRET = b"bench-attribution-secret-0123456789"
PARTNERS = [f"partner-{k:04d}" for k in range(1000)]
POC, ADVISORY = "poc.py", "advisory.md"
YARA, SURICATA = "rules.yar", "suricata.rules"
CASE = Case(
    "FW-2021-0001",
    "Mail server pre-auth request chain",
    "Mail Server 2019",
    date(2021, 1, 5),
    date(2021, 3, 9),
    ("CVE-2021-26855", "CVE-2021-27065"),
)


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
    canaries: bool = False

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
            "canaries": "kept as the transformation leaves them" if self.canaries else "scrubbed",
            "trials": self.trials,
            "top_suspect_rate": self.top / self.trials,
            "accused_rate": self.accused / self.trials,
            "innocent_partner_trials": self.innocent_trials,
            "innocents_accused": self.innocents_accused,
            "mean_symbols": {c: v / self.trials for c, v in sorted(self.symbols.items())},
            "seconds": round(self.seconds, 1),
        }


class Bench:
    """The marker, the originals and the marked copies of a pool of partners."""

    def __init__(self) -> None:
        self.marker = Marker(SECRET, "FW-2021-0001", CodeSpec(len(PARTNERS)))
        self.originals = {
            POC: (SCENARIO / POC).read_bytes(),
            ADVISORY: (SCENARIO / ADVISORY).read_bytes(),
        }
        self.kinds = {POC: ArtifactKind.POC, ADVISORY: ArtifactKind.ADVISORY}
        view = poc_view(self.marker, POC, self.originals[POC])
        assert view is not None
        source = RuleSource(CASE, (view,), "Bench PSIRT", date(2021, 2, 20))
        self.originals[YARA] = yara_rules(source).encode()
        self.originals[SURICATA] = suricata_rules(source).encode()
        self.kinds.update({YARA: ArtifactKind.RULES, SURICATA: ArtifactKind.RULES})
        self._copies: dict[tuple[str, str], str] = {}

    def copy(self, artifact: str, partner: str) -> str:
        """`partner`'s marked copy (marked once, then reused by every row)."""
        key = (artifact, partner)
        if key not in self._copies:
            original = self.originals[artifact]
            marked = self.marker.mark(artifact, self.kinds[artifact], original, partner)
            self._copies[key] = marked.content.decode()
        return self._copies[key]

    def judge(self, leaked: dict[str, str]) -> tuple[Accusation, Accusation]:
        """Verdicts without canaries (the attacker scrubbed them) and with them as they survive."""
        observations: list[Observation] = []
        hits: list[TokenHit] = []
        for artifact, text in leaked.items():
            scrubbed = attacks.scrub_tokens(text).encode()
            original = self.originals[artifact]
            observations += self.marker.extract(artifact, self.kinds[artifact], original, scrubbed)
            hits += self.marker.find_tokens(text.encode(), list(self.originals), PARTNERS)
        return (
            self.marker.accuse(observations, PARTNERS),
            self.marker.accuse(observations, PARTNERS, hits),
        )


Attack = Callable[[Bench, list[str], random.Random], dict[str, str]]


def single(artifact: str, transform: Callable[[str], str]) -> Attack:
    return lambda bench, guilty, rng: {artifact: transform(bench.copy(artifact, guilty[0]))}


def merged(with_advisory: bool) -> Attack:
    """Colluders merge their PoCs by definition (and their advisories by paragraph)."""

    def attack(bench: Bench, guilty: list[str], rng: random.Random) -> dict[str, str]:
        leaked = {POC: attacks.merge([bench.copy(POC, p) for p in guilty], rng)}
        if with_advisory:
            copies = [bench.copy(ADVISORY, p) for p in guilty]
            leaked[ADVISORY] = attacks.merge_paragraphs(copies, rng)
        return leaked

    return attack


def partial(bench: Bench, guilty: list[str], rng: random.Random) -> dict[str, str]:
    return {POC: attacks.partial_copy(bench.copy(POC, guilty[0]), rng=rng)}


SINGLE = [
    attacks.ATTACKS[key]
    for key in (
        "verbatim",
        "black",
        "ruff_format",
        "strip_comments",
        "ast_unparse",
        "minify",
        "rename_all",
    )
]
"""Single-leaker disguises of the PoC, from the one library (forewarn.demo.disguises)."""


def rule_leak(artifact: str, key: str) -> Attack:
    """A partner's rule file disguised by one of the rule attacks."""
    attack = RULE_ATTACKS[key]
    return lambda bench, guilty, rng: {artifact: attack.apply(bench.copy(artifact, guilty[0]), rng)}


def rule_scenarios() -> list[tuple[str, int, Attack]]:
    """Leaked rule files, each disguise, YARA and Suricata."""
    return [
        (f"{label} rules, {RULE_ATTACKS[key].label}", 1, rule_leak(artifact, key))
        for label, artifact in (("YARA", YARA), ("Suricata", SURICATA))
        for key in RULE_ATTACKS
    ]


def scenarios() -> list[tuple[str, int, Attack]]:
    """`(name, colluders, attack)`; an attack maps the guilty partners to the leaked texts."""
    rows: list[tuple[str, int, Attack]] = [
        (f"PoC, {attack.label}", 1, single(POC, attack.apply)) for attack in SINGLE
    ]
    rows += [
        ("PoC, a third of the functions", 1, partial),
        ("advisory, verbatim", 1, single(ADVISORY, attacks.ATTACKS["verbatim"].apply)),
        ("advisory, plain text re-wrapped", 1, single(ADVISORY, attacks.plain_text)),
        ("PoC, 2 colluders merge by definition", 2, merged(False)),
        ("PoC, 3 colluders merge by definition", 3, merged(False)),
        ("PoC + advisory, 2 colluders merge", 2, merged(True)),
        ("PoC + advisory, 3 colluders merge", 3, merged(True)),
    ]
    return rows + rule_scenarios()


def run(
    trials: int, collusion_trials: int, pool: int, *, rules_only: bool = False
) -> list[tuple[Row, Row]]:
    """Every scenario; leakers are drawn from a pool of `pool` partners whose copies are cached."""
    bench, rng = Bench(), random.Random(2021)
    rows: list[tuple[Row, Row]] = []
    leakers = rng.sample(PARTNERS, pool)
    for name, colluders, attack in rule_scenarios() if rules_only else scenarios():
        count = trials if colluders == 1 else collusion_trials
        blind, seen = Row(f"{name}"), Row(f"{name}")
        start = time.perf_counter()
        # A single leaker is a different partner in every trial (while the pool lasts): most
        # disguises are deterministic, so drawing a partner twice repeats one investigation and
        # counts its outcome twice, which is no evidence about ε.
        distinct = rng.sample(leakers, count) if colluders == 1 and count <= pool else None
        for trial in range(count):
            guilty = [distinct[trial]] if distinct else rng.sample(leakers, colluders)
            without, with_canaries = bench.judge(attack(bench, guilty, rng))
            blind.add(without, set(guilty))
            seen.add(with_canaries, set(guilty))
        blind.seconds = seen.seconds = time.perf_counter() - start
        blind.canaries, seen.canaries = False, True
        rows.append((blind, seen))
        print(
            f"{name}: {blind.accused}/{count} code only in {blind.seconds:.0f} s", file=sys.stderr
        )
    return rows


def table(rows: list[tuple[Row, Row]]) -> str:
    """One line per leak: attribution without and with canaries, innocents, symbols read."""
    channels = sorted({c for blind, _ in rows for c in blind.symbols})
    head = ["leak", "trials", "top suspect", "accused (code only)", "accused (with canaries)"]
    head += ["innocents accused / innocent-partner trials (code only; with canaries)"]
    head += [f"{c} symbols" for c in channels]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for blind, seen in rows:
        cells = [
            blind.name,
            str(blind.trials),
            f"{100 * blind.top / blind.trials:.0f} %",
            f"{100 * blind.accused / blind.trials:.0f} %",
            f"{100 * seen.accused / seen.trials:.0f} %",
            f"{blind.innocents_accused} / {blind.innocent_trials:,}; "
            f"{seen.innocents_accused} / {seen.innocent_trials:,}",
        ]
        cells += [f"{blind.symbols.get(c, 0) / blind.trials:.0f}" for c in channels]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100, help="single-leaker trials per row")
    parser.add_argument("--collusion-trials", type=int, default=60, help="trials per coalition row")
    parser.add_argument("--pool", type=int, default=100, help="partners whose copies are marked")
    parser.add_argument("--rewrites", action="store_true", help="run the rewrite attacks instead")
    parser.add_argument("--rules-only", action="store_true", help="only the leaked rule files")
    parser.add_argument("--rewrite-trials", type=int, default=5, help="leakers per rewrite attack")
    parser.add_argument("--rewrite-partners", type=int, default=40, help="partners in the program")
    parser.add_argument("--only", help="rewrite attacks whose PoC, family or name contains this")
    parser.add_argument("--decoders", action="store_true", help="the decoder table instead")
    parser.add_argument("--decoder-trials", type=int, default=20, help="coalitions per row")
    parser.add_argument("--fresh-innocents", type=int, default=50_000, help="per trial")
    parser.add_argument("--decoder-draws", type=int, default=100_000, help="simulated per pass")
    parser.add_argument("--decoder-colluders", default="1,2,3", help="coalition sizes, e.g. 3")
    parser.add_argument("--decoder-strategies", default="", help="e.g. interleave,random")
    parser.add_argument("--decoder-lengths", default="", help="synthetic lengths, e.g. 200,300")
    parser.add_argument("--length-trials", type=int, default=20, help="coalitions per length row")
    parser.add_argument("--length-colluders", type=int, default=3, help="coalition of length rows")
    parser.add_argument(
        "--bias-distributions",
        default=bias_laws.ARCSINE,
        help=f"side by side in one run, of {', '.join(bias_laws.LAWS)}",
    )
    args = parser.parse_args()
    if args.decoders:
        sizes = tuple(int(c) for c in args.decoder_colluders.split(",") if c)
        lengths = tuple(int(n) for n in args.decoder_lengths.split(",") if n)
        decoders_main(
            args.decoder_trials,
            args.fresh_innocents,
            args.decoder_draws,
            sizes,
            lengths,
            args.length_trials,
            tuple(d for d in args.bias_distributions.split(",") if d),
            args.length_colluders,
            tuple(s for s in args.decoder_strategies.split(",") if s),
        )
        return
    if args.rewrites:
        rewrites_main(args.rewrite_partners, args.rewrite_trials, args.only)
        return
    start = time.perf_counter()
    rows = run(args.trials, args.collusion_trials, args.pool, rules_only=args.rules_only)
    spec = CodeSpec(len(PARTNERS))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "partners": len(PARTNERS),
        "max_colluders": spec.max_colluders,
        "epsilon": spec.epsilon,
        "code_length": spec.length,
        "cutoff": spec.cutoff,
        "empirical_draws": 100_000,
        "leaker_pool": args.pool,
        "rows": [row.as_dict() for pair in rows for row in pair],
        "seconds": round(time.perf_counter() - start, 1),
    }
    out = OUT.with_name("attribution_rules.json") if args.rules_only else OUT
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(table(rows))
    print(f"\n{report['seconds']} s; written to {out.relative_to(ROOT)}")


def decoders_main(
    trials: int,
    fresh: int,
    draws: int,
    colluders: tuple[int, ...] = (1, 2, 3),
    lengths: tuple[int, ...] = (),
    length_trials: int = 20,
    distributions: tuple[str, ...] = (bias_laws.ARCSINE,),
    length_colluders: int = 3,
    strategies: tuple[str, ...] = (),
) -> None:
    """The decoder table, printed and written to bench/out/attribution_decoders*.json; one per
    bias distribution, each a marker of the same case (same layout, so the same positions are
    read) whose codewords follow that distribution's biases."""
    start, cpu = time.perf_counter(), time.process_time()
    bench = Bench()
    read: list[Observation] = []
    for artifact in (POC, ADVISORY):
        copy = attacks.scrub_tokens(bench.copy(artifact, PARTNERS[0])).encode()
        original = bench.originals[artifact]
        read += bench.marker.extract(artifact, bench.kinds[artifact], original, copy)
    rows: dict[str, list[attribution_decoders.DecoderRow]] = {}
    by_length: dict[str, list[attribution_decoders.DecoderRow]] = {}
    for distribution in distributions:
        spec = bench.marker.spec
        marker = bias_laws.LawMarker(
            SECRET, bench.marker.case_id, spec, bench.marker.channels, distribution
        )
        print(f"bias distribution {distribution}", flush=True)
        rows[distribution] = attribution_decoders.run(
            marker,
            PARTNERS,
            read,
            trials,
            fresh,
            draws,
            colluders=colluders,
            strategies=strategies or tuple(attribution_decoders.STRATEGIES),
        )
        by_length[distribution] = attribution_decoders.run_lengths(
            marker,
            lengths,
            length_trials,
            draws,
            strategies=("interleave",) if length_colluders == 1 else ("interleave", "random"),
            colluders=length_colluders,
        )
    suffix = "" if colluders == (1, 2, 3) else "_c" + "".join(map(str, colluders))
    suffix += f"_lengths{length_colluders}" if lengths else ""
    suffix += "".join(f"_{s}" for s in strategies)
    suffix += "" if distributions == (bias_laws.ARCSINE,) else "_" + "_".join(distributions)
    out = OUT.with_name(f"attribution_decoders{suffix}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "partners": len(PARTNERS),
        "epsilon": bench.marker.spec.epsilon,
        "code_length": bench.marker.spec.length,
        "scheme": bench.marker.scheme,
        "symbols_read": len(read),
        "symbols_by_channel": {
            c: sum(o.channel == c for o in read) for c in sorted({o.channel for o in read})
        },
        "fresh_innocents_per_trial": fresh,
        "draws": draws,
        "rows": {d: [row.as_dict() for row in r] for d, r in rows.items()},
        "length_rows": {d: [row.as_dict() for row in r] for d, r in by_length.items()},
        "seconds": round(time.perf_counter() - start, 1),
        "cpu_seconds": round(time.process_time() - cpu, 1),
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    for distribution in distributions:
        print(f"\nbias distribution {distribution}")
        if rows[distribution]:
            epsilon = bench.marker.spec.epsilon
            print(attribution_decoders.table(rows[distribution], len(PARTNERS), epsilon))
        if by_length[distribution]:
            print(attribution_decoders.length_table(by_length[distribution]))
    where = out.relative_to(ROOT)
    print(f"\n{report['seconds']} s ({report['cpu_seconds']} s CPU); written to {where}")


def rewrites_main(partners: int, trials: int, only: str | None) -> None:
    """The rewrite-attack table, printed and written to bench/out/attribution_rewrites.json."""
    start = time.perf_counter()
    tallies = attribution_rewrites.run(partners, trials, only=only)
    out = OUT.with_name("attribution_rewrites.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "partners": partners,
        "trials_per_attack": trials,
        "canaries": "scrubbed",
        "rows": [t.as_dict() for t in tallies],
        "seconds": round(time.perf_counter() - start, 1),
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(attribution_rewrites.table(tallies))
    print(f"\n{report['seconds']} s; written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

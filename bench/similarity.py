"""Similarity benchmark: ROC AUC and precision/recall per disguise level, through the path
`forewarn trace` takes, beside copydetect in the same run; queries per second against a
10,000-artifact index.

    .venv/bin/python bench/similarity.py [--seeds 3] [--index-size 10000]

Corpus (bench/corpus/scaffold.py): independent programs for the same tasks sharing their task's
scaffold (as on public corpora), and disguised copies of
each at the cumulative levels of `forewarn.demo.disguise_levels` (Python) and
`forewarn.demo.disguise_levels_java` (Java). Positives: a copy vs its origin. Negatives, as on
public corpora: every program as written vs the other programs of its task (independent code for
the same job, traced as `trace` would meet it).

The index is built as `forewarn.investigate.tracing.add_case` builds it (artifact key
`case/name`, language from `language_of(name, text)`), and each copy is read and traced as
`forewarn trace` reads a file (`read_bytes` under a neutral file name, then `Hunt.trace_item`):
a pair the CLI does not report (below `DEFAULT_MIN_SCORE`) scores 0. The raw index score of
every pair is given beside it (`index_auc`).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import Pool
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from corpus.scaffold import HELD_OUT, JAVA_TASKS, PYTHON_TASKS
from forewarn.demo.disguise_levels import LEVELS, disguise_python
from forewarn.demo.disguise_levels_java import disguise_java
from forewarn.hunt.readers import read_bytes
from forewarn.hunt.readers.languages import language_of
from forewarn.hunt.similarity import MATCH_THRESHOLD, SimilarityIndex, fingerprint
from forewarn.hunt.trace import Hunt

LANGS = {
    "python": (PYTHON_TASKS, disguise_python, ".py"),
    "java": (JAVA_TASKS, disguise_java, ".java"),
}
"""Per language: tasks (independent implementations each), the disguise, the file extension."""


@dataclass
class Scores:
    """One side's pair scores: as `trace` reports them, raw, copydetect's, held-out task's."""

    cli: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    theirs: list[float] = field(default_factory=list)
    held: list[float] = field(default_factory=list)


def traced(hunt: Hunt, text: str, extension: str) -> dict[str, float]:
    """Similarity per artifact as `forewarn trace` reports it for a file holding `text`."""
    (item,) = read_bytes(f"tool{extension}", text.encode())
    result = hunt.trace_item(item)
    return {f"{m.case}/{m.artifact}": m.similarity for m in result.matches}


def auc(pos: list[float], neg: list[float]) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    p, n = np.array(pos)[:, None], np.array(neg)[None, :]
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


def copydetect_score(a: str, b: str, extension: str) -> float:
    import copydetect

    fa = copydetect.CodeFingerprint(f"x{extension}", 25, 6, fp=io.StringIO(a))
    fb = copydetect.CodeFingerprint(f"x{extension}", 25, 6, fp=io.StringIO(b))
    _, sims, _ = copydetect.compare_files(fa, fb)
    return float(max(sims))


def pr(pos: list[float], neg: list[float], threshold: float) -> tuple[float, float]:
    tp = sum(s >= threshold for s in pos)
    fp = sum(s >= threshold for s in neg)
    return (tp / (tp + fp) if tp + fp else 1.0), tp / len(pos)


@dataclass
class Bench:
    """One language's index, originals and disguise."""

    hunt: Hunt
    index: SimilarityIndex
    originals: dict[str, str]
    disguise: Callable[[str, int, int], str]
    extension: str
    held_out: str
    seeds: int

    def pairs(self, level: int, *, positive: bool) -> Scores:
        """Positives: disguised copies vs their origin; negatives: each program as written vs
        the other programs of its task (independent code for the same job, as found)."""
        out = Scores()
        for key, source in self.originals.items():
            task = key.split("/")[0]
            copies = (
                [self.disguise(source, level, s) for s in range(self.seeds)]
                if positive
                else [source]
            )
            for copy in copies:
                reported = traced(self.hunt, copy, self.extension)
                print_ = fingerprint(copy, language_of(f"tool{self.extension}", copy))
                scores = self.index.scores(print_)
                for other in self.originals:
                    if other.split("/")[0] != task or (other == key) != positive:
                        continue
                    out.cli.append(reported.get(other, 0.0))
                    out.raw.append(scores[other])
                    out.theirs.append(copydetect_score(copy, self.originals[other], self.extension))
                    if task == self.held_out:
                        out.held.append(out.cli[-1])
        return out


def accuracy(
    seeds: int, languages: list[str] | None = None, levels: list[int] | None = None
) -> list[dict[str, object]]:
    rows = []
    for language, (tasks, disguise, extension) in LANGS.items():
        if languages and language not in languages:
            continue
        index = SimilarityIndex()
        originals = {}
        for task, impls in tasks.items():
            for i, source in enumerate(impls):
                name = f"{i}{extension}"
                originals[f"{task}/{name}"] = source
                index.add(
                    f"{task}/{name}",
                    source,
                    case=task,
                    name=name,
                    language=language_of(name, source),
                )
        hunt = Hunt(index=index)

        bench = Bench(hunt, index, originals, disguise, extension, HELD_OUT[language], seeds)
        negative = bench.pairs(0, positive=False)
        rows.append(
            {
                "language": language,
                "level": "independent only",
                "negatives": len(negative.cli),
                "median_independent": round(float(np.median(negative.raw)), 3),
                "max_independent": round(float(np.max(negative.raw)), 3),
                "reported_independent": sum(s > 0 for s in negative.cli),
                "copydetect_median_independent": round(float(np.median(negative.theirs)), 3),
            }
        )
        print(json.dumps(rows[-1]))
        for level in range(1, len(LEVELS) + 1):
            if levels and level not in levels:
                continue
            positive = bench.pairs(level, positive=True)
            cli = (positive.cli, negative.cli)
            raw = (positive.raw, negative.raw)
            theirs = (positive.theirs, negative.theirs)
            held = (positive.held, negative.held)
            precision, recall = pr(cli[0], cli[1], MATCH_THRESHOLD)
            ours, theirs_auc = auc(cli[0], cli[1]), auc(theirs[0], theirs[1])
            rows.append(
                {
                    "language": language,
                    "level": f"{level} {LEVELS[level - 1]}",
                    "positives": len(cli[0]),
                    "negatives": len(cli[1]),
                    "auc": round(ours, 3),
                    "copydetect_auc": round(theirs_auc, 3),
                    "auc_ratio": round(ours / theirs_auc, 2) if theirs_auc else None,
                    "held_out_auc": round(auc(held[0], held[1]), 3),
                    "index_auc": round(auc(raw[0], raw[1]), 3),
                    "precision": round(precision, 3),
                    "recall": round(recall, 3),
                    "recall@0.15": round(pr(cli[0], cli[1], 0.15)[1], 3),
                    "recall_above_every_independent": round(
                        sum(p > max(cli[1]) for p in cli[0]) / len(cli[0]), 3
                    ),
                    "median_copy": round(float(np.median(raw[0])), 3),
                    "median_independent": round(float(np.median(raw[1])), 3),
                    "max_independent": round(float(np.max(raw[1])), 3),
                    "copydetect_median_copy": round(float(np.median(theirs[0])), 3),
                    "copydetect_median_independent": round(float(np.median(theirs[1])), 3),
                }
            )
            print(json.dumps(rows[-1]))
    return rows


def _variant(args: tuple[int, int]) -> tuple[str, str, object]:
    i, seed = args
    rng = random.Random(seed)
    language = "python" if i % 2 else "java"
    tasks, disguise, _ = LANGS[language]
    source = rng.choice(rng.choice(list(tasks.values())))
    text = disguise(source, rng.randrange(1, len(LEVELS) + 1), seed)
    return text, language, fingerprint(text, language)


def throughput(size: int, queries: int) -> dict[str, object]:
    start = time.perf_counter()
    with Pool(2) as pool:
        made = pool.map(_variant, [(i, 1000 + i) for i in range(size)], chunksize=64)
    build_fp = time.perf_counter() - start
    index = SimilarityIndex()
    for i, (text, _, print_) in enumerate(made):
        index.add_fingerprint(f"a{i}", print_, text, case=f"C{i % 500}", name=f"a{i}")
    start = time.perf_counter()
    index.scores(made[0][2])  # builds the inverted index
    freeze = time.perf_counter() - start
    probes = [_variant((i, 900_000 + i)) for i in range(queries)]
    start = time.perf_counter()
    for _, _, print_ in probes:
        index.query_fingerprint(print_, regions=False)  # type: ignore[arg-type]
    lookup = time.perf_counter() - start
    start = time.perf_counter()
    for text, language, _ in probes:
        index.query(text, language, limit=5)
    full = time.perf_counter() - start
    row = {
        "artifacts": size,
        "fingerprint_build_s_2procs": round(build_fp, 1),
        "index_freeze_s": round(freeze, 2),
        "queries": queries,
        "lookup_qps": round(queries / lookup),
        "end_to_end_qps": round(queries / full),
    }
    print(json.dumps(row))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--index-size", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--accuracy-only", action="store_true", help="skip the speed run")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "out" / "similarity.json"
    )
    parser.add_argument("--language", action="append", help="only this language (repeatable)")
    parser.add_argument("--level", type=int, action="append", help="only this level (repeatable)")
    args = parser.parse_args()
    rows = accuracy(args.seeds, args.language, args.level)
    speed = None if args.accuracy_only else throughput(args.index_size, args.queries)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"threshold": MATCH_THRESHOLD, "accuracy": rows, "throughput": speed}, indent=2)
        + "\n"
    )


if __name__ == "__main__":
    main()

"""Innocent partners are not accused on leaked rule files: the rules channel's symbols, after every
disguise in `demo.disguise_rules`, are the leaker's bits at distinct positions, and the score of an
innocent codeword drawn with the case's biases stays below the threshold as often as ε says.

These are the checks that decide whether a false accusation on a leaked rule file is a defect (a
read that depends on partners, repeated positions, symbols the attack chose) or the code's
allowed ε: fresh innocents against a fixed leak, and whole investigations under fresh secrets at
a loose ε through the marker's own `mark`, `extract` and `accuse`.
"""

from __future__ import annotations

import math
import random
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from forewarn.demo.disguise_rules import RULE_ATTACKS
from forewarn.domain import ArtifactKind, Case, RuleSource
from forewarn.exchange.rules.suricata import suricata_rules
from forewarn.exchange.rules.yara import yara_rules
from forewarn.marks import CodeSpec, Marker
from forewarn.marks.accusation import law_of
from forewarn.marks.threshold import provable_threshold
from forewarn.program.rules import poc_view

POC = Path(__file__).parents[2] / "src/forewarn/data/scenarios/exchange-2021/poc.py"
CASE = Case(
    "FW-2021-0001",
    "Mail server pre-auth request chain",
    "Mail Server 2019",
    date(2021, 1, 5),
    date(2021, 3, 9),
    ("CVE-2021-26855", "CVE-2021-27065"),
)
SECRET = b"rules-innocents-secret-0123456789"


@cache
def rule_files() -> dict[str, str]:
    """The case's YARA and Suricata files as `forewarn case rules` writes them from the PoC."""
    marker = Marker(SECRET, CASE.id, CodeSpec(n_partners=64))
    view = poc_view(marker, "poc.py", POC.read_bytes())
    assert view is not None
    source = RuleSource(CASE, (view,), "Example PSIRT", date(2021, 2, 20))
    return {"rules.yar": yara_rules(source), "suricata.rules": suricata_rules(source)}


def _leak(marker: Marker, artifact: str, partner: str, attack: str, seed: int) -> bytes:
    original = rule_files()[artifact].encode()
    copy = marker.mark(artifact, ArtifactKind.RULES, original, partner).content.decode()
    return RULE_ATTACKS[attack].apply(copy, random.Random(seed)).encode()


def _binomial_ceiling(trials: int, rate: float, alpha: float = 1e-3) -> int:
    """Smallest `k` with `P(Binomial(trials, rate) > k) <= alpha`."""
    tail = 1.0
    for k in range(trials + 1):
        log_mass = (
            math.lgamma(trials + 1)
            - math.lgamma(k + 1)
            - math.lgamma(trials - k + 1)
            + k * math.log(rate)
            + (trials - k) * math.log1p(-rate)
        )
        tail -= math.exp(log_mass)
        if tail <= alpha:
            return k
    return trials


@pytest.mark.parametrize("attack", sorted(RULE_ATTACKS))
@pytest.mark.parametrize("artifact", ["rules.yar", "suricata.rules"])
def test_fresh_innocents_against_a_disguised_rule_file_stay_under_the_bound(
    artifact: str, attack: str
) -> None:
    marker = Marker(SECRET, CASE.id, CodeSpec(n_partners=1000))
    leaked = _leak(marker, artifact, "leaker", attack, seed=7)
    original = rule_files()[artifact].encode()
    observations = marker.extract(artifact, ArtifactKind.RULES, original, leaked)
    assert observations, "every disguise leaves some order bits readable"
    positions = [o.position for o in observations]
    # One symbol per code position: a repeated position would count one choice twice.
    assert len(set(positions)) == len(positions)
    # What is read is the leaker's own bits; only a shuffle may, by chance, pass for an order
    # the marks wrote (then it reads noise, independent of every innocent as of the leaker).
    word = marker.codeword("leaker")
    wrong = sum(int(word[o.position]) != o.symbol for o in observations)
    assert wrong == 0 or attack == "reordered"
    order = np.argsort(positions)
    where = np.array(positions, dtype=np.int64)[order]
    symbols = np.array([o.symbol for o in observations], dtype=np.uint8)[order]
    law = law_of(where, symbols, marker.bias)
    rng = np.random.default_rng(2021)
    draws = 20_000
    innocents = rng.random((draws, len(where))) < marker.bias[where]
    scores = innocents @ (law.if_one - law.if_zero) + float(law.if_zero.sum())
    for alpha in (1e-2, 1e-3):
        threshold, _ = provable_threshold(law, alpha)
        over = int((scores >= threshold).sum())
        assert over <= _binomial_ceiling(draws, alpha), (alpha, over)


@pytest.mark.slow
@pytest.mark.parametrize("attack", sorted(RULE_ATTACKS))
@pytest.mark.parametrize("artifact", ["rules.yar", "suricata.rules"])
def test_investigations_under_fresh_secrets_accuse_innocents_at_most_at_rate_epsilon(
    artifact: str, attack: str
) -> None:
    """At ε = 0.05 and 12 partners, the share of investigations that accuse any innocent stays
    below ε up to a binomial margin; each investigation has its own secret (its own codebook)."""
    partners = [f"partner-{k:02d}" for k in range(12)]
    spec = CodeSpec(n_partners=len(partners), epsilon=0.05)
    investigations, framed, caught = 24, 0, 0
    original = rule_files()[artifact].encode()
    for trial in range(investigations):
        secret = f"rules-innocents-{artifact}-{attack}-{trial:04d}".encode()
        marker = Marker(secret, CASE.id, spec, draws=4_000)
        leaker = partners[trial % len(partners)]
        leaked = _leak(marker, artifact, leaker, attack, seed=trial)
        verdict = marker.accuse(
            marker.extract(artifact, ArtifactKind.RULES, original, leaked), partners
        )
        framed += bool(set(verdict.accused) - {leaker})
        caught += leaker in verdict.accused
    assert framed <= _binomial_ceiling(investigations, spec.epsilon)
    assert caught >= investigations // 2, "the leaker is still found"

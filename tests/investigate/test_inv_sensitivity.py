"""The background prior is a guess: every activity says whether its verdicts survive a tenfold
change of its mean, and says it in words (also in report.json)."""

from __future__ import annotations

import json

from test_inv_engine import exchange_like
from test_inv_groups import three_waves

from forewarn.domain.investigation import Verdict
from forewarn.investigate.report import to_json


def test_every_activity_carries_its_prior_sensitivity() -> None:
    result = exchange_like()
    for activity in result.activities:
        assert activity.sensitivity is not None
        assert activity.sensitivity.factor == 10 and activity.sensitivity.mean_days == 60
    named = result.activities[1].sensitivity
    assert named is not None and named.robust  # a fingerprint does not depend on the prior
    assert named.statement.startswith("No verdict changes when the background prior's mean")
    assert "one unrelated onset per 600 days" in named.statement
    assert "one per 6 days" in named.statement


def test_a_verdict_that_rests_on_timing_says_which_way_it_turns() -> None:
    result = exchange_like(with_accusation=False)
    sensitivity = result.activities[1].sensitivity
    assert sensitivity is not None and not sensitivity.robust
    assert sensitivity.lower  # rarer background activity makes the timing stronger
    change = sensitivity.lower[0]
    assert change.verdict is not change.becomes
    assert "The verdicts depend on the background prior" in sensitivity.statement
    assert "ten times lower (one unrelated onset per 600 days)" in sensitivity.statement
    assert f"becomes {change.becomes.value} (was {change.verdict.value})" in sensitivity.statement


def test_the_sensitivity_is_in_report_json() -> None:
    data = json.loads(to_json(three_waves()))
    assert data["schema"] == "forewarn.investigation/2"
    sensitivity = data["activities"][0]["sensitivity"]
    assert set(sensitivity) == {"factor", "mean_days", "lower", "higher", "statement"}
    for change in sensitivity["lower"] + sensitivity["higher"]:
        assert change["verdict"] in {v.value for v in Verdict}
    assert data["activities"][0]["groups"][2]["relation"] == "during"
    assert [len(g["partners"]) for g in data["groups"]] == [12, 28, 60]

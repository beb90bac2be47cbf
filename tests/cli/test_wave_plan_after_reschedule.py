"""`wave plan` after a reschedule: no phantom wave, rule notes kept, yes/no for released."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from forewarn.cli import wave as wave_cli
from forewarn.domain import ArtifactKind, Partner, PartnerStatus, Release, ReleasedArtifact, Tier
from forewarn.program.policy import Rule, embargo_end, plan_waves
from forewarn.program.waves import LeadTimeChange, RescheduleResult
from policy_world import ALL_KINDS, CASE, KEY, artifact

EARLY = Tier("early-access", 3, timedelta(days=14), ALL_KINDS)
ARTIFACTS = (
    artifact("advisory.md", ArtifactKind.ADVISORY, "early-access", "0"),
    artifact("poc.py", ArtifactKind.POC, "early-access", "2"),
)
NO_POC_IN_ZZ = Rule(
    "no-poc-zz", countries=frozenset({"ZZ"}), withhold=frozenset({ArtifactKind.POC})
)


def given(name: str, at: datetime) -> Release:
    advisory = ReleasedArtifact("advisory.md", "advisory", "3" * 64)
    return Release(f"r-{name}", CASE.id, name, at, embargo_end(CASE), (advisory,))


def test_a_suspended_partner_joins_the_released_wave_not_a_phantom_one() -> None:
    moved = replace(CASE, patch_planned=date(2021, 3, 2))  # the tier's slot moves a week earlier
    partners = [
        Partner("Kestrel Systems", "US", "early-access", age_recipient=KEY),
        Partner("Ostrava Shield", "ZZ", "early-access", age_recipient=KEY),
        Partner("Leaky Labs", "US", "early-access", status=PartnerStatus.SUSPENDED),
    ]
    released = [given(p, datetime(2021, 2, 23, tzinfo=UTC)) for p in ("Kestrel Systems",)]
    released.append(given("Ostrava Shield", datetime(2021, 2, 23, tzinfo=UTC)))
    plan = plan_waves(moved, (EARLY,), partners, ARTIFACTS, (NO_POC_IN_ZZ,), released=released)
    assert [(w.at.date(), len(w.partners), len(w.excluded)) for w in plan] == [
        (date(2021, 2, 23), 2, 1)
    ]
    assert [e.partner for e in plan[0].excluded] == ["Leaky Labs"]
    assert [(a.partner, a.reason) for a in plan[0].adjusted] == [
        ("Ostrava Shield", "poc withheld by no-poc-zz")
    ]


def test_reschedule_table_says_yes_or_no(capsys) -> None:
    changes = (
        LeadTimeChange("Kestrel Systems", timedelta(days=14), timedelta(days=7), True),
        LeadTimeChange("Ostrava Shield", timedelta(days=1), timedelta(hours=3), False),
    )
    result = RescheduleResult(CASE, (), changes)
    wave_cli.render_reschedule(CASE.id, result)
    out = capsys.readouterr().out
    assert "True" not in out and "False" not in out
    assert "yes" in out and "no" in out

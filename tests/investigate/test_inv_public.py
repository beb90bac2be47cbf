"""After the patch: the public explanation, timing that weighs nothing for a leak, the holders of
what the material derives from, and recommendations that know the phase."""

from __future__ import annotations

from datetime import timedelta

from inv_records import (
    CASE_ID,
    accused,
    at,
    case,
    day,
    event,
    fetch,
    release,
    tool,
)

from forewarn.domain.evidence import ArtifactMatch
from forewarn.domain.investigation import (
    EvidenceKind,
    Finding,
    HypothesisKind,
    InvestigationResult,
    Phase,
    RecommendationKind,
    Verdict,
)
from forewarn.domain.timeline import EventKind, TimePoint, TimePrecision
from forewarn.investigate.commands import command_line
from forewarn.investigate.engine import investigate
from forewarn.investigate.phase import phase_of, public_moment

EARLY = ["Alder Labs", "Basalt Systems", "Cinder Cyber"]
PATCH = TimePoint(at("2021-03-02T17:00:00"), TimePrecision.INSTANT)


def after_patch(
    findings: tuple[Finding, ...] = (), onset: str = "2021-03-12"
) -> InvestigationResult:
    releases = [release(p, "2021-02-23T09:00:00") for p in EARLY]
    return investigate(
        case(patch_actual=PATCH),
        events=[
            event(EventKind.EXPLOITATION, day("2021-02-28"), "before the patch"),
            event(EventKind.EXPLOITATION, day(onset), "mass exploitation after the patch"),
        ],
        releases=releases,
        fetches=[fetch(r, "2021-02-23T10:00:00") for r in releases],
        findings=list(findings),
        as_of=at("2021-03-14T00:00:00"),
        program_partners=EARLY,
        longest_lead=timedelta(days=14),
        replay=True,
    )


def _leaks(result: InvestigationResult, wave: int) -> list:  # type: ignore[type-arg]
    return [h for h in result.activities[wave].hypotheses if h.kind is HypothesisKind.PARTNER_LEAK]


def test_activity_after_the_patch_is_explained_by_the_patch_not_by_timing() -> None:
    result = after_patch()
    later = result.activities[1]
    assert later.phase is Phase.PUBLIC
    top = later.hypotheses[0]
    assert (top.kind, top.verdict) == (HypothesisKind.PUBLIC_PATCH, Verdict.LEADING)
    for leak in _leaks(result, 1):
        timing = [e for e in leak.evidence if e.kind is EvidenceKind.TIMING]
        assert timing and all(e.weight == 0 for e in timing)
        assert any("its timing says nothing about a leak" in e.statement for e in timing)
    assert later.groups[0].likelihood_ratio is None
    assert "after the patch" in result.headline and "10 days after the patch went public" in (
        result.headline
    )
    # the activity before the patch keeps its timing against the notice
    assert result.activities[0].phase is Phase.EMBARGO
    assert result.activities[0].groups[0].likelihood_ratio is not None


def test_after_the_patch_the_recommendations_are_review_and_a_linked_case() -> None:
    result = after_patch()
    kinds = [r.kind for r in result.recommendations]
    assert RecommendationKind.MOVE_PATCH not in kinds
    assert kinds == [RecommendationKind.OPEN_LINKED_CASE, RecommendationKind.NOTIFY_PARTNERS]
    linked, notify = result.recommendations
    assert linked.linked is not None and linked.linked.id == f"{CASE_ID}-bypass"
    assert command_line(linked) == (
        f"forewarn case create {CASE_ID}-bypass --related {CASE_ID} "
        f"--title 'Bypass of the fix for {CASE_ID}' --product 'Mail Server 2019' "
        "--reported 2021-03-14 --patch-planned 2021-03-30"
    )
    assert command_line(notify) == (
        f"forewarn wave release {CASE_ID}-bypass --now 2021-03-14T00:00:00Z"
    )
    assert any("bypass of the fix" in reason for reason in linked.reasons)


def test_material_the_patch_does_not_publish_supports_a_leak_after_it() -> None:
    found = tool(day("2021-03-12"), 0.85)
    result = after_patch((found,))
    later = result.activities[1]
    public = next(h for h in later.hypotheses if h.kind is HypothesisKind.PUBLIC_PATCH)
    against = [e for e in public.evidence if not e.supports]
    assert any("which the patch does not publish" in e.statement and e.weight == 2 for e in against)
    (leak,) = _leaks(result, 1)
    assert any(
        "which the patch does not publish" in e.statement and e.supports for e in leak.evidence
    )
    assert leak.score > public.score
    assert not any(h.subject for h in later.hypotheses)


def test_a_marked_copy_after_the_patch_names_the_partner_and_asks_for_a_review() -> None:
    found = tool(day("2021-03-12"), 0.95, (accused("Basalt Systems", 1e-12),))
    result = after_patch((found,))
    later = result.activities[1]
    top = later.hypotheses[0]
    assert (top.subject, top.verdict) == ("Basalt Systems", Verdict.LEADING)
    public = next(h for h in later.hypotheses if h.kind is HypothesisKind.PUBLIC_PATCH)
    assert public.verdict is Verdict.RULED_OUT
    kinds = {r.kind: r for r in result.recommendations}
    assert kinds[RecommendationKind.SUSPEND_PARTNER].partner == "Basalt Systems"
    review = kinds[RecommendationKind.REVIEW_PARTNERS]
    assert "Basalt Systems" in review.title
    assert command_line(review) == f"forewarn wave plan {CASE_ID}"
    assert RecommendationKind.MOVE_PATCH not in kinds


def test_an_onset_on_the_patch_day_weighs_both_orders() -> None:
    releases = [release(p, "2021-02-23T09:00:00") for p in EARLY]
    result = investigate(
        case(patch_actual=PATCH),
        events=[event(EventKind.EXPLOITATION, day("2021-03-02"))],
        releases=releases,
        fetches=[],
        findings=[],
        as_of=at("2021-03-04T00:00:00"),
    )
    (activity,) = result.activities
    assert "on the day the patch went public" in result.headline
    assert activity.phase is Phase.PATCH_DAY
    public = next(h for h in activity.hypotheses if h.kind is HypothesisKind.PUBLIC_PATCH)
    assert public.verdict is not Verdict.RULED_OUT
    assert any("both orders are weighed" in e.statement for e in public.evidence)
    assert activity.groups[0].likelihood_ratio is not None  # the part before 17:00 still counts


def test_the_patch_is_public_from_its_event_or_record_once_it_happened() -> None:
    released = event(EventKind.PATCH_RELEASED, day("2021-03-02"))
    plain = case()
    assert public_moment(plain, [released], at("2021-03-03T00:00:00")) == day("2021-03-02")
    assert public_moment(plain, [released], at("2021-03-01T00:00:00")) is None
    recorded = case(patch_actual=PATCH)
    assert public_moment(recorded, [released], at("2021-03-03T00:00:00")) == PATCH
    assert public_moment(recorded, [], at("2021-03-02T12:00:00")) is None
    assert phase_of(day("2021-03-05"), None) is Phase.EMBARGO
    assert phase_of(day("2021-03-01"), PATCH) is Phase.EMBARGO


def test_exposure_is_restricted_to_holders_of_what_the_material_derives_from() -> None:
    """One partner of the wave had the PoC withheld by policy: it cannot explain a PoC copy."""
    releases = [release(p, "2021-02-23T09:00:00") for p in EARLY]
    releases.append(release("Dunlin Signals", "2021-02-23T09:00:00", poc=False))

    def weigh(artifact: str) -> InvestigationResult:
        found = Finding(
            label="found tool",
            kind="python",
            seen=day("2021-02-28"),
            matches=(ArtifactMatch(CASE_ID, artifact, 0.9),),
        )
        return investigate(
            case(),
            events=[event(EventKind.EXPLOITATION, day("2021-02-28"))],
            releases=releases,
            fetches=[],
            findings=[found],
            as_of=at("2021-03-01T00:00:00"),
        )

    poc = weigh("poc.py").activities[0]
    assert set(poc.exposed_partners) == set(EARLY)
    withheld = next(h for h in poc.hypotheses if "without poc.py" in h.title)
    assert withheld.verdict is Verdict.RULED_OUT
    assert any(
        e.decisive and "not poc.py, which the material derives from" in e.statement
        for e in withheld.evidence
    )
    advisory = weigh("advisory.md").activities[0]
    assert set(advisory.exposed_partners) == {*EARLY, "Dunlin Signals"}
    assert all(
        h.verdict is not Verdict.RULED_OUT
        for h in advisory.hypotheses
        if h.kind is HypothesisKind.PARTNER_LEAK
    )

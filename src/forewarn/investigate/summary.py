"""The report's first page: what we know, what we don't, what we do; read in ten seconds.

Every sentence comes from the result (nothing here weighs evidence): the accusations with their
bounds in words against the program's ε, the activity no partner can explain, what stays open
(no explanation leads, marks tied between partners, dates that are only guesses) and every
recommended action with the command that applies it.
"""

from __future__ import annotations

from dataclasses import dataclass

from forewarn.domain.custody import DateBasis
from forewarn.domain.evidence import top_suspects
from forewarn.domain.exposure import PartyRole
from forewarn.domain.investigation import Activity, HypothesisKind, InvestigationResult, Verdict
from forewarn.investigate.activity import describe_span
from forewarn.investigate.attribution import fingerprint_bound
from forewarn.investigate.commands import command_line
from forewarn.investigate.wording import bound_sentence, plural


@dataclass(frozen=True, slots=True)
class Accusation:
    """A partner a fingerprint accuses and whose leak leads, with its bound in words."""

    partner: str
    """The partner."""
    activity: str
    """The activity label (`Wave 2`)."""
    findings: tuple[str, ...]
    """The findings whose fingerprint accuses it."""
    bound: float
    """The smallest false-accusation bound."""
    words: str
    """`less than 1 in 10²¹ (2.4e-22) — far below the program's 1 in 1,000 (ε = 1.0e-03)`."""


@dataclass(frozen=True, slots=True)
class Action:
    """One recommended action and the command that applies it."""

    title: str
    """What to do."""
    command: str
    """The `forewarn …` command (it records the action in the audit log)."""


@dataclass(frozen=True, slots=True)
class Briefing:
    """The three lists of the first page, and the accusations they rest on."""

    know: tuple[str, ...]
    """Established facts."""
    unknown: tuple[str, ...]
    """What the evidence does not settle."""
    do: tuple[Action, ...]
    """Every recommended action, most urgent first."""
    accusations: tuple[Accusation, ...]
    """Partners accused (fingerprint evidence, leading), strongest first."""


def accusations(result: InvestigationResult) -> tuple[Accusation, ...]:
    """Partners whose named leak leads on fingerprint evidence, strongest bound first."""
    found: dict[str, Accusation] = {}
    for activity in result.activities:
        for h in activity.hypotheses:
            if h.kind is not HypothesisKind.PARTNER_LEAK or h.verdict is not Verdict.LEADING:
                continue
            bound = fingerprint_bound(activity, h.subject) if h.subject else None
            if bound is None:
                continue
            held = found.get(h.subject)
            if held is not None and held.bound <= bound:
                continue
            labels = tuple(
                f.label
                for f in activity.findings
                if any(s.partner == h.subject and s.accused for s in f.suspects)
            )
            words = bound_sentence(bound, result.epsilon)
            found[h.subject] = Accusation(h.subject, activity.label, labels, bound, words)
    return tuple(sorted(found.values(), key=lambda a: (a.bound, a.partner)))


def _known(activity: Activity, accused: dict[str, Accusation]) -> list[str]:
    span = describe_span(activity)
    kinds = list(dict.fromkeys(e.kind.value for e in activity.events))  # in time order
    what = " then ".join(kinds) if kinds else "material found"
    facts = [f"{activity.label} ({span}): {what}."]
    named = [a for a in accused.values() if a.activity == activity.label]
    facts.extend(
        f"{', '.join(item.findings)} derives from the copy given to {item.partner}: "
        f"its fingerprint says so, with a chance of an innocent match of {item.words}."
        for item in named
    )
    if activity.timing is None and not activity.exposed_partners:
        facts.append(
            f"{activity.label} began before any partner held anything: no partner explains it."
        )
    elif activity.exposed_partners and not named:
        facts.append(
            f"{plural(len(activity.exposed_partners), 'partner')} held material before "
            f"{activity.label} began."
        )
    return facts


def _open(activity: Activity, accused: dict[str, Accusation]) -> list[str]:
    leading = next((h for h in activity.hypotheses if h.verdict is Verdict.LEADING), None)
    questions: list[str] = []
    if leading is None:
        alive = [h.title for h in activity.hypotheses if h.verdict is Verdict.PLAUSIBLE]
        if alive:
            questions.append(
                f"What caused {activity.label}: no explanation leads; still open: "
                f"{'; '.join(alive)}."
            )
    elif leading.kind is HypothesisKind.PARTNER_LEAK and not leading.subject:
        questions.append(
            f"Which partner leaked before {activity.label}: the evidence points to a partner "
            "but the marks name none."
        )
    questions.extend(
        f"Whether {item.partner} passed its copy on or was itself breached: the marks show "
        "whose copy it is, not how it got out."
        for item in accused.values()
        if item.activity == activity.label
    )
    for finding in activity.findings:
        top = top_suspects(finding.suspects)
        if len(top) > 1 and not any(s.accused for s in finding.suspects):
            questions.append(
                f"Whose copy {finding.label} is: its marks are tied between "
                f"{len(top)} partners, so they name nobody."
            )
    return questions


def _exposure_fact(result: InvestigationResult) -> str:
    partners = {e.party for e in result.exposure if e.role is PartyRole.PARTNER}
    if not partners:
        return "No partner has been given anything of this case yet."
    fetched = {f.partner for f in result.fetches}
    acked = {a.partner for a in result.acknowledgements}
    return (
        f"{plural(len(partners), 'partner')} received material of this case; "
        f"{len(fetched & partners)} fetched it and {len(acked & partners)} acknowledged it."
    )


def brief(result: InvestigationResult) -> Briefing:
    """The first page's three lists."""
    accused = {a.partner: a for a in accusations(result)}
    know: list[str] = []
    unknown: list[str] = []
    for activity in result.activities:
        know += _known(activity, accused)
        unknown += _open(activity, accused)
    if not result.activities:
        know.append("No attacker activity is recorded for this case.")
    know.append(_exposure_fact(result))
    findings = [f for a in result.activities for f in a.findings]
    registered = [f for f in findings if f.dating is not None and f.dating.custody is not None]
    if findings:
        know.append(
            f"{plural(len(findings), 'item')} of evidence traced, "
            f"{len(registered)} of them registered with their chain of custody."
        )
    guessed = [f.label for f in findings if f.dating and f.dating.basis is DateBasis.MTIME]
    if guessed:
        unknown.append(
            f"When {', '.join(guessed)} {'was' if len(guessed) == 1 else 'were'} really seen: "
            "dated only by file modification day."
        )
    do = tuple(Action(r.title, command_line(r)) for r in result.recommendations)
    return Briefing(tuple(know), tuple(unknown), do, tuple(accused.values()))


__all__ = ["Accusation", "Action", "Briefing", "accusations", "brief"]

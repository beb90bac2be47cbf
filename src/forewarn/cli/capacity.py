"""What an artifact's marks buy, in words: shared by `case add-artifact` and `wave plan`.

The numbers come from `program.capacity` (symbols per channel, per attack, against what the
case's code needs); this module only words them, plainly enough that a PSIRT sees before a
release that a PoC ships unmarked or that only verbatim copies of it are attributable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from forewarn.cli import common

if TYPE_CHECKING:
    from forewarn.encoding import JsonValue
    from forewarn.marks.capacity import Needs, Outcome
    from forewarn.program.capacity import ArtifactCapacity, CaseCapacity


def _who(names: int) -> str:
    return ("nobody", "1 leaker", "up to 2 colluders", "up to 3 colluders")[names]


def _cell(outcome: Outcome) -> str:
    return f"{outcome.positions} · {_who(outcome.names)}"


def _partners(item: ArtifactCapacity, needs: Needs) -> str:
    if item.recipients is not None:
        return f"its {item.recipients} recipients"
    return f"{needs.n_partners} partners"


def verdict(item: ArtifactCapacity, needs: Needs) -> str:
    """One sentence: whom a leak of this artifact names, and after which edits."""
    from forewarn.marks.capacity import Attack

    among = _partners(item, needs)
    if item.identical:
        return (
            "ships unmarked: it offers no choice points, every partner gets the same bytes "
            "(one SHA-256 for all), so a leak of it cannot be attributed"
        )
    total = sum(item.symbols.values())
    if total == 0:
        return (
            f"carries no fingerprint symbols, only {item.tokens} tracking tokens: a copy that "
            "keeps them points to a partner as a lead, never an accusation; without them it "
            f"cannot be told apart among {among}"
        )
    by = {o.attack: o for o in item.outcomes}
    single = needs.single if needs.single is not None else "more than the code's length of"
    if by[Attack.VERBATIM].names == 0:
        return (
            f"cannot be told apart among {among} even as a verbatim copy: "
            f"{by[Attack.VERBATIM].positions} symbols, {single} needed to name a single leaker"
        )
    if by[Attack.REWRITTEN].names:
        capture = (
            "and from a capture of its traffic"
            if by[Attack.CAPTURE].names
            else ("but not from a capture of its traffic alone")
        )
        said = f"a single leaker is named after a wire-preserving rewrite, {capture}"
    elif by[Attack.REFORMATTED].names:
        said = (
            "a single leaker is named after reformatting and renaming; once rewritten it "
            f"cannot be told apart among {among}"
        )
    else:
        said = (
            "only verbatim copies are attributable; once edited it cannot be told apart "
            f"among {among}"
        )
    most = by[Attack.VERBATIM].names
    if most == 1:
        pair = needs.pair if needs.pair is not None else "more than the code's length of"
        said += f"; two colluders merging their copies escape ({pair} symbols needed)"
    else:
        said += f"; {_who(most)} merging their copies are named from verbatim copies"
    return said


def to_json(found: CaseCapacity) -> JsonValue:
    """The capacity report for `--json`: the records plus each artifact's verdict."""
    from forewarn.encoding import encode

    artifacts: list[JsonValue] = []
    for item in found.artifacts:
        record = encode(item)
        assert isinstance(record, dict)
        record["identical"] = item.identical
        record["verdict"] = verdict(item, found.needs)
        artifacts.append(record)
    return {
        "case_id": found.case_id,
        "marking": encode(found.marking),
        "needs": encode(found.needs),
        "artifacts": artifacts,
    }


def render(found: CaseCapacity) -> None:
    """A table of symbols per channel and per attack, then one verdict line per artifact."""
    from forewarn.marks.capacity import TARGET

    needs = found.needs

    def need(value: int | None) -> str:
        return str(value) if value is not None else f"more than {needs.length}"

    common.say(
        f"code of {found.case_id}: {needs.length} positions for {needs.n_partners} partners, "
        f"c = {needs.max_colluders}, ε = {needs.epsilon:g}; symbols needed to name a leaker in "
        f"{TARGET:.0%} of simulated leaks: {need(needs.single)} for a single leaker, "
        f"{need(needs.pair)} for one of 2 colluders, {need(needs.triple)} for one of 3"
    )
    common.table(
        "marks per artifact (distinct code positions · who is named)",
        ("artifact", "symbols per channel", "tokens", "verbatim", "reformatted", "rewritten",
         "capture"),
        [
            (
                item.artifact,
                ", ".join(f"{ch} {n}" for ch, n in item.symbols.items()) or "none",
                item.tokens,
                *(_cell(o) for o in item.outcomes),
            )
            for item in found.artifacts
        ],
    )  # fmt: skip
    for item in found.artifacts:
        common.say(f"{item.artifact}: {verdict(item, needs)}")

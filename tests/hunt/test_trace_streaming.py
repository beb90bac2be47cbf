"""A run reads each item's marks as the item arrives and decides every accusation at the end:
what the client keeps of an item until then is its result and what was read, never its text
or requests (a corpus of logs does not fit in memory), and every decision still counts all of
the run's comparisons (the union bound)."""

from __future__ import annotations

from collections.abc import Iterator

from forewarn.domain import Suspect
from forewarn.errors import MarkError
from forewarn.hunt import Decision, Examined, Hunt, Material, SimilarityIndex, TraceResult
from forewarn.hunt.trace import MarksRead

from .samples import POC


def _hunt(calls: list[tuple[str, int]], pulled: list[int]) -> Hunt:
    index = SimilarityIndex()
    index.add("FW-1/poc.py", POC, case="FW-1", name="poc.py", language="python")

    def accuse(
        case: str,
        artifact: str,
        original: str,
        material: Material,
    ) -> Decision:
        suspect = material.text or ""
        calls.append(("read", len(pulled)))
        if "unreadable" in suspect:
            raise MarkError("cannot read this one")

        def decide(comparisons: int) -> list[Suspect]:
            calls.append(("decide", comparisons))
            if "undecidable" in suspect:
                raise MarkError("cannot decide this one")
            return [Suspect(f"Partner of {suspect}", 1.0, False, 1.0, ())]

        return decide

    return Hunt(index=index, accuse=accuse)


def _items(texts: list[str], pulled: list[int]) -> Iterator[Examined]:
    for i, text in enumerate(texts):
        pulled.append(i)
        read = (MarksRead("FW-1", "poc.py", "similarity 0.90"),)
        yield Examined(TraceResult(f"item{i}", "python", read=read), text)


def test_marks_are_read_as_items_arrive_and_decided_once_all_are_counted() -> None:
    calls: list[tuple[str, int]] = []
    pulled: list[int] = []
    hunt = _hunt(calls, pulled)
    results = list(hunt.conclude_all(_items(["a", "b", "c"], pulled)))
    assert calls[:3] == [("read", 1), ("read", 2), ("read", 3)]
    assert calls[3:] == [("decide", 3)] * 3
    assert [r.suspects[0].partner for r in results] == [
        "Partner of a",
        "Partner of b",
        "Partner of c",
    ]


def test_a_failure_to_read_or_to_decide_is_a_note_on_that_item_only() -> None:
    calls: list[tuple[str, int]] = []
    pulled: list[int] = []
    hunt = _hunt(calls, pulled)
    texts = ["unreadable", "ok", "undecidable"]
    unreadable, ok, undecidable = hunt.conclude_all(_items(texts, pulled))
    assert unreadable.suspects == () and unreadable.notes == ("FW-1/poc.py: cannot read this one",)
    assert [s.partner for s in ok.suspects] == ["Partner of ok"] and ok.notes == ()
    assert undecidable.suspects == ()
    assert undecidable.notes == ("FW-1/poc.py: cannot decide this one",)
    # the item that could not be read still counts as a comparison of the run
    assert [c for c in calls if c[0] == "decide"] == [("decide", 3), ("decide", 3)]


def test_what_waits_for_the_decision_holds_no_text_and_no_requests() -> None:
    calls: list[tuple[str, int]] = []
    pulled: list[int] = []
    hunt = _hunt(calls, pulled)
    (item,) = _items(["some suspect text"], pulled)
    pending = hunt.read_marks(item)
    assert "text" not in type(pending).__slots__ and "requests" not in type(pending).__slots__
    assert pending.accusing and len(pending.decisions) == 1
    assert hunt.decide(pending, comparisons=5).suspects[0].partner == "Partner of some suspect text"
    assert calls[-1] == ("decide", 5)

"""The text channel: choices in advisory wording and layout survive re-wrapping and plain text."""

from __future__ import annotations

import random
import re
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.marks.channels.text.channel import TextChannel
from forewarn.marks.channels.text.points import choice_points

ADVISORY = """\
# Exchange Server remote code execution

## Summary

A vulnerability in Exchange Server allows an unauthenticated attacker to execute arbitrary
code on affected servers. The flaw is a server-side request forgery; in order to exploit it,
an attacker sends a specially crafted request via port 443, e.g. from a compromised host.
Attackers could therefore obtain access to mailboxes of administrators, executives, and staff.

## Affected versions

- Exchange Server 2013
- Exchange Server 2016
- Exchange Server 2019

## Timeline

The finder reported the issue on 2021-01-05. Partners were notified on February 23, 2021,
prior to the planned patch release of 2021-03-09.

Mitigation
----------

Apply the update immediately. Until then, restrict untrusted connections to port 443,
i.e. allow only VPN users, and watch logs for approximately 30 days.

```
POST /ecp/DDI/DDIService.svc/GetObject HTTP/1.1 allows via attacker
```

See `attacker.py` and https://example.invalid/vulnerability for details.
Rule content: "vulnerability allows attacker".
"""

SENTENCES = [
    "A vulnerability in the {p} service allows a remote attacker to execute code.",
    "The flaw was reported on {d} and fixed prior to the release of {p} {n}.",
    "In order to exploit it, attackers utilize a specially crafted request via {p}.",
    "Affected builds, e.g. {p} {n}, should be patched immediately.",
    "Numerous partners, vendors, and customers were notified on {d}.",
    "An adversary could therefore obtain approximately {n} records, i.e. all of them.",
    "Administrators are not permitted to disable the {p} service.",
]
CHANNEL = TextChannel()


def _plain(markdown: str, width: int) -> str:
    """What a copy-paste into a plain-text mail looks like: no Markdown, re-wrapped, upper case."""
    stripped = re.sub(r"[#*`>_]|^-+$|^=+$|^- ", "", markdown, flags=re.MULTILINE)
    return "\n\n".join(textwrap.fill(p, width) for p in stripped.split("\n\n")).upper()


@st.composite
def advisories(draw: st.DrawFn) -> str:
    products = st.sampled_from(["Exchange", "SharePoint", "Gateway", "Portal"])
    parts = [f"# {draw(products)} advisory {draw(st.integers(1, 99))}", ""]
    for _ in range(draw(st.integers(2, 6))):
        template = draw(st.sampled_from(SENTENCES))
        date = draw(st.sampled_from(["2021-02-23", "March 2, 2021", "2020-12-10"]))
        parts.append(template.format(p=draw(products), n=draw(st.integers(2, 2030)), d=date))
        if draw(st.booleans()):
            parts.append("")
        if draw(st.booleans()):
            items = draw(
                st.lists(
                    st.sampled_from(["first step here", "then restart it"]),
                    min_size=1,
                    max_size=2,
                    unique=True,
                )
            )
            parts.extend(["", *(f"- {item}" for item in items), ""])
    return "\n".join(parts) + "\n"


@given(advisories(), st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_embed_then_extract_returns_every_bit_of_an_untouched_copy(
    text: str, rnd: random.Random
) -> None:
    bits = [rnd.randint(0, 1) for _ in range(CHANNEL.capacity(text))]
    marked = CHANNEL.embed(text, bits)
    assert CHANNEL.extract(text, marked) == bits


@given(advisories(), st.randoms(use_true_random=False), st.integers(30, 120))
@settings(max_examples=60, deadline=None)
def test_plain_text_rewrapped_upper_case_reads_only_correct_bits(
    text: str, rnd: random.Random, width: int
) -> None:
    bits = [rnd.randint(0, 1) for _ in range(CHANNEL.capacity(text))]
    read = CHANNEL.extract(text, _plain(CHANNEL.embed(text, bits), width))
    assert all(r is None or r == b for r, b in zip(read, bits, strict=True))


def test_the_sample_advisory_offers_many_choices_and_keeps_most_in_plain_text() -> None:
    capacity = CHANNEL.capacity(ADVISORY)
    assert capacity >= 25
    kinds = {p.kind for p in choice_points(ADVISORY)}
    assert kinds == {"word", "date", "serial", "bullet", "heading"}
    bits = [k % 2 for k in range(capacity)]
    read = CHANNEL.extract(ADVISORY, _plain(CHANNEL.embed(ADVISORY, bits), 60))
    assert sum(r is not None for r in read) >= capacity - 8
    assert all(r is None or r == b for r, b in zip(read, bits, strict=True))


def test_marked_text_reads_naturally_and_leaves_code_urls_and_quotes_alone() -> None:
    marked = CHANNEL.embed(ADVISORY, [1] * CHANNEL.capacity(ADVISORY))
    assert (
        "A flaw in Exchange Server permits an unauthenticated adversary to run arbitrary" in marked
    )
    assert "February 23, 2021" in marked and "January 5, 2021" in marked
    assert "administrators, executives and staff" in marked
    assert "* Exchange Server 2013\n* Exchange Server 2016" in marked
    assert "Summary\n-------" in marked and "\n## Mitigation\n" not in marked
    for kept in (
        "HTTP/1.1 allows via attacker",
        "`attacker.py`",
        "example.invalid/vulnerability",
        '"vulnerability allows attacker"',
    ):
        assert kept in marked
    zero = CHANNEL.embed(ADVISORY, [0] * CHANNEL.capacity(ADVISORY))
    assert "## Summary" in zero and "## Mitigation" in zero and "2021-02-23" in zero


def test_capitalised_names_mid_sentence_are_not_reworded() -> None:
    text = "Read the Remote Code Execution Vulnerability notice before Friday, then patch it now."
    assert all(p.kind != "word" for p in choice_points(text))


def test_unrelated_and_empty_suspects_read_nothing() -> None:
    for suspect in ("", "lorem ipsum dolor sit amet " * 50, "def f():\n    return 1\n"):
        assert set(CHANNEL.extract(ADVISORY, suspect)) == {None}


def test_an_ambiguous_duplicate_copy_reads_nothing_for_the_repeated_part() -> None:
    bits = [1] * CHANNEL.capacity(ADVISORY)
    marked = CHANNEL.embed(ADVISORY, bits)
    other = CHANNEL.embed(ADVISORY, [0] * len(bits))
    read = CHANNEL.extract(ADVISORY, marked + "\n" + other)
    assert all(r is None for r, p in zip(read, bits, strict=True) if p is not None)


@given(
    st.lists(
        st.sampled_from(
            [*'abc -*#\n\r\t`,."1', "allows ", "e.g. ", "2021-03-02", "## x\n", "\nT\n===\n"]
            + [
                "Allows a remote attacker, ",
                "\n- item one two\n",
                "\n1. step one\n",
                "x, y, and z ",
            ]
        ),
        max_size=150,
    ).map("".join),
    st.randoms(use_true_random=False),
)
@settings(max_examples=150, deadline=None)
def test_any_text_round_trips_and_never_misreads_itself(text: str, rnd: random.Random) -> None:
    bits = [rnd.randint(0, 1) for _ in range(CHANNEL.capacity(text))]
    marked = CHANNEL.embed(text, bits)
    assert CHANNEL.extract(text, marked) == bits


@pytest.mark.parametrize("heading", ["# ## x\n", "# - item\n", "## 1. first\n", "# > quote\n"])
def test_headings_that_would_read_as_another_block_are_left_alone(heading: str) -> None:
    """Found by hypothesis: `# ## x` as setext (`## x` over `====`) reads as an ATX heading."""
    assert TextChannel().capacity(heading) == 0
    assert TextChannel(safe_headings=False).capacity(heading) == 1  # scheme 1 decodes as marked

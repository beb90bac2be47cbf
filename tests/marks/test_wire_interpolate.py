"""Splices and repetitions worked out by shape, for languages no grammar reads (`interpolate`).

Rows are the spellings of tests/marks/redteam_pocs3/ (Kotlin, Perl, Swift, Dart, Lua); what
must not be spliced (a name bound twice, a shell's single quotes) stays as written.
"""

from __future__ import annotations

import pytest

from forewarn.marks.channels.wire.interpolate import interpolated_text

SPLICED = [
    (  # Kotlin: `const val` in an object, `${Owner.NAME}`, `"A".repeat(37)`
        'object Lab {\n    const val TICKET = "1843073522"\n}\n'
        'val c = "a%3D~${Lab.TICKET}"\nval pad = "A".repeat(3)\nval q = "Pad=$pad&x"\n',
        ['"a%3D~1843073522"', '"Pad=AAA&x"'],
    ),
    (  # Perl: `my $x = '…';`, `"…\@$domain…"`, `'A' x 3`
        "use strict;\nmy $domain = 'lab.invalid';\nmy $pad = 'A' x 3;\n"
        'my $c = "localhost\\@$domain/ews";\nmy $q = "Pad=$pad";\n',
        ['"localhost@lab.invalid/ews"', '"Pad=AAA"'],
    ),
    (  # Swift: `let`, `\\(name)`, `String(repeating:count:)`
        'let domain = "lab.invalid"\nlet pad = String(repeating: "A", count: 3)\n'
        'let c = "Backend=\\(domain); Pad=\\(pad)"\n',
        ['"Backend=lab.invalid; Pad=AAA"'],
    ),
    (  # Dart: single quotes splice, `'A' * 3`
        "const ticket = 1843073522;\nfinal pad = 'A' * 3;\nfinal c = 'a%3D~$ticket&Pad=$pad';\n",
        ["'a%3D~1843073522&Pad=AAA'"],
    ),
    (  # Lua: `local`, `string.rep`
        'local pad = string.rep("A", 3)\nlocal q = "Pad=" .. pad\n',
        ['local pad = "AAA"'],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SPLICED)
def test_a_splice_of_a_name_bound_once_is_worked_out(text: str, expected: list[str]) -> None:
    out = interpolated_text(text)
    for piece in expected:
        assert piece in out, (piece, out)


NOT_SPLICED = [
    'var id = "1"\nid = "2"\nval c = "x=$id"\n',  # bound, then changed
    "#!/bin/sh\nID=1843073522\ncurl -H 'X-Id: $ID' http://127.0.0.1/\n",  # shell's '…'
    'val c = "x=$unknown"\n',  # bound nowhere
]


@pytest.mark.parametrize("text", NOT_SPLICED)
def test_what_the_text_does_not_fix_stays_as_written(text: str) -> None:
    assert interpolated_text(text) == ""

"""Folding spliced constants of a rewrite in another language back into literal text.

`forewarn trace` through the CLI on whole rewrites is in tests/cli/test_trace_redteam_cli.py;
here each syntax is pinned on its own: what folds, into what, and what must not fold.
"""

from __future__ import annotations

import pytest

from forewarn.grammars import GRAMMARS
from forewarn.marks.channels.literals.grammars import MARKED, best_parse
from forewarn.marks.channels.wire.splice import MAX_VALUE, spliced_text

UA = "Mozilla/5.0 Chrome/88.0.4324.190"

FOLDS = [
    (
        "javascript template",
        "const V = '88.0.4324.190';\nconst UA = `Mozilla/5.0 Chrome/${V}`;\nsend(UA);\n",
        f'send("{UA}");',
    ),
    (
        "typescript concatenation of a number",
        "const ID: number = 91453;\nconst P = '/readme_' + ID + '.txt';\nget(P);\n",
        'get("/readme_91453.txt");',
    ),
    (
        "javascript repeat and join",
        "const N = 3;\nconst c = ['a=1', `b=${'A'.repeat(N)}`].join('; ');\nfetch(c);\n",
        'fetch("a=1; b=AAA");',
    ),
    (
        "go Sprintf of constants",
        'package main\nconst v = "88.0.4324.190"\nconst id = 91453\n'
        'func main() {\n\tua := fmt.Sprintf("Mozilla/5.0 Chrome/%s", v)\n'
        '\treq.Header.Set("User-Agent", ua)\n'
        '\tp := fmt.Sprintf("/readme_%d.txt", id)\n\tget(p)\n}\n',
        f'req.Header.Set("User-Agent", "{UA}")',
    ),
    (
        "go Sprintf with a number",
        'package main\nconst id = 91453\nfunc main() {\n\tget(fmt.Sprintf("/r_%05d.txt", id))\n}\n',
        'get("/r_91453.txt")',
    ),
    (
        "go header slices",
        'package main\nfunc main() {\n\treq.Header["connection"] = []string{"close"}\n'
        '\th := http.Header{"Accept": {"*/*"}}\n}\n',
        'req.Header["connection"] = "close"',
    ),
    (
        "rust consts and format!",
        'use std::fmt;\nconst V: &str = "88.0.4324.190";\nconst ID: u32 = 91453;\n'
        'fn main() {\n    let ua = format!("Mozilla/5.0 Chrome/{}", V);\n'
        '    h("User-Agent", ua);\n    get(format!("/readme_{ID}.txt"));\n}\n',
        'get("/readme_91453.txt")',
    ),
    (
        "java String.format and formatted",
        'class A { static final String V = "88.0.4324.190";\n'
        ' void m() { h("UA", String.format("Mozilla/5.0 Chrome/%s", V));\n'
        ' h("B", "x@%s/y".formatted(V)); } }\n',
        f'h("UA", "{UA}")',
    ),
    (
        "java long constant concatenated",
        'class A { static final long T = 1843073522L;\n void m() { h("a%3D~" + T); } }\n',
        'h("a%3D~1843073522")',
    ),
    (
        "powershell expansion",
        "$V = '88.0.4324.190'\n$Ua = \"Mozilla/5.0 Chrome/$V\"\nInvoke-WebRequest -UserAgent $Ua\n",
        f'-UserAgent "{UA}"',
    ),
    (
        "powershell subexpression and -f",
        "$Id = 91453\n$R = '{0}-{1}' -f '20200302', 7720\n$P = \"/readme_$($Id).txt?r=${R}\"\n"
        "Invoke-WebRequest -Uri $P\n",
        '-Uri "/readme_91453.txt?r=20200302-7720"',
    ),
    (
        "ruby interpolation, repetition and format",
        "require 'net/http'\nV = '88.0.4324.190'\nmodule C\n  T = 1843073522\nend\n"
        "UA = \"Mozilla/5.0 Chrome/#{V}\"\nreq['User-Agent'] = UA\n"
        "get(\"/x?p=#{'A' * 3}&t=\" + format('%d', C::T))\nputs 1\n",
        'get("/x?p=AAA&t=1843073522")',
    ),
    (
        "ruby percent and join",
        "require 'json'\nID = 91453\nh(['a', 'b=%05d' % [ID]].join('; '))\nputs 1\nend\n",
        'h("a; b=91453")',
    ),
    (
        "php braces, define, class constants, sprintf and implode",
        "<?php\ndefine('ID', 91453);\nclass K { const V = '88.0.4324.190'; }\n$d = 'lab';\n"
        "$ua = \"Mozilla/5.0 Chrome/\" . K::V;\nh($ua, sprintf('/r_%d.txt', ID));\n"
        "h(implode('; ', ['a', \"b={$d}\"]), str_repeat('A', 3));\n",
        f'h("{UA}", "/r_91453.txt");',
    ),
    (
        "csharp interpolation, string.Format and a class constant",
        'class W { public const string V = "88.0.4324.190"; public const int Id = 91453; }\n'
        'class A { void M() { var ua = $"Mozilla/5.0 Chrome/{W.V}";\n'
        ' h(ua, string.Format("/r_{0}.txt", W.Id), new string(\'A\', 3), $"{{ {W.Id} }}"); } }\n',
        f'h("{UA}", "/r_91453.txt", "AAA", "{{ 91453 }}")',
    ),
    (
        "shell braces and bare words",
        '#!/bin/sh\nV="88.0.4324.190"\nUA="Mozilla/5.0 Chrome/${V}"\nD=lab.invalid\n'
        'curl -H "User-Agent: $UA" "http://127.0.0.1/x?d=${D}"\n',
        f'"User-Agent: {UA}"',
    ),
]


@pytest.mark.parametrize(("case", "text", "line"), FOLDS, ids=[f[0] for f in FOLDS])
def test_a_spliced_value_is_folded_into_its_line(case: str, text: str, line: str) -> None:
    assert line in spliced_text(text), case


def test_an_unknown_operand_breaks_the_line_so_no_anchor_crosses_it() -> None:
    text = "const BASE = `http://127.0.0.1:${process.argv[2]}`;\nfetch(`${BASE}/ecp/a?x=1`);\n"
    folded = spliced_text(text)
    assert 'fetch("\n/ecp/a?x=1")' in folded
    assert "127.0.0.1:\n/ecp" not in folded.replace('"', "")


def test_a_name_bound_twice_or_changed_later_is_not_folded() -> None:
    go = (
        'package main\nfunc main() {\n\tport := "8080"\n\tif len(os.Args) > 1 {\n'
        '\t\tport = os.Args[1]\n\t}\n\tget("http://127.0.0.1:" + port + "/x")\n}\n'
    )
    assert '"8080/x"' not in spliced_text(go) and "127.0.0.1:8080" not in spliced_text(go)
    shell = 'A="one"\nA="two"\ncurl "http://127.0.0.1/${A}"\n'
    assert "one" not in spliced_text(shell).split("\n", 2)[-1]
    java = 'class A { void m() { String s = "a"; s = "b"; h("x" + s); } }\n'
    assert '"xa"' not in spliced_text(java) and '"xb"' not in spliced_text(java)
    php = "<?php\n$p = '8080';\n$p = $argv[1];\nget('http://127.0.0.1:' . $p . '/x');\n"
    assert "8080/x" not in spliced_text(php)
    ruby = "require 'x'\nport = '8080'\nport += '1'\nget(\"h:#{port}/x\")\nputs 1\nend\n"
    assert "8080" not in spliced_text(ruby).split("get(", 1)[-1]


def test_a_member_named_like_a_constant_is_left_alone() -> None:
    java = 'class A { static final String body = "{}"; void m() { r.body().trim(); h(body); } }\n'
    folded = spliced_text(java)
    assert "r.body().trim()" in folded and 'h("{}")' in folded


def test_a_huge_repeat_is_not_worked_out() -> None:
    text = f"const N = {MAX_VALUE + 1};\nsend('A'.repeat(N));\n"
    assert "A" * (MAX_VALUE + 1) not in spliced_text(text)


def test_python_and_plain_literals_give_nothing() -> None:
    assert spliced_text('UA = "x"\nsend(f"{UA}/y")\n') == ""
    assert spliced_text("fetch('http://127.0.0.1/x', { headers: { a: 'b' } });\n") == ""


def test_the_literals_channel_keeps_its_grammars_and_go_is_read_only_here() -> None:
    """A grammar shipped later must not move the literal sites of copies already released."""
    assert set(MARKED) < {name for name, _, _ in GRAMMARS}
    go = 'package main\n\nconst x = "a"\n\nfunc main() {\n\tget("b" + x)\n}\n'
    assert best_parse(go).language != "go"
    assert 'get("ba")' in spliced_text(go)

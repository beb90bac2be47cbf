"""Similarity: disguised copies still match their origin, independent code does not."""

from __future__ import annotations

import pytest

from forewarn.errors import HuntError
from forewarn.hunt import SimilarityIndex
from forewarn.hunt.similarity import MATCH_THRESHOLD, FeatureClass, fingerprint

from .samples import DISGUISED, INDEPENDENT, JAVA, JAVA_DISGUISED, POC


@pytest.fixture(scope="module")
def index() -> SimilarityIndex:
    built = SimilarityIndex()
    built.add("c1/poc.py", POC, case="FW-2021-0001", name="poc.py", language="python")
    built.add("c1/Probe.java", JAVA, case="FW-2021-0001", name="Probe.java", language="java")
    built.add(
        "c2/advisory.md",
        "Exchange servers accept crafted requests to the autodiscover endpoint. "
        "Apply the March update, then review IIS logs for POST requests.\n",
        case="FW-2021-0002",
        name="advisory.md",
        language=None,
    )
    return built


def test_exact_copy_scores_one(index: SimilarityIndex) -> None:
    (match,) = index.query(POC, "python")
    assert (match.case, match.artifact, match.similarity) == ("FW-2021-0001", "poc.py", 1.0)
    assert match.regions and match.regions[0].query_lines[0] >= 1


def test_disguised_copy_still_matches(index: SimilarityIndex) -> None:
    (match,) = index.query(DISGUISED, "python")
    assert match.artifact == "poc.py" and match.similarity >= MATCH_THRESHOLD


def test_independent_code_stays_apart(index: SimilarityIndex) -> None:
    scores = index.scores(fingerprint(INDEPENDENT, "python"))
    assert scores["c1/poc.py"] < MATCH_THRESHOLD
    assert index.query(INDEPENDENT, "python", min_score=MATCH_THRESHOLD) == []


def test_java_disguised_copy(index: SimilarityIndex) -> None:
    (match,) = index.query(JAVA_DISGUISED, "java")
    assert match.artifact == "Probe.java" and match.similarity >= MATCH_THRESHOLD


def test_text_fallback_and_partial_copy(index: SimilarityIndex) -> None:
    quote = "Forum post: exchange servers accept crafted requests to the autodiscover endpoint."
    (match,) = index.query(quote + "\nApply the March update, then review IIS logs.\n", None)
    assert match.artifact == "advisory.md"


def test_languages_do_not_cross(index: SimilarityIndex) -> None:
    assert index.scores(fingerprint(POC, "java"))["c1/poc.py"] == 0.0


def test_regions_point_at_matching_lines(index: SimilarityIndex) -> None:
    suspect = "# header\n" * 30 + POC
    (match,) = index.query(suspect, "python")
    first = match.regions[0]
    assert first.query_lines[0] > 30 and first.artifact_lines[0] < first.query_lines[0]


def test_empty_index_and_empty_query() -> None:
    assert SimilarityIndex().query(POC, "python") == []
    assert SimilarityIndex().scores(fingerprint(POC, "python")) == {}


def test_duplicate_artifact_refused(index: SimilarityIndex) -> None:
    with pytest.raises(HuntError, match="indexed already"):
        index.add("c1/poc.py", POC, case="x", name="y", language="python")


def test_artifact_text_lookup(index: SimilarityIndex) -> None:
    assert index.artifact_text("FW-2021-0001", "poc.py") == POC
    assert index.artifact_text("FW-2021-0001", "nope") is None


@pytest.mark.parametrize(
    ("language", "source"),
    [
        ("c", "int main(void) { int x = 0; for (int i = 0; i < 10; i++) { x += i; } return x; }"),
        ("cpp", "int f(int a) { std::vector<int> v{1,2,3}; for (auto x : v) a += x; return a; }"),
        (
            "csharp",
            "class A { int F(int a) { var s = 0; foreach (var x in xs) s += x; return s; } }",
        ),
        ("javascript", "function f(a) { let s = 0; for (const x of a) { s += x * 2; } return s; }"),
        (
            "typescript",
            "function f(a: number[]): number { let s = 0; for (const x of a) s += x; return s; }",
        ),
        (
            "powershell",
            "function Get-Sum($a) { $s = 0; foreach ($x in $a) { $s += $x * 2 }; return $s }",
        ),
        ("shell", 'for f in *.log; do grep -c "POST /ecp" "$f" >> counts.txt; done\necho done\n'),
    ],
)
def test_every_grammar_gives_tree_features(language: str, source: str) -> None:
    print_ = fingerprint(source, language)
    assert print_.language == language
    assert len(print_.of_class(FeatureClass.SUBTREE)) > 0


def test_public_names_are_exactly_all() -> None:
    import forewarn.hunt as hunt

    public = {
        n
        for n in vars(hunt)
        if not n.startswith("_")
        and n[0].isupper()
        or n
        in {
            "build_matcher",
            "expand",
            "fingerprint",
            "hunt_corpus",
            "read_bytes",
            "read_file",
            "read_paths",
        }
    }
    assert set(hunt.__all__) == public

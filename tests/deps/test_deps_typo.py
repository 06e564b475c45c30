"""Typo-squat and look-alike detection, and its false-alarm rate on the shipped popularity lists."""

from __future__ import annotations

import pytest

from pavedroad.deps import popular
from pavedroad.deps.confusables import skeleton, suspicious_characters
from pavedroad.deps.typo import TypoIndex, index_for, within_one

LISTED = ["pypi", "npm", "maven", "go", "cargo", "gem", "terraform"]


@pytest.mark.parametrize(("a", "b", "close"), [
    ("requests", "requests", True), ("reqeusts", "requests", True), ("requsts", "requests", True),
    ("requestss", "requests", True), ("requezts", "requests", True), ("rqeuests", "requests", True),
    ("reqeustss", "requests", False), ("sdeuqrets", "requests", False), ("abc", "abcde", False),
])
def test_damerau_levenshtein_one(a: str, b: str, close: bool) -> None:
    assert within_one(a, b) is close
    assert within_one(b, a) is close


@pytest.mark.parametrize(("eco", "typo", "target"), [
    ("pypi", "reqeusts", "requests"), ("pypi", "nunpy", "numpy"), ("pypi", "pandsa", "pandas"),
    ("pypi", "urlib3", "urllib3"), ("pypi", "djnago", "django"),
    ("pypi", "python-dateutils", "python-dateutil"), ("pypi", "beautifulsoup5", "beautifulsoup4"),
    ("npm", "lodahs", "lodash"), ("npm", "expres", "express"), ("npm", "axois", "axios"),
    ("npm", "@types/nodee", "@types/node"),
    ("cargo", "serdejson", "serde_json"), ("cargo", "tokioo", "tokio"),
    ("gem", "nokogirl", "nokogiri"),
    ("maven", "com.google.guava:guavaa", "com.google.guava:guava"),
    ("go", "github.com/stretchr/testifi", "github.com/stretchr/testify"),
    ("terraform", "hashicorp/azurem", "hashicorp/azurerm"),
])
def test_typos_of_popular_names_are_found(eco: str, typo: str, target: str) -> None:
    match = index_for(eco).closest(typo)
    assert match is not None and match.target == target, match


@pytest.mark.parametrize(("eco", "name"), [
    ("pypi", "requests"), ("pypi", "Requests"), ("pypi", "python_dateutil"), ("npm", "left-pad"),
    ("pypi", "my-company-internal-tool"), ("npm", "ms"), ("cargo", "serde-json"),
    ("cargo", "serde-json-core"),
])
def test_popular_or_unrelated_names_are_not_flagged(eco: str, name: str) -> None:
    assert index_for(eco).closest(name) is None


def test_short_names_need_more_than_one_edit() -> None:
    """`ms` and `mx` are one edit apart, like hundreds of legitimate short names."""
    index = TypoIndex("npm", ["ms", "qs", "ws", "express"])
    assert index.closest("mx") is None
    assert index.closest("expresss") is not None


def test_most_popular_target_wins() -> None:
    index = TypoIndex("npm", ["react", "reach", "other"])
    assert index.closest("reacx").target == "react"  # type: ignore[union-attr]


# --- look-alike characters -----------------------------------------------------------------------
@pytest.mark.parametrize(("name", "looks_like"), [
    ("rеquests", "requests"),  # U+0435 CYRILLIC SMALL LETTER IE
    ("reqυests", "requests"),  # U+03C5 GREEK SMALL LETTER UPSILON
    ("ｒｅｑｕｅｓｔｓ", "requests"),  # full-width forms
    ("re\u200bquests", "requests"),  # zero-width space
    ("réquests", "requests"),  # combining accent
    ("lodаsh", "lodash"),  # Cyrillic a
    ("djangօ", "django"),  # Armenian o
    ("python‐dateutil", "python-dateutil"),  # U+2010 HYPHEN
])
def test_skeletons(name: str, looks_like: str) -> None:
    assert skeleton(name) == looks_like


def test_confusable_names_point_at_the_popular_package() -> None:
    match = index_for("pypi").closest("rеquests")
    assert match is not None and match.target == "requests" and match.how == "look-alike characters"
    assert suspicious_characters("rеquests") == ["U+0435 CYRILLIC SMALL LETTER IE"]
    # a look-alike of a popular name outside the top 1,000 is still reported
    listed = popular.load("pypi").names
    beyond = next(n for n in listed[2000:] if "a" in n and len(n) > 5)
    assert index_for("pypi").closest(beyond.replace("a", "а", 1)) is not None


# --- false alarms -------------------------------------------------------------------------------
@pytest.mark.parametrize("eco", LISTED)
def test_shipped_lists_have_headers_and_enough_names(eco: str) -> None:
    plist = popular.load(eco)
    assert plist.meta("source") and plist.meta("source-date") and plist.meta("source-url")
    minimum = {"terraform": 40, "gem": 900}.get(eco, 1000)
    assert len(plist.names) >= minimum
    assert int(plist.meta("count")) == len(plist.names)


@pytest.mark.parametrize("eco", LISTED)
def test_no_top_1000_package_is_flagged_as_a_typo_of_another(eco: str) -> None:
    """The issue's false-alarm measure: a popular package must never be flagged. (Rates without
    the popularity exemption are reported by benchmarks/bench_deps.py and docs/dependencies.md.)"""
    names = popular.load(eco).names[: popular.TARGETS]
    index = index_for(eco)
    flagged = [(n, m.target) for n in names if (m := index.closest(n)) is not None]
    assert flagged == []
    # also in another spelling the registry treats as the same name
    respelled = [n.upper() if eco in ("pypi", "npm", "gem", "cargo") else n for n in names]
    assert [n for n in respelled if index.closest(n) is not None] == []

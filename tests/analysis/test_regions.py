"""Merging, overlaps, ordering, scopes and the `strictest` helper."""

from __future__ import annotations

from pavedroad.analysis.classify import strictest
from pavedroad.config.model import Level, Zone

from .helpers import classifier, classify, reasons, region, zone

CODE = """
import hashlib
import jwt

def verify_token(token, key):
    claims = jwt.decode(token, key)
    return hashlib.sha256(claims["sub"].encode()).hexdigest()

def harmless():
    return 1
"""


def test_one_region_per_zone_and_range_with_merged_reasons() -> None:
    result = classify(
        [
            zone("auth", imports=["jwt"], calls=["jwt.decode"], symbols=["^verify_token$", "token"]),
            zone("crypto", imports=["hashlib"]),
        ],
        "h.py",
        CODE,
    )
    assert [(r.zone, r.symbol) for r in result.regions] == [("auth", "verify_token"), ("crypto", "verify_token")]
    assert reasons(result, "auth", "verify_token") == ("import jwt", "call jwt.decode", "symbol verify_token")
    assert result.zone_ids == ("auth", "crypto")
    assert result.regions_at(5) == result.regions
    assert result.regions_at(9) == ()


def test_file_and_symbol_regions_of_one_zone_are_both_kept_and_sorted() -> None:
    result = classify(
        [zone("auth", paths=["*.py"], imports=["jwt"]), zone("b", symbols=["^harmless$"])],
        "h.py",
        CODE,
    )
    assert [(r.zone, r.symbol, r.start_line) for r in result.regions] == [
        ("auth", None, 1),
        ("auth", "verify_token", 4),
        ("b", "harmless", 8),
    ]
    assert reasons(result, "auth", None) == ("path *.py",)


def test_scope_file_turns_every_content_match_into_the_file() -> None:
    result = classify(zone("crypto", scope="file", imports=["hashlib"], symbols=["^harmless$"]), "h.py", CODE)
    r = region(result, "crypto", None)
    assert r.reasons == ("import hashlib", "symbol harmless")
    assert (r.start_line, r.end_line, r.end_byte) == (1, 9, len(CODE.lstrip("\n").encode()))


def test_path_rules_apply_to_every_file_type() -> None:
    c = classifier(zone("docs", scope="file", paths=["docs/**", "**/*.md"]), zone("secrets", paths=["**/.env*"]))
    assert c.path_zones("docs/a/b.png") == ("docs",)
    assert c.path_zones("README.md") == ("docs",)
    assert c.path_zones("deploy/.env.production") == ("secrets",)
    assert c.path_zones("src/env.py") == ()
    result = c.classify("docs/img.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    assert result.skipped == "binary" and result.zone_ids == ("docs",)


def test_strictest() -> None:
    zones = [Zone("a", ai=Level.WARN, context=Level.DENY), Zone("b", ai=Level.REVIEW, context=Level.ALLOW)]
    assert strictest(zones) is Level.REVIEW
    assert strictest(zones, "context") is Level.DENY
    assert strictest([]) is Level.ALLOW

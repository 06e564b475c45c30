"""Adding a `symbols` rule to a hand-kept `.pavedroad.yaml` (config.edit): one insertion that keeps
the file as written, checked by loading the result the way every command does."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pavedroad.analysis.classify import Classifier
from pavedroad.config import load_config
from pavedroad.config.edit import add_symbols_rule, exact_names_rule

RULE = exact_names_rule(["allowPublish"])


def added(text: str, zone: str = "auth") -> str:
    insertion = add_symbols_rule(text, zone, RULE)
    assert insertion is not None, "the rule should have been placed"
    result = insertion.apply(text)
    assert result.startswith(text[: insertion.offset]) and result.endswith(text[insertion.offset :])
    return result


def symbols_of(text: str, zone: str) -> list[str]:
    data = yaml.safe_load(text)
    entry = next(z for z in data["zones"] if z["id"] == zone)
    return list(entry["match"]["symbols"])


@pytest.mark.parametrize("text, expected_symbols", [
    ("", ["^(allowPublish)$"]),
    ("version: 1\nextends:\n  - preset:auth\n", ["^(allowPublish)$"]),
    ("version: 1\nzones:\n  - id: crypto   # ours\n    match:\n      calls: [foo.bar]\n\n# end\n", ["^(allowPublish)$"]),
    ("version: 1\nzones:\n  - id: auth\n    ai: review\n", ["^(allowPublish)$"]),
    ("version: 1\nzones:\n  - id: auth\n    match:\n      calls:\n        - x.y  # why\n", ["^(allowPublish)$"]),
    ("version: 1\nzones:\n  - id: auth\n    match:\n      symbols:\n        - \"^a$\"\n        # - \"^b$\"\n"
     "  - id: crypto\n    match:\n      calls: [z]\n", ["^a$", "^(allowPublish)$"]),
    ("version: 1\nzones:\n  - id: auth\n    match:\n      symbols: [\"^a$\", '^b$']  # x\n",
     ["^a$", "^b$", "^(allowPublish)$"]),
    ("version: 1\nzones:\n  - id: auth\n    match:\n      symbols: []\n", ["^(allowPublish)$"]),
    ("version: 1\nzones:\n- id: auth\n  match:\n    symbols:\n    - '^a$'\n", ["^a$", "^(allowPublish)$"]),
    ("version: 1\nzones:\n  - id: auth\n    why: |\n      because\n    match:\n      queries:\n"
     "        python: |\n          (identifier) @zone\n", ["^(allowPublish)$"]),
], ids=["empty", "no-zones", "other-zone", "no-match", "no-symbols", "block", "flow", "flow-empty",
        "indentless", "block-scalars"])
def test_rule_lands_in_the_zone_and_nothing_else_changes(text: str, expected_symbols: list[str]):
    result = added(text)
    assert symbols_of(result, "auth") == expected_symbols
    for line in text.splitlines():  # every line kept as written (a flow list gains an element)
        assert line in result.splitlines() or "symbols: [" in line


def test_crlf_file_stays_crlf():
    text = "version: 1\r\nzones:\r\n  - id: auth\r\n    match:\r\n      symbols:\r\n        - '^a$'\r\n"
    result = added(text)
    assert "\n" not in result.replace("\r\n", "")
    assert symbols_of(result, "auth") == ["^a$", "^(allowPublish)$"]


@pytest.mark.parametrize("text", [
    "version: 1\nzones: [\n",                                              # does not parse
    "version: 1\nx: &m {symbols: ['^a$']}\nzones:\n  - id: auth\n    match: *m\n",  # an alias: edit would hit the anchor
    "version: 1\nzones: [{id: auth}]\n",                                   # flow-style zones
    "version: 1\nzones:\n  - {id: auth, match: {symbols: ['^a$']}}\n",     # flow-style entry
    "version: 1\nzones:\n  - id: auth\n    match:\n      symbols: \"^a$\"\n",  # not a list
    "version: 1\nzones:\n  - id: auth\n    match:\n      symbols: [\"^(allowPublish)$\"]\n",  # already there
    "- just\n- a list\n",                                                   # not a config
    "version: 1\rzones:\r  - id: auth\r    match:\r      symbols: ['^a$']\r",  # CR-only lines
    "version: 1\nzones:\n  - id: auth\u2028\n    match:\n      symbols: ['^a$']\n",  # a Unicode break
    "version: 1\nzones:\n  - id: auth\n    match:\n      symbols:\n" + "        - '^x$'\n" * 6000,  # > 64 KB
])
def test_what_cannot_be_placed_safely_is_refused(text: str):
    assert add_symbols_rule(text, "auth", RULE) is None


def test_names_with_regex_and_non_ascii_characters_round_trip():
    names = ["$scope", "läs·Password", "get\u200dToken", "sign\U0001d400"]
    text = added("version: 1\n", zone="secrets").replace(RULE, exact_names_rule(names))
    (pattern,) = symbols_of(text, "secrets")
    assert pattern.startswith("^(\\$scope|")
    assert text.isascii()


def test_edited_config_loads_and_puts_the_name_in_the_zone(tmp_path: Path):
    (tmp_path / ".pavedroad.yaml").write_text(
        "# our config\nversion: 1\nextends:\n  - preset:auth\nzones:\n  - id: auth\n    match:\n"
        "      calls: [\"acme.verify\"]   # the SSO client\n", "utf-8")
    source = b"def allowPublish(user, pkg):\n    return pkg.owner == user\n\n\ndef listPackages(index):\n    return index\n"
    before = Classifier(load_config(tmp_path).config).classify("app/publish.py", source)
    assert not before.regions
    config = tmp_path / ".pavedroad.yaml"
    config.write_text(added(config.read_text("utf-8")), "utf-8")
    loaded = load_config(tmp_path)
    assert loaded.config is not None and not loaded.problems
    after = Classifier(loaded.config).classify("app/publish.py", source)
    assert [(r.zone, r.symbol) for r in after.regions] == [("auth", "allowPublish")]

"""Every preset, loaded through `load_config` (`extends: [preset:NAME]`), on realistic code in each
language it claims; plus the bundled example workspace end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from pavedroad.analysis.classify import Classifier
from pavedroad.config import load_config
from pavedroad.config.model import Level

from .samples import CASES, UNZONED, Case

PRESETS = ["auth", "secrets", "crypto", "iac", "pii", "payments", "tests", "docs"]


def preset_classifier(tmp_path: Path, preset: str) -> Classifier:
    (tmp_path / ".pavedroad.yaml").write_text(f"version: 1\nextends:\n  - preset:{preset}\n")
    result = load_config(tmp_path)
    assert result.config is not None, result.problems
    assert not result.problems, [str(p) for p in result.problems]
    assert [z.id for z in result.config.zones] == [preset]
    classifier = Classifier(result.config)
    assert classifier.notes == ()
    return classifier


def zoned_symbols(classifier: Classifier, path: str, code: str, zone: str) -> set[str | None]:
    result = classifier.classify(path, code.encode())
    assert not result.notes, result.notes
    return {r.symbol for r in result.regions if r.zone == zone}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.preset}-{c.language}-{c.path}" for c in CASES])
def test_preset_on_sample(tmp_path: Path, case: Case) -> None:
    classifier = preset_classifier(tmp_path, case.preset)
    found = zoned_symbols(classifier, case.path, case.code, case.preset)
    assert set(case.zoned) <= found, f"missing {set(case.zoned) - found}"
    assert not (found & case.harmless), f"harmless symbols in the zone: {found & case.harmless}"
    if None not in case.zoned:
        assert None not in found, "the whole file is in the zone"


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_leaves_unrelated_files_alone(tmp_path: Path, preset: str) -> None:
    classifier = preset_classifier(tmp_path, preset)
    for path, code in UNZONED[preset]:
        assert zoned_symbols(classifier, path, code, preset) == set(), path


def test_every_preset_has_cases_for_each_claimed_language() -> None:
    claimed = {
        "auth": {"python", "javascript", "typescript", "go", "java"},
        "secrets": {"python", "javascript", "typescript", "go", "java", "terraform", "yaml", "paths"},
        "crypto": {"python", "javascript", "typescript", "go", "java", "terraform"},
        "iac": {"terraform", "yaml", "paths"},
        "pii": {"python", "javascript", "typescript", "go", "java", "paths"},
        "payments": {"python", "javascript", "typescript", "go", "java"},
        "tests": {"python", "javascript", "typescript", "go", "java", "terraform"},
        "docs": {"paths"},
    }
    covered: dict[str, set[str]] = {}
    for c in CASES:
        covered.setdefault(c.preset, set()).add(c.language)
    assert covered == claimed


def test_preset_levels(tmp_path: Path) -> None:
    levels = {}
    for preset in PRESETS:
        config = preset_classifier(tmp_path, preset).config
        zone = config.zones[0]
        assert zone.why and zone.title, preset
        levels[preset] = (zone.ai, zone.context)
    for risky in ("auth", "secrets", "crypto", "iac", "pii", "payments"):
        assert levels[risky][0] >= Level.REVIEW, risky
    assert levels["secrets"][1] == Level.DENY
    assert levels["tests"] == levels["docs"] == (Level.ALLOW, Level.ALLOW)


# --- the bundled example workspace ------------------------------------------------------------------
def test_example_workspace_end_to_end(example_workspace: Path, example_central: str) -> None:
    loaded = load_config(example_workspace, central=[example_central])
    assert loaded.config is not None and not loaded.errors, [str(p) for p in loaded.problems]
    classifier = Classifier(loaded.config)

    def regions(rel: str) -> dict[str, set[str | None]]:
        result = classifier.classify(rel, (example_workspace / rel).read_bytes())
        out: dict[str, set[str | None]] = {}
        for r in result.regions:
            out.setdefault(r.zone, set()).add(r.symbol)
        return out

    handlers = regions("app/handlers.py")
    assert "verify_token" in handlers["auth"]
    assert "etag" in handlers["crypto"]
    assert not any("list_orders" in symbols or None in symbols for symbols in handlers.values())
    assert not any("render_health" in symbols for symbols in handlers.values())

    login = regions("web/login.ts")
    assert login == {"auth": {"issueToken"}, "crypto": {"issueToken"}}  # signing a JWT is both

    token = regions("services/token/token.go")
    assert token == {"crypto": {"Seal"}}

    service = regions("java/com/acme/auth/TokenService.java")
    assert "TokenService.encrypt" in service["crypto"]
    assert not any("TokenService.describe" in symbols for symbols in service.values())

    infra = regions("infra/main.tf")
    assert infra == {"iac": {"aws_iam_role.deployer", "aws_security_group.web"}}

    k8s = regions("k8s/db-credentials.yaml")
    assert k8s == {"secrets": {"Secret/db-credentials"}}

    assert regions("tests/test_handlers.py") == {"tests": {None}}
    assert regions(".env.production") == {"secrets": {None}}
    # the repo's own path rule, and a token compared in constant time is a credential checked
    assert regions("src/auth/session.py")["auth"] == {None, "same_token"}
    assert regions("README.md") == {}

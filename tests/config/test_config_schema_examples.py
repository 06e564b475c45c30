"""zones/schema.json, the bundled presets and the example configs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from pavedroad.config import Level, load_config, load_zone_map_text, preset_names
from pavedroad.config import presets as presets_module

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "zones" / "schema.json").read_text())
PRESET_FILES = sorted((REPO / "zones" / "presets").glob("*.yaml"))
EXAMPLES = [
    REPO / "zones" / "examples" / "central" / "security-zones.yaml",
    REPO / "zones" / "examples" / "workspace" / ".pavedroad.yaml",
]
EXAMPLE_PRESETS = ("auth", "secrets", "crypto", "iac", "payments", "tests")


def validator() -> jsonschema.protocols.Validator:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA)


def schema_errors(data: object) -> list[str]:
    return [e.message for e in validator().iter_errors(data)]


def test_schema_is_valid_draft_2020_12() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_every_schema_property_has_a_description() -> None:
    missing: list[str] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    missing.append(f"{where}.{name}")
            for key, sub in node.items():
                walk(sub, f"{where}.{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}[{i}]")

    walk(SCHEMA, "#")
    assert missing == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_validate_against_schema(path: Path) -> None:
    assert schema_errors(yaml.safe_load(path.read_text())) == []


@pytest.mark.parametrize("path", PRESET_FILES, ids=lambda p: p.stem)
def test_presets_validate_against_schema(path: Path) -> None:
    assert schema_errors(yaml.safe_load(path.read_text())) == []


@pytest.mark.parametrize("path", PRESET_FILES, ids=lambda p: p.stem)
def test_presets_load_without_problems(path: Path, tmp_path: Path) -> None:
    assert path.stem in preset_names()
    result = load_config(tmp_path, central=[f"preset:{path.stem}"], cache_dir=tmp_path / "c")
    assert [str(p) for p in result.problems] == []
    assert result.config is not None and result.config.zones
    assert result.config.layers[-1] == f"preset:{path.stem}"


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\nzonez: []\n",
        "version: 1\nzones:\n  - id: a\n    ai: maybe\n",
        "version: 1\nzones:\n  - id: a\n    context: review\n",
        "version: 1\nzones:\n  - id: A\n",
        "version: 1\nzones:\n  - ai: deny\n",
        "version: 1\nextends:\n  - url: https://x/z.yaml\n",
        "version: 1\nextends: ['https://x/z.yaml']\n",
        "version: 1\nzones:\n  - id: a\n    match: {paths: ['!x']}\n",
        "version: 1\nzones:\n  - id: a\n    match: {queries: {cobol: '(x)'}}\n",
        "version: 2\n",
        "version: 1\nprovenance: {min_lines: 0}\n",
        "version: 1\nprompts: {internal_domains: ['https://x.example']}\n",
    ],
)
def test_schema_and_loader_agree_on_invalid_configs(text: str) -> None:
    assert schema_errors(yaml.safe_load(text)) != []
    result = load_zone_map_text(text, "c.yaml")
    assert result.config is None


def test_schema_and_loader_agree_on_a_full_valid_config() -> None:
    text = (REPO / "zones" / "examples" / "workspace" / ".pavedroad.yaml").read_text()
    text += (
        "sensitive: ['**/*.pem']\n"
        "prompts: {internal_domains: ['*.internal'], files: ['prompts/**']}\n"
        "provenance: {min_lines: 2, min_chars: 100}\n"
        "dependencies: {deny: [left-pad, 'npm:event-stream'], private: ['@acme/*']}\n"
        "ai_tools: {approved: [claude, copilot], unapproved: review}\n"
        "exception_max_days: 30\n"
    )
    data = yaml.safe_load(text)
    data["extends"].append({"url": "https://x.example/z.yaml", "sha256": "ab" * 32})
    data["zones"][0]["match"]["queries"] = {"python": "(call) @c"}
    assert schema_errors(data) == []
    result = load_zone_map_text(yaml.safe_dump(data), "c.yaml")
    assert [p for p in result.problems if p.severity == "error"] == []


FAKE_PRESETS = {
    "auth": "version: 1\nzones:\n  - id: auth\n    title: Authentication\n"
            "    match: {paths: ['**/auth/**'], imports: [jwt]}\n",
    "secrets": "version: 1\nzones:\n  - id: secrets\n    match: {paths: ['**/secrets/**']}\n",
    "crypto": "version: 1\nzones:\n  - id: crypto\n    match: {imports: [cryptography]}\n",
    "iac": "version: 1\nzones:\n  - id: iac\n    ai: review\n    match: {paths: ['infra/**']}\n",
    "payments": "version: 1\nzones:\n  - id: payments\n    ai: review\n    match: {paths: ['**/payments/**']}\n",
    "tests": "version: 1\nzones:\n  - id: tests\n    ai: warn\n    match: {paths: ['tests/**']}\n",
}


@pytest.fixture(params=["fake", "real"])
def example_root(request: pytest.FixtureRequest, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example workspace (copied), with the real presets or small stand-ins."""
    if request.param == "fake":
        directory = tmp_path / "_presets"
        directory.mkdir()
        for name, text in FAKE_PRESETS.items():
            (directory / f"{name}.yaml").write_text(text)
        monkeypatch.setattr(presets_module, "preset_dirs", lambda: [directory])
    elif not all(name in preset_names() for name in EXAMPLE_PRESETS):
        pytest.skip("zones/presets/ does not have the presets the example extends yet")
    shutil.copytree(REPO / "zones" / "examples", tmp_path / "examples", symlinks=True)
    return tmp_path / "examples" / "workspace"


def test_example_workspace_loads(example_root: Path) -> None:
    central = example_root.parent / "central" / "security-zones.yaml"
    result = load_config(example_root, central=[str(central)], cache_dir=example_root / "_cache")
    assert [str(p) for p in result.problems] == []
    config = result.config
    assert config is not None and result.fallback is config
    assert config.layers[:4] == ("preset:auth", "preset:secrets", "preset:crypto", str(central))
    assert config.central_layers == config.layers[:4]
    assert config.layers[4:] == ("preset:iac", "preset:payments", "preset:tests", ".pavedroad.yaml")
    assert config.config_file == str(example_root / ".pavedroad.yaml")
    auth = config.zone("auth")
    assert auth is not None
    assert (auth.ai, auth.context, auth.locked) == (Level.REVIEW, Level.WARN, True)
    assert "@acme/appsec" in auth.reviewers
    assert auth.origin == "preset:auth"
    assert auth.layer_of("ai") == str(central)
    assert "src/auth/**" in auth.match.paths and auth.layer_of("match") == ".pavedroad.yaml"
    assert "(?i)^(login|logout|authenticate|verify_token)$" in auth.match.symbols
    secrets = config.zone("secrets")
    assert secrets is not None and (secrets.ai, secrets.context) == (Level.DENY, Level.DENY)
    billing = config.zone("billing")
    assert billing is not None and billing.scope == "file" and billing.origin == ".pavedroad.yaml"
    assert billing.match.paths == ("app/billing/**",)
    tests_zone = config.zone("tests")
    assert tests_zone is not None and tests_zone.origin == "preset:tests"
    assert (tests_zone.ai, tests_zone.context) == (Level.ALLOW, Level.ALLOW)
    assert {"**/.env*", "**/*.pem", "**/*.key", "secrets/**"} <= set(config.sensitive)
    assert {"corp.acme.com", "*.internal"} <= set(config.internal_domains)
    assert config.exceptions.max_days == 60
    assert config.exceptions.approvers == ("@acme/security-leads",)
    assert len(config.digest) == 64
    assert str(example_root.parent / "central" / "security-zones.yaml") in result.files

"""check_manifest_change end to end: diff, every check with its code, code-action data, private
names that never reach a registry, and the offline behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pavedroad.analysis.classify import Classifier
from pavedroad.config import load_config
from pavedroad.config.model import DependencyPolicy, EffectiveConfig
from pavedroad.deps import added_dependencies, check_manifest_change, codes
from pavedroad.deps.model import DependencyReport, DepFinding
from pavedroad.deps.registry import RegistryClient

from .conftest import Recorded


def config(**policy: tuple[str, ...]) -> EffectiveConfig:
    return EffectiveConfig(root="/repo", dependencies=DependencyPolicy(**policy))


def registry(tmp_path: Path, recorded: Recorded) -> RegistryClient:
    return RegistryClient(fetcher=recorded, cache_dir=tmp_path / "cache")


def only(report: DependencyReport, code: str) -> list[DepFinding]:
    return [f for f in report.findings if f.code == code]


# --- diff -----------------------------------------------------------------------------------------
def test_diff_reports_added_changed_and_moved() -> None:
    old = '{"dependencies": {"a": "^1.0.0", "b": "2.0.0"}, "devDependencies": {"c": "1"}}'
    new = ('{\n "dependencies": {\n  "b": "2.1.0",\n  "a": "^1.0.0",\n  "c": "1",\n'
           '  "d": "github:u/d"\n }\n}')
    changes, problems = added_dependencies("package.json", old, new)
    assert problems == []
    by = {c.dependency.name: c for c in changes}
    assert set(by) == {"b", "c", "d"}  # a only moved lines: not a change
    assert by["b"].kind == "version" and by["b"].before.spec == "2.0.0"  # type: ignore[union-attr]
    assert by["c"].kind == "added"  # from devDependencies into shipped dependencies
    assert by["d"].line == 6
    source_change = added_dependencies("package.json", '{"dependencies": {"a": "1.0.0"}}',
                                       '{"dependencies": {"a": "github:u/a"}}')[0]
    assert [c.kind for c in source_change] == ["source"]


def test_new_file_adds_everything_and_broken_old_text_does_not_hide_additions() -> None:
    changes, _ = added_dependencies("requirements.txt", None, "a\nb\n")
    assert [c.dependency.name for c in changes] == ["a", "b"]
    changes, _ = added_dependencies("package.json", "{broken", '{"dependencies": {"x": "1"}}')
    assert [c.dependency.name for c in changes] == ["x"]


# --- the acceptance case ------------------------------------------------------------------
def test_reqeusts_added_to_requirements(tmp_path: Path, recorded: Recorded) -> None:
    old = "flask==3.0.0\n"
    new = "flask==3.0.0\nreqeusts>=2.0\n"
    report = check_manifest_change("requirements.txt", old, new, config(),
                                   registry=registry(tmp_path, recorded))
    typo = only(report, codes.DEP_TYPO)[0]
    assert typo.line == 2 and typo.suggestion == "requests" and (typo.start, typo.end) == (0, 8)
    replace = next(a for a in typo.actions if a.kind == "replace_name")
    assert (replace.line, replace.start, replace.end, replace.new_text) == (2, 0, 8, "requests")
    fixed = new.splitlines()[1][:replace.start] + replace.new_text + new.splitlines()[1][replace.end:]
    assert fixed == "requests>=2.0"
    exception = next(a for a in typo.actions if a.kind == "request_exception")
    assert (exception.zone, exception.path, exception.package) == (
        "dependencies", "requirements.txt", "reqeusts")
    missing = only(report, codes.DEP_MISSING)[0]
    assert missing.severity == "error" and "Did you mean 'requests'" in missing.message
    assert [c.url for c in recorded.calls] == ["https://pypi.org/pypi/reqeusts/json"]


def test_typo_in_package_json(tmp_path: Path, recorded: Recorded) -> None:
    old = '{\n  "dependencies": {\n    "left-pad": "^1.3.0"\n  }\n}\n'
    new = '{\n  "dependencies": {\n    "left-pad": "^1.3.0",\n    "lefft-pad": "^1.3.0"\n  }\n}\n'
    report = check_manifest_change("web/package.json", old, new, config(),
                                   registry=registry(tmp_path, recorded))
    assert {f.code for f in report.findings} == {codes.DEP_MISSING}  # left-pad is not top-1000
    finding = report.findings[0]
    assert finding.line == 4 and new.splitlines()[3][finding.start:finding.end] == "lefft-pad"


def test_popular_typo_in_package_json_without_network() -> None:
    new = '{"dependencies": {"lodahs": "^4.17.21"}}'
    report = check_manifest_change("package.json", None, new, config())
    assert [f.code for f in report.findings] == [codes.DEP_TYPO, codes.DEP_UNVERIFIED]
    assert report.findings[0].suggestion == "lodash"
    assert report.unverified[0].reason == "registry lookups are off"
    assert report.lookups == 0


# --- policy lists and sources --------------------------------------------------------------------
def test_deny_and_allow_lists(tmp_path: Path, recorded: Recorded) -> None:
    new = "requests\npycrypto\nflask\n"
    report = check_manifest_change("requirements.txt", None, new,
                                   config(deny=("pypi:pycrypto",), allow=("requests", "pycrypto")),
                                   registry=registry(tmp_path, recorded))
    assert [(f.code, f.line) for f in only(report, codes.DEP_DENIED)] == [(codes.DEP_DENIED, 2)]
    assert [f.line for f in only(report, codes.DEP_NOT_ALLOWED)] == [3]
    vulnerable = only(report, codes.DEP_VULNERABLE)[0]
    assert vulnerable.line == 2 and "PYSEC-2017-94" in vulnerable.message


def test_non_default_sources_are_reported_and_not_looked_up(
        tmp_path: Path, recorded: Recorded) -> None:
    new = ("--extra-index-url https://token:abc123@pkgs.corp.example/simple\n"
           "internal-lib\n")
    report = check_manifest_change("requirements.txt", None, new, config(),
                                   registry=registry(tmp_path, recorded))
    source = only(report, codes.DEP_SOURCE)[0]
    assert "non-default registry" in source.message and "abc123" not in source.message
    assert recorded.calls == []
    gem = check_manifest_change("Gemfile", None, "gem 'x', git: 'https://github.com/u/x'\n",
                                config(), registry=registry(tmp_path, recorded))
    assert [f.code for f in gem.findings] == [codes.DEP_SOURCE]


def test_private_names_never_reach_a_public_registry(tmp_path: Path, recorded: Recorded) -> None:
    new = ('{"dependencies": {"@acme/billing": "1.0.0", "acme-ui": "2.0.0", "left-pad": "1.3.0",'
           ' "lеft-pad": "1.3.0"}}')
    report = check_manifest_change("package.json", None, new,
                                   config(private=("npm:@acme/*", "acme-")),
                                   registry=registry(tmp_path, recorded))
    asked = " ".join(c.url + (c.body or b"").decode() for c in recorded.calls)
    assert "acme" not in asked
    assert "l\u0435ft" not in asked and "%D0%B5" not in asked.upper()  # look-alikes neither
    assert "left-pad" in asked
    reasons = {u.dependency.name: u.reason for u in report.unverified}
    assert reasons["@acme/billing"].startswith("private") and reasons["acme-ui"].startswith("private")
    assert only(report, codes.DEP_CONFUSABLE)[0].suggestion == "left-pad"


def test_confusable_name(tmp_path: Path, recorded: Recorded) -> None:
    report = check_manifest_change("requirements.txt", None, "rеquests==2.31.0\n", config(),
                                   registry=registry(tmp_path, recorded))
    finding = only(report, codes.DEP_CONFUSABLE)[0]
    assert finding.severity == "error" and "U+0435" in finding.message
    assert finding.suggestion == "requests"
    assert next(a for a in finding.actions if a.kind == "replace_name").new_text == "requests"
    assert recorded.calls == []


# --- offline, version changes, broken manifests ---------------------------------------------------
def test_offline_registry_never_reports_missing(tmp_path: Path, refused_port: int) -> None:
    reg = RegistryClient(cache_dir=tmp_path / "c", timeout=0.5,
                         endpoints={"pypi": f"http://127.0.0.1:{refused_port}/pypi"})
    report = check_manifest_change("requirements.txt", None, "pavedroad-no-such-package-7f3a\n",
                                   config(), registry=reg)
    assert only(report, codes.DEP_MISSING) == []
    unverified = only(report, codes.DEP_UNVERIFIED)[0]
    assert unverified.severity == "information" and "not verified: offline" in unverified.message


def test_version_change_checks_advisories_not_existence(tmp_path: Path, recorded: Recorded) -> None:
    report = check_manifest_change("requirements.txt", "pycrypto==2.6.0\n", "pycrypto==2.6.1\n",
                                   config(), registry=registry(tmp_path, recorded))
    assert [f.code for f in report.findings] == [codes.DEP_VULNERABLE]
    assert report.changes[0].kind == "version"


def test_broken_manifest_is_a_finding_not_an_exception(tmp_path: Path, recorded: Recorded) -> None:
    report = check_manifest_change("package.json", None, '{"dependencies": {"a": }',
                                   config(), registry=registry(tmp_path, recorded))
    assert [f.code for f in report.findings] == [codes.MANIFEST_INVALID]
    assert report.findings[0].line == 1 and report.problems


def test_not_a_manifest() -> None:
    report = check_manifest_change("src/app.py", None, "import requests\n", config())
    assert report.findings == () and report.notes


# --- lockfile pin action ---------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "old", "new", "lock_path", "lock", "expected"), [
    ("requirements.txt", "", "reqeusts\n", "poetry.lock",
     '[[package]]\nname = "reqeusts"\nversion = "1.0.1"\n', "reqeusts==1.0.1"),
    ("package.json", '{"dependencies": {}}', '{"dependencies": {\n"lodahs": "^4.0.0"}}',
     "package-lock.json",
     json.dumps({"packages": {"node_modules/lodahs": {"version": "4.0.1"}}}),
     '"lodahs": "4.0.1"}}'),
])
def test_pin_to_lockfile_version(path: str, old: str, new: str, lock_path: str, lock: str,
                                 expected: str) -> None:
    report = check_manifest_change(path, old, new, config(), lockfiles={lock_path: lock,
                                                                        "other/" + lock_path: lock})
    pin = next(a for f in report.findings for a in f.actions if a.kind == "pin_lockfile")
    line = new.splitlines()[pin.line - 1]
    assert line[:pin.start] + pin.new_text + line[pin.end:] == expected


# --- the preset puts manifests in the zone ---------------------------------------------------------
def test_dependencies_preset_zones_manifests(tmp_path: Path) -> None:
    (tmp_path / ".pavedroad.yaml").write_text("version: 1\nextends:\n  - preset:dependencies\n")
    loaded = load_config(tmp_path)
    assert loaded.config is not None and not loaded.problems, loaded.problems
    zone = loaded.config.zone("dependencies")
    assert zone is not None and str(zone.ai) == "review" and zone.scope == "file"
    classifier = Classifier(loaded.config)
    for path in ["requirements.txt", "web/package.json", "go.mod", "svc/pom.xml", "Cargo.lock",
                 "app/Gemfile", "infra/versions.tf", "gradle/libs.versions.toml", "x.gemspec",
                 "requirements-dev.txt", "build.gradle.kts", "infra/.terraform.lock.hcl"]:
        result = classifier.classify(path, b"")
        assert {r.zone for r in result.regions} == {"dependencies"}, path
    assert classifier.classify("src/app.py", b"x = 1\n").regions == ()

"""Policy bypasses a hostile repository tried (issue 8, "Policy bypasses"), each through the real
`pavedroad check` CLI on a real git repository, with the central map given as CI gives it
(`--central`, outside the repository).

The promise under test: a repository can tighten a locked central map but never loosen it, and
`check` never exits 0 on a bypass.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.provenance.gitrepo import CLAUDE, GitRepo

CENTRAL = """\
version: 1
locked: true
exception_approvers: ["@sec/leads"]
exception_max_days: 60
zones:
  - id: auth
    ai: review
    reviewers: ["@sec/appsec"]
    match: {paths: ["src/auth/**"], imports: [jwt]}
  - id: secrets
    ai: deny
    context: deny
    match: {paths: ["secrets/**"]}
"""

TODAY = dt.date.today()
IN_30_DAYS = TODAY + dt.timedelta(days=30)
AUTH_CODE = "import jwt\n\n\ndef verify(token):\n    return jwt.decode(token, 'k')\n"


def run(root: Path, *args: str, central: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pavedroad", *args]
    if central is not None:
        command += ["--central", str(central)]
    env = {**os.environ, "PAVEDROAD_SYSTEM_CENTRAL": "/nonexistent"}
    env.pop("PAVEDROAD_CENTRAL", None)
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120,
                          env=env, check=False)


@pytest.fixture
def central(tmp_path: Path) -> Path:
    path = tmp_path / "security" / "central.yaml"
    path.parent.mkdir()
    path.write_text(CENTRAL)
    return path


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def codes_of(result: subprocess.CompletedProcess[str]) -> list[str]:
    return sorted({f["code"] for f in json.loads(result.stdout)["findings"]})


def test_self_declared_lock_and_approvers_cannot_approve_an_exception(
    repo: GitRepo, central: Path
) -> None:
    """Bypass 1: a repo file declaring `locked: true` and its own `exception_approvers` got its
    self-approved exception accepted for a locked zone: `check` exited 0."""
    repo.commit("config", {
        ".pavedroad.yaml": "version: 1\nlocked: true\nexception_approvers: ['@me']\n",
        ".pavedroad/exceptions.yaml": (
            "- zone: secrets\n  paths: ['secrets/**']\n  level: allow\n  reason: needed\n"
            f"  approver: '@me'\n  created: {TODAY}\n  expires: {IN_30_DAYS}\n"),
    })
    repo.commit(f"add key\n\n{CLAUDE}", {"secrets/key.py": "KEY = 1\n"})
    result = run(repo.path, "check", "--format", "json", central=central)
    assert result.returncode == 1, result.stderr
    found = codes_of(result)
    assert "PR103" in found  # the deny finding stands
    assert "PR005" in found  # the attempt to name approvers is itself a finding
    assert "PR203" in found  # the exception is refused


def test_nul_byte_does_not_hide_a_file_from_check(repo: GitRepo, central: Path) -> None:
    """Bypass 2: a file under a locked path with a NUL byte in its first 8 KB was skipped."""
    repo.commit("config", {".pavedroad.yaml": "version: 1\n"})
    (repo.path / "secrets").mkdir()
    (repo.path / "secrets" / "blob.bin").write_bytes(b"\x00\x01binary key material\n")
    repo.git("add", "secrets/blob.bin")
    repo.commit(f"add blob\n\n{CLAUDE}")
    result = run(repo.path, "check", "--format", "json", central=central)
    assert result.returncode == 1, result.stdout + result.stderr
    assert codes_of(result) == ["PR103"]


def test_nul_byte_in_source_keeps_its_content_zone(repo: GitRepo, central: Path) -> None:
    repo.commit("config", {".pavedroad.yaml": "version: 1\n"})
    (repo.path / "lib").mkdir()
    (repo.path / "lib" / "tok.py").write_bytes(b"# \x00\n" + AUTH_CODE.encode())
    repo.git("add", "lib/tok.py")
    repo.commit(f"add\n\n{CLAUDE}")
    result = run(repo.path, "check", "--format", "json", central=central)
    assert result.returncode == 1
    assert codes_of(result) == ["PR102"]


@pytest.mark.parametrize("setting", ["exception_max_days: 36500",
                                     "provenance: {min_lines: 500, min_chars: 99999}"])
def test_a_repo_cannot_raise_protective_settings(repo: GitRepo, setting: str) -> None:
    """Bypass 4: `exception_max_days: 36500` made a 100-year exception valid; raising
    `provenance` thresholds switched the heuristic off. Floors hold even with no central map."""
    repo.commit("config", {".pavedroad.yaml": f"version: 1\n{setting}\n"})
    result = run(repo.path, "check", "--format", "json")
    assert result.returncode == 1
    assert codes_of(result) == ["PR005"]


def test_a_hundred_year_exception_is_refused(repo: GitRepo, central: Path) -> None:
    repo.commit("config", {
        ".pavedroad.yaml": "version: 1\nexception_max_days: 36500\n",
        ".pavedroad/exceptions.yaml": (
            "- zone: auth\n  paths: ['src/auth/**']\n  level: allow\n  reason: needed\n"
            f"  approver: '@sec/leads'\n  created: {TODAY}\n"
            f"  expires: {TODAY + dt.timedelta(days=36500)}\n"),
    })
    repo.commit(f"auth\n\n{CLAUDE}", {"src/auth/v.py": AUTH_CODE})
    result = run(repo.path, "check", "--format", "json", central=central)
    assert result.returncode == 1
    assert {"PR005", "PR203", "PR102"} <= set(codes_of(result))


@pytest.mark.parametrize("target", [".", "src/auth"])
def test_a_nested_config_does_not_re_root_central_paths(repo: GitRepo, central: Path,
                                                        target: str) -> None:
    """Bypass 5: `src/auth/.pavedroad.yaml` re-rooted the files below it, so the central rule
    `src/auth/**` missed them in the editor and in `check src/auth`."""
    repo.commit("config", {
        "src/auth/.pavedroad.yaml": "version: 1\nzones:\n  - id: local\n    ai: warn\n"
                                    "    match: {paths: ['*.txt']}\n"})
    repo.commit(f"auth\n\n{CLAUDE}", {"src/auth/session.py": "x = 1\n"})
    result = run(repo.path, "check", target, "--format", "json", central=central)
    assert result.returncode == 1, result.stderr
    rows = json.loads(result.stdout)["findings"]
    assert [(r["path"], r["zone"], r["code"]) for r in rows] == [
        ("src/auth/session.py", "auth", "PR102")]
    zones = run(repo.path, "zones", target, "--format", "json", central=central)
    assert {f["path"]: f["zones"] for f in json.loads(zones.stdout)["files"]} == {
        "src/auth/.pavedroad.yaml": ["auth"], "src/auth/session.py": ["auth"]}


def test_a_nested_config_s_own_globs_apply_below_it(repo: GitRepo, central: Path) -> None:
    repo.commit("config", {
        ".pavedroad.yaml": "version: 1\n",
        "svc/.pavedroad.yaml": "version: 1\nzones:\n  - id: svc-secrets\n    ai: deny\n"
                               "    match: {paths: ['keys/**', '*.pem']}\n",
        "svc/keys/a.txt": "x\n", "svc/deep/b.pem": "y\n", "keys/outside.txt": "z\n"})
    result = run(repo.path, "zones", "--format", "json", central=central)
    files = {f["path"]: f["zones"] for f in json.loads(result.stdout)["files"]}
    assert files == {"svc/keys/a.txt": ["svc-secrets"], "svc/deep/b.pem": ["svc-secrets"]}


def test_a_symlinked_directory_keeps_the_zones_of_the_path_the_repo_presents(
    repo: GitRepo, central: Path
) -> None:
    """Bypass 5b: `src/auth -> ../lib/authimpl` made path rules run on the resolved path."""
    repo.commit("config", {".pavedroad.yaml": "version: 1\n"})
    (repo.path / "lib" / "authimpl").mkdir(parents=True)
    (repo.path / "src").mkdir()
    os.symlink("../lib/authimpl", repo.path / "src" / "auth")
    repo.git("add", "src/auth")
    repo.commit("link")
    repo.commit(f"impl\n\n{CLAUDE}", {"lib/authimpl/session.py": "x = 1\n"})
    result = run(repo.path, "check", "--format", "json", central=central)
    assert result.returncode == 1
    rows = json.loads(result.stdout)["findings"]
    assert [(r["path"], r["zone"]) for r in rows] == [("lib/authimpl/session.py", "auth")]


def test_unreadable_history_fails_closed(repo: GitRepo, central: Path) -> None:
    """Bypass 6: `check` printed a note and exited 0 when `git log`/`blame` failed."""
    repo.commit("config", {".pavedroad.yaml": "version: 1\n"})
    repo.commit(f"auth\n\n{CLAUDE}", {"src/auth/v.py": AUTH_CODE})
    objects = repo.path / ".git" / "objects"
    for directory in objects.iterdir():  # lose every loose object: history is unreadable
        if len(directory.name) == 2:
            shutil.rmtree(directory)
    result = run(repo.path, "check", central=central)
    assert result.returncode == 2
    assert "could not be read" in result.stderr and "--allow-incomplete-history" in result.stderr
    accepted = run(repo.path, "check", "--allow-incomplete-history", central=central)
    assert accepted.returncode == 0


def test_a_refused_weakening_fails_check(repo: GitRepo, central: Path) -> None:
    """CLI polish: trying to weaken a locked zone printed PR005 but exited 0."""
    repo.commit("config", {".pavedroad.yaml": "version: 1\nzones:\n  - id: secrets\n    ai: allow\n"})
    result = run(repo.path, "check", central=central)
    assert result.returncode == 1
    assert "PR005" in result.stdout and "cannot be lowered" in result.stdout
    sarif = run(repo.path, "check", "--format", "sarif", central=central)
    rules = {r["ruleId"] for r in json.loads(sarif.stdout)["runs"][0]["results"]}
    assert rules == {"PR005"}


def test_a_locked_map_built_from_presets_cannot_be_lowered(repo: GitRepo, tmp_path: Path) -> None:
    """Found attacking the natural central map `locked: true` + `extends: [preset:...]`: the
    presets' zones were not locked, so a repo's `ai: allow` on `secrets` silenced PR102."""
    central = tmp_path / "presets-central.yaml"
    central.write_text("version: 1\nlocked: true\nextends: [preset:auth, preset:secrets]\n")
    repo.commit("config", {".pavedroad.yaml": "version: 1\nzones:\n  - id: secrets\n    ai: allow\n"})
    repo.commit(f"add key\n\n{CLAUDE}", {"secrets/api.py": "API_KEY = load()\n"})
    result = run(repo.path, "check", "--format", "json", central=central)
    assert result.returncode == 1, result.stderr
    assert codes_of(result) == ["PR005", "PR102"]  # the review finding stands


def test_missing_central_map_is_a_clear_config_error(repo: GitRepo, tmp_path: Path) -> None:
    """CLI polish: `--central /nope.yaml` said `PR001 no such file: ../../nope.yaml` and blamed
    the repo's config."""
    missing = tmp_path / "nope.yaml"
    result = run(repo.path, "check", central=missing)
    assert result.returncode == 2
    assert f"no such file: {missing} [PR004]" in result.stderr
    assert "a central zone map could not be loaded" in result.stderr


def test_secret_shaped_config_values_are_masked(repo: GitRepo) -> None:
    """Hostile input: a secret-shaped config value was echoed in messages."""
    token = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"
    repo.commit("config", {".pavedroad.yaml": f"version: 1\nzones:\n  - id: a\n    ai: {token}\n"})
    result = run(repo.path, "check")
    assert result.returncode == 2
    assert token not in result.stderr and token[4:20] not in result.stderr
    assert "must be one of allow | warn | review | deny" in result.stderr


def test_a_huge_file_fails_closed_in_check(repo: GitRepo, central: Path) -> None:
    """Hostile input: files over 2 MB lost their content zones, so AI crypto code in a big file
    passed `check`. Up to 16 MB it is parsed; above, it takes the strictest content zone."""
    repo.commit("config", {".pavedroad.yaml": "version: 1\n"})
    big = "x = 0\n" * 3_000_000 + AUTH_CODE  # 18 MB
    repo.commit(f"big\n\n{CLAUDE}", {"lib/big.py": big})
    result = run(repo.path, "check", "--format", "json", central=central)
    assert result.returncode == 1
    rows = json.loads(result.stdout)["findings"]
    assert {(r["path"], r["zone"]) for r in rows} == {("lib/big.py", "auth")}


def test_device_symlinks_are_never_read(repo: GitRepo, central: Path) -> None:
    """Hostile input: records or AI-touched files symlinked to /dev/zero exhausted memory."""
    repo.commit("config", {".pavedroad.yaml": "version: 1\n"})
    (repo.path / ".pavedroad").mkdir(exist_ok=True)
    os.symlink("/dev/zero", repo.path / ".pavedroad" / "reviews.yaml")
    os.symlink("/dev/zero", repo.path / "src_auth_zero.py")
    repo.git("add", ".pavedroad/reviews.yaml", "src_auth_zero.py")
    repo.commit(f"links\n\n{CLAUDE}")
    result = run(repo.path, "check", "--format", "json", central=central)
    assert result.returncode == 1  # the record file is reported, not read
    rows = json.loads(result.stdout)["findings"]
    assert [(r["path"], r["code"]) for r in rows] == [(".pavedroad/reviews.yaml", "PR201")]
    assert "a device" in rows[0]["message"]


@pytest.mark.parametrize("command", [["report", "--format", "json"], ["attest"]])
def test_report_and_attest_never_read_a_device(repo: GitRepo, central: Path,
                                               command: list[str]) -> None:
    """Hostile input, found after check was fixed: the report (and `publish`, `attest`) gathered
    files their own way and read an AI-touched `src/auth/zero.py -> /dev/zero` until memory ran
    out. They now share check's gathering (`pavedroad.check.gather`)."""
    repo.commit("config", {".pavedroad.yaml": "version: 1\n"})
    (repo.path / "src" / "auth").mkdir(parents=True)
    os.symlink("/dev/zero", repo.path / "src" / "auth" / "zero.py")
    repo.commit(f"add auth code\n\n{CLAUDE}", {"src/auth/login.py": AUTH_CODE})
    result = run(repo.path, *command, central=central)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    if command[0] == "report":
        paths = {row["path"] for facts in out["repos"] for row in facts["open_regions"]}
    else:
        paths = {row["path"] for row in out["predicate"]["regions"]}
    assert paths == {"src/auth/login.py"}  # the real AI code is still reported


@pytest.mark.parametrize("imported", [
    "from app.auth import current_user\n",
    "from app import auth\ncurrent_user = auth.current_user\n",
    "from app import (\n    auth,\n)\ncurrent_user = auth.current_user\n",  # black's layout
])
def test_an_added_import_rule_does_not_hide_a_central_suffix_import(repo: GitRepo, tmp_path: Path,
                                                                    imported: str) -> None:
    """Found by a team writing Airflow's config: adding `imports: [airflow.utils.jwt_signer]` to
    any zone made every file that lacks `utils`/`jwt_signer` skip its `from airflow.auth ...`
    imports, so the central `**/auth` rule stopped matching them (views.py: 71 regions to 0).
    A repository could add such a rule on purpose to take files out of a locked zone."""
    central = tmp_path / "suffix-central.yaml"
    central.write_text("version: 1\nlocked: true\nzones:\n  - id: auth\n    ai: review\n"
                       "    match: {imports: ['**/auth']}\n")
    code = imported + "\n\ndef show(request):\n    return current_user(request)\n"
    repo.commit("config", {".pavedroad.yaml": "version: 1\nzones:\n  - id: auth\n"
                                              "    match: {imports: ['app.utils.jwt_signer']}\n"})
    repo.commit(f"add view\n\n{CLAUDE}", {"app/views.py": code})
    result = run(repo.path, "check", "--format", "json", central=central)
    assert result.returncode == 1, result.stdout + result.stderr
    assert codes_of(result) == ["PR102"]


def test_switching_propagate_on_never_takes_a_line_out_of_a_locked_zone(repo: GitRepo, tmp_path: Path) -> None:
    """Found in review (2026-12-01): a rule that left accessors out of propagating zones let a
    repository switch `propagate: true` on (allowed: it widens a zone) for a locked zone that did
    not propagate, and an AI-added getter of a key store went unreviewed. The rule is gone; this
    holds the property for every line: `check` finds the same with and without the switch."""
    central = tmp_path / "keys-central.yaml"
    central.write_text("version: 1\nlocked: true\nzones:\n  - id: keys\n    ai: review\n"
                       "    match: {imports: [java.security.KeyStore]}\n")
    human = ("import java.security.KeyStore;\n\npublic class Tls {\n"
             "    private final KeyStore trustStore;\n\n"
             "    public Tls(KeyStore store) {\n        this.trustStore = store;\n    }\n}\n")
    with_getter = human.replace("    }\n}\n", "    }\n\n    public KeyStore trustStore() {\n"
                                              "        return this.trustStore;\n    }\n}\n")
    repo.commit("tls", {"src/Tls.java": human})
    repo.commit(f"getter\n\n{CLAUDE}", {"src/Tls.java": with_getter})
    plain = run(repo.path, "check", "--format", "json", central=central)
    repo.commit("config", {".pavedroad.yaml": "version: 1\nzones:\n  - id: keys\n    propagate: true\n"})
    switched = run(repo.path, "check", "--format", "json", "--since", "HEAD~2", central=central)
    for result in (plain, switched):
        assert result.returncode == 1, result.stdout + result.stderr
        assert codes_of(result) == ["PR102"]


@pytest.mark.parametrize("extra", ["", "    propagate_match: false\n"])
def test_a_literal_free_symbol_rule_does_not_hide_names_handed_over(repo: GitRepo, tmp_path: Path,
                                                                     extra: str) -> None:
    """Found in review (2026-12-01): one repository symbol rule with no literal (`^q\\w{40}$`,
    matching nothing) switched the scanner for names that symbol rules match from "words holding
    a rule's literal" to "called names", so a central-named function handed over rather than
    called (`app.use(zap)`) no longer pulled its caller into the locked zone."""
    central = tmp_path / "zap-central.yaml"
    central.write_text("version: 1\nlocked: true\nzones:\n  - id: auth\n    ai: deny\n    propagate: true\n"
                       "    match: {symbols: ['^zap$']}\n")
    repo.commit("config", {".pavedroad.yaml": "version: 1\nzones:\n  - id: auth\n" + extra
                                              + "    match: {symbols: ['^q\\w{40}$']}\n"})
    repo.commit(f"use\n\n{CLAUDE}", {"app/v.py": "from ext import zap\n\n\ndef h3(app):\n    return app.use(zap)\n"})
    result = run(repo.path, "check", "--format", "json", central=central)
    assert result.returncode == 1, result.stdout + result.stderr
    assert codes_of(result) == ["PR103"]

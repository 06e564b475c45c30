"""One verdict for a caller in another file: `pavedroad zones` (serial and in a process pool),
`pavedroad check` on an AI commit and an agent's hook all put a function that calls another
file's auth function in `auth` (the real CLI in a real git repository)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import CLAUDE, GitRepo

CONFIG = "version: 1\nextends: [preset:auth]\n"
HASH_GO = """package accounts

import "golang.org/x/crypto/bcrypt"

func makeHash(p string) ([]byte, error) {
	return bcrypt.GenerateFromPassword([]byte(p), 12)
}
"""
REGISTER_GO = """package accounts

func Register(name, p string) error {
	_, err := makeHash(p)
	return err
}

func Greeting(name string) string { return "hello " + name }
"""


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAVEDROAD_")}
    return subprocess.run([sys.executable, "-m", "pavedroad", *args], cwd=root, capture_output=True,
                          text=True, env=env, timeout=120)


def zone_symbols(zones_json: str, path: str) -> set[tuple[str, str]]:
    files = {f["path"]: f for f in json.loads(zones_json)["files"]}
    return {(r["zone"], r["symbol"]) for r in files.get(path, {"regions": []})["regions"]}


def test_zones_check_and_hook_agree_on_a_caller_in_another_file(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("base", {".pavedroad.yaml": CONFIG, "accounts/hash.go": HASH_GO})
    repo.commit(f"add register\n\n{CLAUDE}", {"accounts/register.go": REGISTER_GO})

    serial = run(repo.path, "zones", "--format", "json")
    assert serial.returncode == 0, serial.stderr
    assert zone_symbols(serial.stdout, "accounts/register.go") == {("auth", "Register")}

    # past the parallel threshold the two passes run in a process pool: same answer
    for i in range(210):
        repo.write(f"filler/f{i}.go", f"package filler\n\nfunc F{i}() int {{ return {i} }}\n")
    pooled = run(repo.path, "zones", "--format", "json", "--jobs", "2")
    assert pooled.returncode == 0, pooled.stderr
    assert zone_symbols(pooled.stdout, "accounts/register.go") == {("auth", "Register")}

    single = run(repo.path, "zones", "--format", "json", "accounts/register.go")
    assert zone_symbols(single.stdout, "accounts/register.go") == {("auth", "Register")}

    checked = run(repo.path, "check", "--format", "json")
    findings = json.loads(checked.stdout)["findings"]
    assert {(f["path"], f["zone"], f["start_line"]) for f in findings} == {("accounts/register.go", "auth", 3)}

    payload = {
        "session_id": "s", "cwd": str(repo.path), "hook_event_name": "PreToolUse", "tool_name": "Edit",
        "tool_input": {"file_path": str(repo.path / "accounts/register.go"),
                       "old_string": "return err", "new_string": "return nil"},
    }
    hook = subprocess.run([sys.executable, "-m", "pavedroad", "hook", "claude", "PreToolUse"], cwd=repo.path,
                          input=json.dumps(payload), capture_output=True, text=True, timeout=120,
                          env={**{k: v for k, v in os.environ.items() if not k.startswith("PAVEDROAD_")},
                               "PAVEDROAD_HOOKD": "0"})
    assert hook.returncode == 0, hook.stderr
    answer = json.loads(hook.stdout)
    assert "auth" in json.dumps(answer)


def test_editing_the_dependency_changes_the_callers_zone(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("base", {".pavedroad.yaml": CONFIG, "accounts/hash.go": HASH_GO,
                         "accounts/register.go": REGISTER_GO})
    assert zone_symbols(run(repo.path, "zones", "--format", "json").stdout, "accounts/register.go")
    repo.write("accounts/hash.go", "package accounts\n\nfunc makeHash(p string) ([]byte, error) { return nil, nil }\n")
    assert zone_symbols(run(repo.path, "zones", "--format", "json").stdout, "accounts/register.go") == set()

"""The prompt check against a real workspace: file index, zone cache, templates, hostile paths, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pathspec
import pytest

from pavedroad.analysis.classify import Classifier
from pavedroad.config import load_config
from pavedroad.promptcheck import PromptWorkspace, check_workspace_prompt, reference_path
from pavedroad.prompts import FileIndex
from pavedroad.prompts.fileindex import literal_prefix

CONFIG = """version: 1
extends:
  - preset: secrets
  - preset: auth
zones:
  - id: billing
    ai: review
    context: warn
    match: {paths: ["src/billing/**"]}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".pavedroad.yaml").write_text(CONFIG)
    for rel, body in {
        ".env": "X=1\n",
        ".env.example": "X=\n",
        "src/billing/invoice.py": "def total():\n    return 1\n",
        "src/app.py": "print('hi')\n",
        "docs/guide.md": "# guide\n",
    }.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(body)
    return tmp_path


def workspace(root: Path) -> PromptWorkspace:
    config = load_config(root).config
    assert config is not None
    return PromptWorkspace(root, config, Classifier(config))


def rules(ws: PromptWorkspace, text: str, references: tuple[str, ...] = ()) -> list[str]:
    return [f.rule for f in ws.check(text, references).findings]


# --- the file index -----------------------------------------------------------------------------


def test_index_lists_files_and_skips_vcs_and_dependencies(tmp_path: Path) -> None:
    for rel in ["a.py", "src/b.py", ".git/config", "node_modules/x/index.js", "src/.env"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    index = FileIndex.build(str(tmp_path))
    assert index.files() == ["a.py", "src/.env", "src/b.py"]
    assert index.under("src") == ["src/.env", "src/b.py"]
    assert "a.py" in index and "src" not in index


def test_index_update_follows_file_events(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("")
    index = FileIndex.build(str(tmp_path))
    generation = index.generation
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / ".env").write_text("")
    (tmp_path / "new" / "deep").mkdir()
    (tmp_path / "new" / "deep" / "c.py").write_text("")
    index.update([str(tmp_path / "new")])  # a created directory is listed
    assert index.under("new") == ["new/.env", "new/deep/c.py"]
    (tmp_path / "a.py").unlink()
    index.update([(tmp_path / "a.py").as_uri(), "/elsewhere/x.py", "new/\x00bad"])
    assert "a.py" not in index and index.generation > generation
    for f in (tmp_path / "new" / "deep").iterdir():
        f.unlink()
    (tmp_path / "new" / "deep").rmdir()
    index.update([str(tmp_path / "new" / "deep")])  # a deleted directory drops its files
    assert index.files() == ["new/.env"]


def test_index_survives_symlink_loops_and_special_files(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("")
    os.symlink(tmp_path, tmp_path / "src" / "loop")
    os.mkfifo(tmp_path / "pipe.py")
    index = FileIndex.build(str(tmp_path))
    assert index.files() == ["src/a.py"]  # the loop is not followed, the FIFO is not a file


# Globs of every shape gitignore knows, over a listing whose sorted neighbours share prefixes
# (`src/a.py`, `src/a.pyc`, `src/a/`, `src-old/`, `src0`): the one-regex scan, narrowed to the
# glob's literal head, must list exactly what pathspec matches file by file.
GLOBS = [
    "src/**/*.py", "src/*", "src/", "src", "/src/a*", "src/a/**", "src/a/**/", "src?/x.py",
    "src[-_]old/**", "src/a.py", "src/a.py/", "**/*.py", "*.py", ".env*", "**/.env", "a/**/b",
    "src/**", "**", "*", "src/*/c.py", "sr*/a.py", "s/../src/a.py", "src/a\\*b.py", "./src/*.py",
    "src/a{1,2}.py", "src-old/*.txt", "deep/a/b/c/**/*.key", "Src/A.py", "src/a.py?",
]  # fmt: skip
LISTING = [
    ".env", ".env.local", "a/b", "a/x/b", "a/x/y/b/c", "deep/a/b/c/d/e.key", "deep/a/b/c/k.key",
    "src-old/n.txt", "src-old/sub/x.py", "src/a*b.py", "src/a.py", "src/a.pyc", "src/a/b.py",
    "src/a/c.py", "src/a/sub/c.py", "src/a1.py", "src/b/c.py", "src/z.txt", "src0", "src1/x.py",
    "srcs/a.py", "x.py",
]  # fmt: skip


@pytest.mark.parametrize("glob", GLOBS)
def test_index_glob_scan_matches_pathspec(tmp_path: Path, glob: str) -> None:
    for rel in LISTING:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    index = FileIndex.build(str(tmp_path))
    assert index.files() == sorted(LISTING)
    fast = index.glob_matches([glob])
    slow = index.matching(pathspec.GitIgnoreSpec.from_lines([glob]))
    assert fast is None or fast == slow, glob
    both = index.glob_matches([glob, "src-old/**"])  # several globs: the union of their spans
    if both is not None:
        assert both == index.matching(pathspec.GitIgnoreSpec.from_lines([glob, "src-old/**"]))


def test_literal_prefix_stops_where_a_line_may_differ() -> None:
    assert literal_prefix(r"^src/auth/[^\n/]*\.py$") == "src/auth/"
    assert literal_prefix(r"^a\.b\*c\d") == "a.b*c"  # `\d` is a class, not a `d`
    assert literal_prefix(r"^abc?d") == "ab"  # the `c` is optional
    assert literal_prefix(r"^ab{0,1}") == "a"
    assert literal_prefix(r"^ab|^cd") == ""  # a top-level alternative needs no `ab`
    assert literal_prefix(r"^(?:ab|cd)e") == ""
    assert literal_prefix(r"src/^x") == ""  # not anchored at a line start


# --- zones and templates through the real config ----------------------------------------------


def test_referenced_files_take_their_zones(repo: Path) -> None:
    ws = workspace(repo)
    assert rules(ws, "read #file:.env") == ["sensitive_file.pattern"]
    assert rules(ws, "fix src/billing/invoice.py") == ["sensitive_file.zone-warn"]
    assert rules(ws, "fix src/app.py") == []
    assert rules(ws, "summarise #folder:src") == ["sensitive_file.zone-warn"]


def test_templates_do_not_inherit_path_zones(repo: Path) -> None:
    # preset:secrets puts `**/.env.*` both in `sensitive` and in the `secrets` zone (context: deny).
    ws = workspace(repo)
    assert rules(ws, "read #file:.env.example and copy it to .env") == []
    assert rules(ws, "read `**/.env.example`") == []


def test_zone_answers_are_cached_until_the_file_changes(repo: Path) -> None:
    ws = workspace(repo)
    assert rules(ws, "fix src/app.py") == []
    (repo / "src" / "app.py").write_text(
        "import jwt\n\ndef login():\n    return jwt.encode({}, 'k')\n"
    )
    os.utime(repo / "src" / "app.py", ns=(1, 1))  # a different mtime even on coarse clocks
    assert rules(ws, "fix src/app.py") == ["sensitive_file.zone-warn"]  # auth: context warn


def test_index_is_built_once_and_refreshed_by_events(repo: Path) -> None:
    ws = workspace(repo)
    assert rules(ws, "read `src/**/*.py`") == ["sensitive_file.glob-may-match"]  # billing: warn
    assert ws.index_built
    index = ws.index()
    (repo / "src" / "keys").mkdir()
    (repo / "src" / "keys" / "prod.pem").write_text("")
    assert rules(ws, "read `src/keys/*`") == []  # not yet told
    ws.files_changed([str(repo / "src" / "keys" / "prod.pem")])
    assert rules(ws, "read `src/keys/*`") == ["sensitive_file.glob"]
    assert ws.index() is index


def test_check_workspace_prompt_reuses_a_given_workspace(repo: Path) -> None:
    ws = workspace(repo)
    report = check_workspace_prompt(
        "read `src/**`", root=repo, config=ws.config, classifier=ws.classifier, workspace=ws
    )
    assert report.verdict == "warn" and ws.index_built


# --- hostile input (issue 8) -------------------------------------------------------------------


def test_reference_path_never_raises() -> None:
    root = Path("/tmp")
    assert reference_path("/tmp/a\x00b", root) == "/tmp/a\x00b"
    assert reference_path("file:///tmp/a%00b", root) == "/tmp/a\x00b"
    assert reference_path("/tmp/\udcff", root) == "\udcff"  # surrogateescape: a real POSIX name
    assert reference_path("file:///tmp/x/y.py", root) == "x/y.py"


def test_nul_bytes_in_references_and_attachments(repo: Path) -> None:
    ws = workspace(repo)
    report = ws.check(
        "read #file:docs/a\x00b.py and @src\x00/x", ["file:///a%00b", "docs/\x00.md", "\udcff"]
    )
    assert report.verdict == "allow"
    # The NUL ends the path: `src/\0.py` names the folder `src/`, which holds billing code.
    assert rules(ws, "x", ("src/\x00.py",)) == ["sensitive_file.zone-warn"]
    assert rules(ws, "read #file:.env\x00") == ["sensitive_file.pattern"]


def run_cli(
    *args: str, stdin: bytes | None = None, cwd: Path
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "pavedroad", "prompt", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_cli_survives_a_nul_byte_in_a_referenced_path(repo: Path) -> None:
    (repo / "p.prompt.md").write_bytes(b"read #file:src/a\x00b.py\n")
    result = run_cli("p.prompt.md", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["verdict"] == "allow"
    result = run_cli("-", stdin=b"read #file:.env\x00 now", cwd=repo)
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert b"sensitive_file.pattern" in result.stdout


def test_cli_survives_a_binary_prompt_file(repo: Path) -> None:
    # Random bytes whose decoded text holds `#file:` references with NUL bytes and odd characters.
    blob = (
        bytes(range(256)) * 8 + b"#file:\x00\xff\xfe.py @\x00.env #folder:\x00" + os.urandom(4096)
    )
    (repo / "bin.prompt.md").write_bytes(blob)
    result = run_cli("bin.prompt.md", "--format", "json", cwd=repo)
    assert result.returncode in (0, 1), result.stderr.decode()
    assert b"Traceback" not in result.stderr
    assert json.loads(result.stdout)["verdict"] in ("allow", "warn", "block")


def test_prewarm_builds_the_classifier_plans_of_the_indexed_languages(repo: Path) -> None:
    # the first prompt naming a file classifies it: on a warm server that must not pay for the
    # language's query plan (tens of ms, measured on the prompt-file corpus)
    ws = workspace(repo)
    assert "python" not in ws.classifier._plans
    ws.prewarm()
    assert "python" in ws.classifier._plans

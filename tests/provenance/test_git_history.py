"""History provenance on real git repositories built in temp dirs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pavedroad.provenance import git_history
from pavedroad.provenance.git_history import (
    GitHistory,
    assistant_from_ident,
    blame_ai_lines,
    commit_tool,
    parse_git_ai_note,
)
from pavedroad.provenance.ranges import AiSpan

from .gitrepo import CLAUDE, GitRepo, git_env

BASE = "a = 1\nb = 2\nc = 3\n"
WITH_AI = "a = 1\nb = 2\nai_one()\nai_two()\nc = 3\n"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def spans(result: git_history.BlameResult) -> list[tuple[int, int, str | None]]:
    return [(s.start_line, s.end_line, s.tool) for s in result.spans]


# --- recognising assistants ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ident", "tool"),
    [
        ("Claude <noreply@anthropic.com>", "Claude"),
        ("Claude Code <anything@example.com>", "Claude"),
        ("Copilot <198982749+Copilot@users.noreply.github.com>", "Copilot"),
        (
            "copilot-swe-agent[bot] <198982749+copilot-swe-agent[bot]@users.noreply.github.com>",
            "Copilot",
        ),
        ("Cursor Agent <cursoragent@cursor.com>", "Cursor"),
        ("OpenAI Codex <codex@openai.com>", "Codex"),
        ("gemini-code-assist[bot] <x@users.noreply.github.com>", "Gemini"),
        ("aider <aider@aider.chat>", "aider"),
        (
            "devin-ai-integration[bot] <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
            "Devin",
        ),
        ("Windsurf <noreply@windsurf.com>", "Windsurf"),
        ("Codeium <x@example.com>", "Windsurf"),
        ("Amazon Q Developer <q@example.com>", "Amazon Q"),
        ("ChatGPT <noreply@openai.com>", "ChatGPT"),
        # people
        ("Claude Dupont <claude.dupont@example.fr>", None),
        ("Alice <alice@anthropic.com>", None),
        ("Bob <bob@cursor.com>", None),
        ("Jane Doe <123+jane@users.noreply.github.com>", None),
        ("Q <q@example.com>", None),
    ],
)
def test_assistant_identities(ident: str, tool: str | None) -> None:
    assert assistant_from_ident(ident) == tool


def test_commit_tool_sources() -> None:
    assert commit_tool(trailers=CLAUDE) == "Claude"
    assert commit_tool(trailers="Assisted-by: Claude:claude-opus-4 [pytest]") == "Claude"
    assert commit_tool(trailers="Assisted-by: SomeAgent:model-7 [make]") == "SomeAgent"
    assert commit_tool(trailers="Generated-by: GitHub Copilot") == "Copilot"
    assert commit_tool(author_name="Dev (aider)") == "aider"
    assert commit_tool(committer_name="Dev (aider)") == "aider"
    assert commit_tool(subject="aider: add parser") == "aider"
    assert (
        commit_tool(trailers="Co-authored-by: Jane <jane@example.com>\nSigned-off-by: X <x@y>")
        is None
    )
    assert commit_tool(subject="fix aider: typo") is None


# --- git-ai notes ------------------------------------------------------------------------------------


NOTE = (
    "src/auth.py\n"
    "  abcd1234abcd1234 2-3,7\n"
    "  h_31dce776f88375 5-6\n"
    '"dir with space/x.py"\n'
    "  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-2\n"
    "  s_bad bogus-range\n"
    "---\n"
    '{"schema_version": "authorship/3.0.0", "prompts": {"abcd1234abcd1234": {"agent_id": '
    '{"tool": "cursor"}, "messages": [{"text": "secret prompt"}]}}, "sessions": '
    '{"s_c9883b05a2487d": {"agent_id": {"tool": "claude"}}}}'
)


def test_parse_git_ai_note() -> None:
    parsed = parse_git_ai_note(NOTE)
    assert parsed == {
        "src/auth.py": [(2, 3, "cursor"), (7, 7, "cursor")],
        "dir with space/x.py": [(1, 2, "claude")],
    }


def test_parse_git_ai_note_tolerates_garbage() -> None:
    assert parse_git_ai_note("") == {}
    assert parse_git_ai_note("---\n{}") == {}
    assert parse_git_ai_note("f.py\n  abc 1-2\n---\nnot json") == {"f.py": [(1, 2, None)]}
    assert parse_git_ai_note("  orphan 1-2\n") == {}


# --- blame on real repositories -----------------------------------------------------------------------


def test_trailer_commit_lines_are_ai(repo: GitRepo) -> None:
    repo.commit("base", {"src/app.py": BASE})
    sha = repo.commit(f"add ai\n\n{CLAUDE}", {"src/app.py": WITH_AI})
    result = blame_ai_lines(repo.path, "src/app.py")
    assert result.reason is None
    assert result.spans == (AiSpan(3, 4, "history", "Claude", sha),)


@pytest.mark.parametrize(
    ("message", "author", "tool"),
    [
        ("add\n\nAssisted-by: Claude:claude-opus-4 [ruff]", ("Dev", "dev@example.com"), "Claude"),
        ("add\n\nGenerated-by: Cursor", ("Dev", "dev@example.com"), "Cursor"),
        ("aider: add lines", ("Dev", "dev@example.com"), "aider"),
        ("add lines", ("Dev (aider)", "dev@example.com"), "aider"),
        ("add\n\nCo-authored-by: Jane <jane@example.com>", ("Dev", "dev@example.com"), None),
    ],
)
def test_other_attributions(
    repo: GitRepo, message: str, author: tuple[str, str], tool: str | None
) -> None:
    repo.commit("base", {"a.py": BASE})
    repo.commit(message, {"a.py": WITH_AI}, author=author)
    got = spans(blame_ai_lines(repo.path, "a.py"))
    assert got == ([(3, 4, tool)] if tool else [])


def test_git_ai_note_lines(repo: GitRepo) -> None:
    repo.commit("base", {"src/x.py": BASE})
    sha = repo.commit("human-looking commit", {"src/x.py": WITH_AI})
    repo.note(
        sha,
        "src/x.py\n  abcd1234abcd1234 4\n  h_0000000000000000 3\n---\n"
        '{"prompts": {"abcd1234abcd1234": {"agent_id": {"tool": "cursor"}}}}',
    )
    assert spans(blame_ai_lines(repo.path, "src/x.py")) == [(4, 4, "cursor")]


def test_note_lines_follow_later_edits_via_blame(repo: GitRepo) -> None:
    repo.commit("base", {"x.py": BASE})
    sha = repo.commit("agent", {"x.py": WITH_AI})
    repo.note(sha, "x.py\n  abcd1234abcd1234 3-4\n---\n{}")
    repo.commit("human inserts two lines on top", {"x.py": "# one\n# two\n" + WITH_AI})
    assert spans(blame_ai_lines(repo.path, "x.py")) == [(5, 6, None)]


def test_unsaved_buffer_contents(repo: GitRepo) -> None:
    repo.commit("base", {"x.py": BASE})
    repo.commit(f"ai\n\n{CLAUDE}", {"x.py": WITH_AI})
    buffer = "new typed line\n" + WITH_AI.replace("ai_two()", "ai_two()  # edited")
    result = GitHistory(repo.path).ai_lines("x.py", contents=buffer)
    # shifted by one; the edited line is not committed yet, so it is not history's to report
    assert spans(result) == [(4, 4, "Claude")]


def test_since_limits_to_later_commits(repo: GitRepo) -> None:
    repo.commit("base", {"x.py": BASE})
    old = repo.commit(f"old ai\n\n{CLAUDE}", {"x.py": WITH_AI})
    repo.commit(f"new ai\n\n{CLAUDE}", {"x.py": WITH_AI + "ai_three()\n"})
    h = GitHistory(repo.path)
    assert spans(h.ai_lines("x.py")) == [(3, 4, "Claude"), (6, 6, "Claude")]
    assert spans(h.ai_lines("x.py", since=old)) == [(6, 6, "Claude")]
    assert spans(h.ai_lines("x.py", line_ranges=[(1, 3)])) == [(3, 3, "Claude")]


def test_root_commit_with_trailer_counts(repo: GitRepo) -> None:
    repo.commit(f"initial, by an assistant\n\n{CLAUDE}", {"x.py": BASE})
    assert spans(blame_ai_lines(repo.path, "x.py")) == [(1, 3, "Claude")]


def test_one_batched_log_and_cache(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit("base", {"x.py": BASE})
    repo.commit(f"ai\n\n{CLAUDE}", {"x.py": WITH_AI})
    repo.commit("human", {"x.py": WITH_AI + "d = 4\n"})
    calls: list[str] = []
    real = git_history.run_git

    def counting(args, cwd, **kw):  # type: ignore[no-untyped-def]
        calls.append(args[0])
        return real(args, cwd, **kw)

    monkeypatch.setattr(git_history, "run_git", counting)
    h = GitHistory(repo.path)
    h.ai_lines("x.py")
    assert calls.count("log") == 1  # three commits, one git log
    calls.clear()
    h.ai_lines("x.py")
    assert calls.count("log") == 0  # cached
    # a new git-ai note invalidates the cache
    repo.note(repo.git("rev-parse", "HEAD").strip(), "x.py\n  abcd1234abcd1234 6\n---\n{}")
    assert (6, 6, None) in spans(h.ai_lines("x.py"))


# --- unusual repositories: empty result with a reason, never an exception ----------------------------


def test_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "x.py").write_text(BASE)
    result = blame_ai_lines(tmp_path, "x.py")
    assert result.spans == () and result.reason == "not a git repository"


def test_no_commits(repo: GitRepo) -> None:
    repo.write("x.py", BASE)
    result = blame_ai_lines(repo.path, "x.py")
    assert result.spans == () and "no commits" in (result.reason or "")


def test_untracked_and_missing_and_outside(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("base", {"x.py": BASE})
    repo.write("new.py", BASE)
    assert "not committed" in (blame_ai_lines(repo.path, "new.py").reason or "")
    assert "not committed" in (GitHistory(repo.path).ai_lines("new.py", contents=BASE).reason or "")
    assert "does not exist" in (blame_ai_lines(repo.path, "gone.py").reason or "")
    (tmp_path / "outside.py").write_text(BASE)
    assert "outside" in (blame_ai_lines(repo.path, "../outside.py").reason or "")


def test_workspace_root_below_repository_top(repo: GitRepo) -> None:
    repo.commit("base", {"pkg/x.py": BASE})
    sha = repo.commit("agent", {"pkg/x.py": WITH_AI})
    repo.note(sha, "pkg/x.py\n  abcd1234abcd1234 3\n---\n{}")
    assert spans(blame_ai_lines(repo.path / "pkg", "x.py")) == [(3, 3, None)]


def test_shallow_clone_boundary(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit(f"ai\n\n{CLAUDE}", {"x.py": BASE})
    repo.commit("human", {"x.py": BASE + "d = 4\n"})
    repo.commit(f"ai again\n\n{CLAUDE}", {"x.py": BASE + "d = 4\nai()\n"})
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", repo.path.as_uri(), str(clone)],
        check=True,
        env=git_env(),
        capture_output=True,
        timeout=60,
    )
    result = blame_ai_lines(clone, "x.py")
    # lines 1-3 came from the first AI commit, which the clone does not have; lines 1-4 are
    # blamed on the shallow boundary ("human") and not attributed. Line 5 is known AI.
    assert spans(result) == [(5, 5, "Claude")]
    assert result.notes and "shallow clone" in result.notes[0]


# --- the graft fast path (after scan) agrees with plain blame ----------------------------------------


def _random_history(repo: GitRepo, seed: int, commits: int = 40) -> list[str]:
    import random

    rng = random.Random(seed)
    files = {f"f{i}.py": [f"base {i} {j}\n" for j in range(8)] for i in range(4)}
    shas = [repo.commit("base", {k: "".join(v) for k, v in files.items()})]
    for n in range(commits):
        path = rng.choice(sorted(files))
        body = files[path]
        op = rng.random()
        k = rng.randrange(len(body))
        if op < 0.4:
            body.insert(k, f"added {n}\n")
        elif op < 0.8 or len(body) < 3:
            body[k] = f"edited {n}\n"
        else:
            del body[k]
        message = f"c{n}" + (f"\n\n{CLAUDE}" if rng.random() < 0.3 else "")
        shas.append(repo.commit(message, {path: "".join(body)}))
        if rng.random() < 0.1:
            repo.note(shas[-1], f"{path}\n  abcd1234abcd1234 1-{len(body)}\n---\n{{}}")
    return shas


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scan_graft_matches_plain_blame(repo: GitRepo, seed: int) -> None:
    shas = _random_history(repo, seed)
    attributed = 0
    for since in (None, shas[10], shas[25]):
        for path in ("f0.py", "f1.py", "f2.py", "f3.py"):
            plain = GitHistory(repo.path).ai_lines(path, since=since)
            fast = GitHistory(repo.path)
            scan = fast.scan(since)
            assert scan.linear
            got = fast.ai_lines(path, since=since)
            assert got.spans == plain.spans, (since, path)
            attributed += len(got.spans)
            text = (repo.path / path).read_text()
            buffer = "typed\n" + text
            assert fast.ai_lines(path, since=since, contents=buffer).spans == (
                GitHistory(repo.path).ai_lines(path, since=since, contents=buffer).spans
            )
    assert attributed > 5  # the comparison is not vacuous


def test_scan_with_merges_falls_back_to_plain_blame(repo: GitRepo) -> None:
    repo.commit("base", {"x.py": BASE, "y.py": BASE})
    repo.git("checkout", "-q", "-b", "side")
    side = repo.commit(f"ai on a branch\n\n{CLAUDE}", {"x.py": BASE + "from_branch()\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("human on main", {"x.py": "top()\n" + BASE})
    repo.git("merge", "-q", "--no-edit", "side", env={"GIT_EDITOR": "true"})
    h = GitHistory(repo.path)
    scan = h.scan()
    assert not scan.linear and "x.py" in scan.touched
    result = h.ai_lines("x.py")
    assert [(s.start_line, s.end_line, s.commit) for s in result.spans] == [(5, 5, side)]
    assert result.spans == GitHistory(repo.path).ai_lines("x.py").spans

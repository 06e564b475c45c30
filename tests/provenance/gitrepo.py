"""Real git repositories in temp dirs for tests (no mocks of git). Shared by tests/policy and
tests/check through their conftest."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

CLAUDE = "Co-authored-by: Claude <noreply@anthropic.com>"


def git_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("GIT_"):
            del env[key]
    env.update(
        {
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Dev",
            "GIT_AUTHOR_EMAIL": "dev@example.com",
            "GIT_COMMITTER_NAME": "Dev",
            "GIT_COMMITTER_EMAIL": "dev@example.com",
            "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
            "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
        }
    )
    env.update(extra or {})
    return env


class GitRepo:
    def __init__(self, path: Path, *, init: bool = True) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        if init:
            self.git("init", "-q", "-b", "main")
            self.git("config", "user.email", "reviewer@example.com")
            self.git("config", "user.name", "Reviewer")
            self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, env: dict[str, str] | None = None, input: str | None = None) -> str:
        out = subprocess.run(
            ["git", *args],
            cwd=self.path,
            env=git_env(env),
            input=input,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return out.stdout

    def write(self, rel: str, text: str) -> Path:
        p = self.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        return p

    def commit(
        self,
        message: str,
        files: dict[str, str] | None = None,
        *,
        author: tuple[str, str] = ("Dev", "dev@example.com"),
        committer: tuple[str, str] | None = None,
    ) -> str:
        for rel, text in (files or {}).items():
            self.write(rel, text)
            self.git("add", "--", rel)
        c = committer or author
        env = {
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_COMMITTER_NAME": c[0],
            "GIT_COMMITTER_EMAIL": c[1],
        }
        self.git("commit", "-q", "--allow-empty", "-m", message, env=env)
        return self.git("rev-parse", "HEAD").strip()

    def note(self, sha: str, text: str) -> None:
        self.git("notes", "--ref=ai", "add", "-f", "-m", text, sha)


def lines(n: int, prefix: str = "line") -> str:
    return "".join(f"{prefix} {i}\n" for i in range(1, n + 1))

"""Which files `check` looks at: files AI-attributed commits touched (following renames), limited
to the paths asked for, and the zone line ranges worth blaming in each. Shared with the report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from pavedroad.analysis.crossfile import RepoView
from pavedroad.analysis.model import FileZones
from pavedroad.config.model import EffectiveConfig, Level
from pavedroad.provenance.git_history import GitHistory, run_git


class SupportsClassify(Protocol):
    def classify(
        self, rel_path: str, data: bytes, *, aliases: Sequence[str] = (), repo: RepoView | None = None
    ) -> FileZones: ...


ClassifierFactory = Callable[[EffectiveConfig], SupportsClassify]


def default_classifier(config: EffectiveConfig) -> SupportsClassify:
    from pavedroad.analysis.classify import Classifier

    return Classifier(config)


def in_paths(rel: str, paths: Sequence[str] | None) -> bool:
    if not paths:
        return True
    for p in paths:
        p = p.strip("/")
        if p in ("", ".") or rel == p or rel.startswith(p + "/"):
            return True
    return False


def z_split(out: bytes) -> list[str]:
    """NUL-separated git output (``-z``); log adds a newline after each commit's header."""
    return [
        p.lstrip("\n") for p in out.decode("utf-8", "surrogateescape").split("\0") if p.strip("\n")
    ]


def tracked_files(history: GitHistory) -> set[str]:
    return set(
        z_split(run_git(["ls-files", "-z", "--cached"], history.root, timeout=history.timeout))
    )


def follow_renames(
    history: GitHistory, files: frozenset[str], tracked: set[str], since: str | None
) -> set[str]:
    """`files` plus the paths they were renamed to later: one more ``git log``, run only when an
    AI-touched path is no longer tracked."""
    out = set(files)
    if not files - tracked:
        return out
    rev = [f"{since}..HEAD"] if since else ["HEAD"]
    raw = run_git(
        ["log", "--reverse", "--format=", "--name-status", "-M", "--diff-filter=R",
         "--relative", "-z", *rev, "--"],
        history.root,
        timeout=history.timeout,
    )  # fmt: skip
    parts = z_split(raw)
    i = 0
    while i + 2 < len(parts):
        if parts[i].startswith("R"):
            if parts[i + 1] in out:
                out.add(parts[i + 2])
            i += 3
        else:
            i += 1
    return out


def merge_line_ranges(
    zones: FileZones, config: EffectiveConfig, line_count: int
) -> list[tuple[int, int]]:
    """Line ranges of regions whose zone is stricter than `allow`, merged, clipped to the file;
    the whole file when the central map restricts which AI tools may write code anywhere."""
    policy = config.ai_tools
    if policy.approved and policy.unapproved > Level.ALLOW and line_count > 0:
        return [(1, line_count)]
    ranges = []
    for r in zones.regions:
        zone = config.zone(r.zone)
        if zone is None or zone.ai == Level.ALLOW:
            continue
        start, end = max(1, r.start_line), min(line_count, r.end_line)
        if start <= end:
            ranges.append((start, end))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged

"""Provenance that survives the commit: agent-written lines as git-ai notes (`refs/notes/ai`).

Agents' hooks record what they wrote in the local range store (offsets and hashes only). At commit
time (`pavedroad record`, run by the post-commit hook `pavedroad install` sets up) the lines of
the commit that fall in recorded ranges are written as a git note in the git-ai standard v3 format
(`authorship/3.0.0`), which `check` reads like any git-ai note, so CI sees agent-written lines
without a commit trailer:

    src/auth/session.py
      3f2a9c0d1e4b5a6c 12-18,40
    ---
    {"schema_version": "authorship/3.0.0", "base_commit_sha": "...", "git_ai_version":
     "pavedroad <version>", "prompts": {"3f2a9c0d1e4b5a6c": {"agent_id": {"tool": "claude",
     "id": "3f2a9c0d1e4b5a6c", "model": "..."}, "human_author": null, "messages": [], ...}}}

The key is the first 16 hex digits of sha256("{tool}:{session}"), as git-ai computes it; the raw
session id, prompts and code are never written. An existing note on the commit (from git-ai
itself) is merged with, never replaced.

What survives history rewrites: `pavedroad install` sets `notes.rewriteRef = refs/notes/ai`, so
`git commit --amend` and `git rebase` copy the note to the rewritten commit (git's own notes
rewriting; a rebase that changes the lines keeps the old line numbers). A squash merge on a
forge, a cherry-pick and a `git merge --squash` do not carry notes: those lines lose their
attribution unless the squashed commit carries a trailer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pavedroad import __version__
from pavedroad.provenance.git_history import GitError, parse_git_ai_note, run_git
from pavedroad.provenance.ranges import to_spans
from pavedroad.provenance.store import RangeStore

NOTES_REF = "refs/notes/ai"
SCHEMA = "authorship/3.0.0"
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def session_key(tool: str, session: str) -> str:
    """git-ai's session key: the first 16 hex digits of sha256("{tool}:{session}")."""
    return hashlib.sha256(f"{tool}:{session}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Recorded:
    commit: str
    files: int
    lines: int


def _added_lines(root: Path, commit: str, rel: str) -> list[tuple[int, int]]:
    """1-based inclusive line ranges that `commit` added to `rel` (all lines of a new file)."""
    parents = run_git(["rev-list", "--parents", "-n", "1", commit], root).split()
    base = parents[1].decode() if len(parents) > 1 else "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    out = run_git(["diff", "--no-color", "--no-ext-diff", "-U0", base, commit, "--", rel], root)
    ranges = []
    for line in out.split(b"\n"):
        match = _HUNK.match(line)
        if match:
            start, count = int(match.group(1)), int(match.group(2) or b"1")
            if count:
                ranges.append((start, start + count - 1))
    return ranges


def _intersect(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            lo, hi = max(s1, s2), min(e1, e2)
            if lo <= hi:
                out.append((lo, hi))
    return sorted(out)


def _ranges_text(ranges: list[tuple[int, int]]) -> str:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return ",".join(f"{a}-{b}" if a != b else str(a) for a, b in merged)


def note_for_commit(root: Path, commit: str = "HEAD") -> tuple[str, str, int, int] | None:
    """(sha, note text, files, lines) for the agent-written lines of `commit`, or None."""
    sha = run_git(["rev-parse", "--verify", f"{commit}^{{commit}}"], root).decode().strip()
    changed = [p for p in run_git(["diff-tree", "--no-commit-id", "--root", "-r", "--name-only",
                                   "-z", sha], root).decode("utf-8", "surrogateescape").split("\0") if p]
    store = RangeStore(root)
    stored = set(store.paths())
    attest: dict[str, dict[str, list[tuple[int, int]]]] = {}
    agents: dict[str, dict[str, str | None]] = {}
    for rel in changed:
        if rel not in stored:
            continue
        try:
            text = run_git(["show", f"{sha}:{rel}"], root).decode("utf-8", "surrogateescape")
        except GitError:
            continue  # deleted by the commit
        ranges = [r for r in store.load(rel, text) if r.source == "explicit" and r.tool]
        if not ranges:
            continue
        added = _added_lines(root, sha, rel)
        index_spans = to_spans(ranges, text)
        for span, rng in zip(index_spans, ranges, strict=True):
            lines = _intersect([(span.start_line, span.end_line)], added)
            if not lines:
                continue
            tool = rng.tool or "unknown"
            key = rng.session or session_key(tool, "unknown")
            attest.setdefault(rel, {}).setdefault(key, []).extend(lines)
            agents[key] = {"tool": tool, "id": key, "model": rng.model}
    if not attest:
        return None
    files, total = _merge_existing(root, sha, attest, agents)
    body = []
    for rel in sorted(files):
        body.append(json.dumps(rel) if (" " in rel or rel.startswith('"')) else rel)
        for key in sorted(files[rel]):
            body.append(f"  {key} {_ranges_text(files[rel][key])}")
    meta = {
        "schema_version": SCHEMA,
        "base_commit_sha": sha,
        "git_ai_version": f"pavedroad {__version__}",
        "prompts": {
            key: {"agent_id": agent, "human_author": None, "messages": [],
                  "total_additions": total.get(key, 0), "total_deletions": 0,
                  "accepted_lines": total.get(key, 0), "overriden_lines": 0}
            for key, agent in sorted(agents.items())
        },
    }
    text = "\n".join(body) + "\n---\n" + json.dumps(meta, indent=2, sort_keys=True) + "\n"
    return sha, text, len(files), sum(total.values())


def _merge_existing(root: Path, sha: str, attest: dict[str, dict[str, list[tuple[int, int]]]],
                    agents: dict[str, dict[str, str | None]]
                    ) -> tuple[dict[str, dict[str, list[tuple[int, int]]]], dict[str, int]]:
    """Our attestation merged with a note already on the commit (git-ai's own, or an earlier
    `pavedroad record`); returns it and the line count per key."""
    try:
        existing = run_git(["notes", f"--ref={NOTES_REF}", "show", sha], root).decode(
            "utf-8", "replace")
    except GitError:
        existing = ""
    if existing:
        _attest, _sep, meta_text = existing.partition("\n---\n")
        try:
            meta = json.loads(meta_text) if meta_text.strip() else {}
        except ValueError:
            meta = {}
        prompts = meta.get("prompts") if isinstance(meta, dict) else None
        for rel, noted in parse_git_ai_note(existing).items():
            for first, last, tool in noted:
                key = session_key(tool or "unknown", f"existing:{rel}")
                if isinstance(prompts, dict):  # keep the note's own keys when it names them
                    for k, v in prompts.items():
                        agent = v.get("agent_id") if isinstance(v, dict) else None
                        if isinstance(agent, dict) and agent.get("tool") == tool:
                            key = k
                            agents.setdefault(k, {"tool": tool, "id": agent.get("id"),
                                                  "model": agent.get("model")})
                            break
                agents.setdefault(key, {"tool": tool, "id": key, "model": None})
                attest.setdefault(rel, {}).setdefault(key, []).append((first, last))
    totals: dict[str, int] = {}
    for per_key in attest.values():
        for key, spans in per_key.items():
            count = sum(b - a + 1 for a, b in _merged(spans))
            totals[key] = totals.get(key, 0) + count
    return attest, totals


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if out and first <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def record_commit(root: Path, commit: str = "HEAD") -> Recorded | None:
    """Write the note of `commit` (see the module docstring); None when it has no agent lines."""
    found = note_for_commit(root, commit)
    if found is None:
        return None
    sha, text, files, lines = found
    run_git(["notes", f"--ref={NOTES_REF}", "add", "-f", "-F", "-", sha], root,
            input=text.encode("utf-8"))
    return Recorded(sha, files, lines)

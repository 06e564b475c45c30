"""The AI-written lines in zone regions of a repository: what `check`, the report, `publish` and
`attest` all start from, so they agree line for line and read a hostile repository the same safe
way (regular files only, bounded; history that cannot be read is said, never taken as clean).

1. one ``git log`` finds the AI-attributed commits and the files they touched (renames followed);
   files with live (editor or hook) ranges are added;
2. those files are read (`read_regular`: no devices, FIFOs or huge files) and classified;
3. only their zone regions are blamed, in parallel.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pavedroad.analysis.model import FileZones
from pavedroad.check.candidates import (
    ClassifierFactory,
    default_classifier,
    follow_renames,
    in_paths,
    merge_line_ranges,
    tracked_files,
)
from pavedroad.config.discover import path_aliases
from pavedroad.config.model import EffectiveConfig, Level
from pavedroad.fileio import read_regular
from pavedroad.provenance.git_history import (
    GitError,
    GitHistory,
    HistoryScan,
    UnknownRevision,
    run_git,
)
from pavedroad.provenance.ranges import AiSpan, to_spans
from pavedroad.provenance.store import RangeStore
from pavedroad.repoview import DiskRepo

#: Files up to this size are read (to blame and hash them); the classifier parses up to its own
#: limit and fails closed above it. A larger file makes the result incomplete.
MAX_CHECK_BYTES = 256 << 20
#: Blame outcomes that are not a failure to read history.
_BENIGN_BLAME = frozenset({"the file is not committed yet", "the file does not exist"})
SHALLOW_NOTE = ("shallow clone: lines older than the fetched history are not attributed "
                "(use `fetch-depth: 0`, or fetch at least to the --since revision)")


@dataclass
class Candidate:
    """A file with zone regions that AI commits touched or live ranges mark."""

    rel: str
    data: bytes
    text: str
    zones: FileZones
    line_ranges: list[tuple[int, int]]
    #: uncommitted ranges from the local store (editor, hooks)
    live: list[AiSpan]
    #: AI-attributed lines from history (blame), filled by `gather`
    spans: list[AiSpan] = field(default_factory=list)


@dataclass
class Gathered:
    #: the repository's history reader, with what it has cached (commits, notes), for the caller
    history: GitHistory
    candidates: list[Candidate] = field(default_factory=list)
    #: the history scan (AI commits and the files they touched); None without readable history
    scan: HistoryScan | None = None
    head: str | None = None
    files_classified: int = 0
    #: remarks for the reader (not a git repository, shallow clone, ...)
    notes: list[str] = field(default_factory=list)
    #: why history could not be read completely: `check` exits 2 on these by default
    incomplete: list[str] = field(default_factory=list)


def gather(root: Path, config: EffectiveConfig, *, since: str | None = None,
           paths: Sequence[str] | None = None,
           classifier_factory: ClassifierFactory | None = None,
           jobs: int | None = None) -> Gathered:
    """Raises `UnknownRevision` for a `since` that does not resolve."""
    history = GitHistory(root)
    out = Gathered(history)
    tracked: set[str] | None = None
    touched: set[str] = set()
    try:
        repo = history.repo()
        out.head = repo.head
        if repo.head is None:
            if _has_any_commit(history):
                out.incomplete.append("HEAD does not resolve to a commit although the "
                                      "repository has commits (missing objects?)")
            else:
                out.notes.append("the repository has no commits yet: no history to check")
        else:
            if repo.shallow:
                out.notes.append(SHALLOW_NOTE)
            out.scan = history.scan(since)
            tracked = tracked_files(history)
            touched = follow_renames(history, out.scan.touched, tracked, since)
    except UnknownRevision:
        raise  # a usage error, not unreadable history
    except GitError as exc:
        if exc.reason in ("not a git repository", "git is not installed"):
            out.notes.append(f"{exc.reason}: git history not checked")
        else:
            out.incomplete.append(f"{exc.reason}: git history could not be read")

    store = RangeStore(root)
    live_paths = set(store.paths())
    wanted = sorted(p for p in touched | live_paths
                    if in_paths(p, paths) and (tracked is None or p in tracked or p in live_paths))
    classifier = (classifier_factory or default_classifier)(config)
    aliases = path_aliases(root)
    files = DiskRepo(root, classifier, aliases)  # calls into other files' zone functions count
    # with an approved-tools list, code from another tool matters anywhere, not only in zones
    tools_everywhere = bool(config.ai_tools.approved) and config.ai_tools.unapproved > Level.ALLOW
    for rel in wanted:
        try:
            data, _size = read_regular(root / rel, MAX_CHECK_BYTES)
        except OSError:  # deleted, a directory, a device, unreadable
            continue
        if len(data) > MAX_CHECK_BYTES:
            out.incomplete.append(f"{rel}: larger than {MAX_CHECK_BYTES >> 20} MB, not checked")
            continue
        zones = classifier.classify(rel, data, aliases=aliases.of(rel), repo=files)
        out.files_classified += 1
        if not zones.regions and not tools_everywhere:
            continue
        text = data.decode("utf-8", "replace")
        line_count = text.count("\n") + (0 if text.endswith("\n") else 1)
        line_ranges = merge_line_ranges(zones, config, line_count)
        if not line_ranges:
            continue
        live = to_spans(store.load(rel, text), text) if rel in live_paths else []
        out.candidates.append(Candidate(rel, data, text, zones, line_ranges, live))

    def blame(c: Candidate) -> list[str]:
        if tracked is None or c.rel not in touched:
            return []
        res = history.ai_lines(c.rel, contents=c.data, since=since, line_ranges=c.line_ranges)
        c.spans = list(res.spans)
        if res.reason and res.reason not in _BENIGN_BLAME:
            out.incomplete.append(f"{c.rel}: {res.reason}")
            return []
        for note in res.notes:
            if note.startswith("shallow clone") and since is None:
                out.incomplete.append(f"{c.rel}: {note}")
        return [f"{c.rel}: {res.reason}"] if res.reason else list(res.notes)

    workers = jobs or min(4, os.cpu_count() or 1)
    if workers > 1 and len(out.candidates) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            remarks = list(pool.map(blame, out.candidates))
    else:
        remarks = [blame(c) for c in out.candidates]
    for lines in remarks:
        for remark in lines:
            if not remark.startswith("shallow clone") and remark not in out.notes:
                out.notes.append(remark)
    return out


def _has_any_commit(history: GitHistory) -> bool:
    try:
        out = run_git(["rev-list", "-n", "1", "--all"], history.root, timeout=history.timeout)
    except GitError:
        return True  # cannot even list commits: treat as unreadable, not as empty
    return bool(out.strip())

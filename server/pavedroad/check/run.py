"""Running the check: which lines AI wrote in restricted zones, and the verdict on each (see the
package docstring)."""


from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pavedroad import codes
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
from pavedroad.config.model import ConfigProblem, EffectiveConfig, Level
from pavedroad.deps.ai_change import is_manifest
from pavedroad.deps.check import ZONE_ID as DEPENDENCIES_ZONE
from pavedroad.deps.model import DepFinding
from pavedroad.fileio import read_regular
from pavedroad.policy.records import load_records
from pavedroad.policy.verdicts import Finding, evaluate
from pavedroad.provenance.git_history import GitError, GitHistory, UnknownRevision, run_git
from pavedroad.provenance.ranges import AiSpan, to_spans
from pavedroad.provenance.store import RangeStore

#: Files up to this size are read (to blame and hash them); the classifier parses up to its own
#: limit and fails closed above it. A larger file makes the check incomplete (exit 2).
MAX_CHECK_BYTES = 256 << 20
#: Blame outcomes that are not a failure to read history.
_BENIGN_BLAME = frozenset({"the file is not committed yet", "the file does not exist"})


class CheckError(Exception):
    """A usage problem (unknown revision, bad path): the CLI exits 2."""




@dataclass(frozen=True)
class RecordIssue:
    """A problem in reviews.yaml / exceptions.yaml, located for output."""

    path: str  # relative to the root
    line: int
    zone: str | None
    code: str
    severity: str
    message: str
    #: what the problem is in: "record" (reviews/exceptions) or "config" (a zone config)
    source: str = "record"

    @classmethod
    def of(cls, root: Path, problem: ConfigProblem, zone: str | None,
           source: str = "record") -> RecordIssue:
        try:  # as the repository presents it: a symlinked record keeps its own name
            rel = Path(os.path.abspath(problem.where.file)).relative_to(root).as_posix()
        except ValueError:
            rel = problem.where.file
        return cls(rel, problem.where.line, zone, problem.code, problem.severity, problem.message,
                   source)


@dataclass
class CheckResult:
    root: str
    since: str | None = None
    findings: list[Finding] = field(default_factory=list)
    problems: list[RecordIssue] = field(default_factory=list)
    #: files that had AI-written lines inside zone regions' line ranges (or live ranges)
    files_with_ai: int = 0
    #: files classified (touched by AI commits or with live ranges)
    files_classified: int = 0
    #: remarks for the reader (not a git repository, shallow clone, ...)
    notes: list[str] = field(default_factory=list)
    #: why history could not be read completely (missing objects, blame failures, lines older
    #: than a shallow clone's history inside zones): the CLI exits 2 on these by default
    incomplete: list[str] = field(default_factory=list)
    #: AI-written regions in restricted zones that sign-offs or exceptions cleared
    cleared: int = 0
    #: packages AI-written lines added to manifests, and what is wrong with them (PR501-PR509)
    dependencies: list[DepFinding] = field(default_factory=list)


@dataclass
class _Candidate:
    rel: str
    data: bytes
    text: str
    zones: FileZones
    line_ranges: list[tuple[int, int]]
    live: list[AiSpan]
    spans: list[AiSpan] = field(default_factory=list)


def run_check(
    root: str | os.PathLike[str],
    *,
    since: str | None = None,
    config: EffectiveConfig,
    classifier_factory: ClassifierFactory | None = None,
    now: dt.datetime | None = None,
    paths: Sequence[str] | None = None,
    jobs: int | None = None,
    config_problems: Sequence[ConfigProblem] = (),
) -> CheckResult:
    """Evaluate the policy over a repository (see the module docstring).

    `paths`: limit to these files/directories (relative to `root`). `now`: the clock for
    exception expiry (UTC now by default). Raises `CheckError` for an unknown `since` revision.
    """
    root_path = Path(root).resolve()
    when = now or dt.datetime.now(dt.timezone.utc)
    result = CheckResult(root=str(root_path), since=since)
    history = GitHistory(root_path)

    # records (always, so a broken or expired record shows even without AI code)
    records = load_records(root_path, config, when)
    result.problems = [RecordIssue.of(root_path, p, None) for p in records.problems] + [
        RecordIssue.of(root_path, p, ex.zone) for ex, p in records.statuses
    ]
    # A refused attempt to weaken a central rule is itself a finding CI must surface.
    result.problems[:0] = [RecordIssue.of(root_path, p, None, "config") for p in config_problems
                           if p.code == codes.CONFIG_LOCKED]

    # candidates: files touched by AI commits, and files with live ranges
    tracked: set[str] | None = None
    touched: set[str] = set()
    try:
        repo = history.repo()
        if repo.head is None:
            if _has_any_commit(history):
                result.incomplete.append("HEAD does not resolve to a commit although the "
                                         "repository has commits (missing objects?)")
            else:
                result.notes.append("the repository has no commits yet: no history to check")
        else:
            if repo.shallow:
                result.notes.append(
                    "shallow clone: lines older than the fetched history are not attributed "
                    "(use `fetch-depth: 0`, or fetch at least to the --since revision)"
                )
            try:
                scan = history.scan(since)
            except UnknownRevision as exc:
                raise CheckError(f"--since {exc.reason}") from exc
            tracked = tracked_files(history)
            touched = follow_renames(history, scan.touched, tracked, since)
    except GitError as exc:
        if exc.reason in ("not a git repository", "git is not installed"):
            result.notes.append(f"{exc.reason}: git history not checked")
        else:
            result.incomplete.append(f"{exc.reason}: git history could not be read")

    store = RangeStore(root_path)
    live_paths = set(store.paths())
    candidates = sorted(
        p
        for p in touched | live_paths
        if in_paths(p, paths) and (tracked is None or p in tracked or p in live_paths)
    )

    classifier = (classifier_factory or default_classifier)(config)
    aliases = path_aliases(root_path)
    todo: list[_Candidate] = []
    for rel in candidates:
        try:
            data, _size = read_regular(root_path / rel, MAX_CHECK_BYTES)
        except OSError:  # deleted, a directory, a device, unreadable
            continue
        if len(data) > MAX_CHECK_BYTES:
            result.incomplete.append(f"{rel}: larger than {MAX_CHECK_BYTES >> 20} MB, not checked")
            continue
        zones = classifier.classify(rel, data, aliases=aliases.of(rel))
        result.files_classified += 1
        if not zones.regions and not (config.ai_tools.approved
                                      and config.ai_tools.unapproved > Level.ALLOW):
            continue
        text = data.decode("utf-8", "replace")
        line_count = text.count("\n") + (0 if text.endswith("\n") else 1)
        line_ranges = merge_line_ranges(zones, config, line_count)
        if not line_ranges:
            continue
        live: list[AiSpan] = []
        if rel in live_paths:
            live = to_spans(store.load(rel, text), text)
        todo.append(_Candidate(rel, data, text, zones, line_ranges, live))

    def blame(c: _Candidate) -> list[str]:
        if tracked is None or c.rel not in touched:
            return []
        res = history.ai_lines(c.rel, contents=c.data, since=since, line_ranges=c.line_ranges)
        c.spans = list(res.spans)
        if res.reason and res.reason not in _BENIGN_BLAME:
            result.incomplete.append(f"{c.rel}: {res.reason}")
            return []
        for note in res.notes:
            if note.startswith("shallow clone") and since is None:
                result.incomplete.append(f"{c.rel}: {note}")
        return [f"{c.rel}: {res.reason}"] if res.reason else list(res.notes)

    workers = jobs or min(4, os.cpu_count() or 1)
    if workers > 1 and len(todo) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            remarks = list(pool.map(blame, todo))
    else:
        remarks = [blame(c) for c in todo]
    for lines in remarks:
        for remark in lines:
            if not remark.startswith("shallow clone") and remark not in result.notes:
                result.notes.append(remark)

    for c in todo:
        spans = c.spans + c.live
        if not spans:
            continue
        result.files_with_ai += 1
        cleared: list[str] = []
        result.findings.extend(
            evaluate(
                c.rel, c.text, c.zones, spans, config, records.reviews, records.exceptions, when,
                cleared=cleared,
            )
        )
        result.cleared += len(cleared)
        if config.zone(DEPENDENCIES_ZONE) is not None and is_manifest(c.rel):
            result.dependencies.extend(_dependency_findings(root_path, history, c, spans, since,
                                                            config))
    result.findings.sort(key=lambda f: (f.path, f.start_line, f.severity != "error", f.zone))
    return result


def _base_text(history: GitHistory, rel: str, since: str | None, spans: list[AiSpan]) -> str | None:
    """The manifest before the AI-written changes: at `since`, else before the oldest AI commit
    that touched it (HEAD for uncommitted lines); None when it did not exist then."""
    commits = [s.commit for s in spans if s.commit]
    if since:
        base = since
    elif commits:
        order = run_git(["rev-list", "--topo-order", "--reverse", "HEAD", "--", rel],
                        history.root, timeout=history.timeout).decode().split()
        oldest = min(commits, key=lambda sha: order.index(sha) if sha in order else len(order))
        base = f"{oldest}^"
    else:
        base = "HEAD"
    try:
        return run_git(["show", f"{base}:{rel}"], history.root,
                       timeout=history.timeout).decode("utf-8", "replace")
    except GitError:
        return None


def _dependency_findings(root: Path, history: GitHistory, c: _Candidate, spans: list[AiSpan],
                         since: str | None, config: EffectiveConfig) -> list[DepFinding]:
    from pavedroad.deps.ai_change import check_ai_change, default_registry

    report = check_ai_change(root, c.rel, _base_text(history, c.rel, since, spans), c.text,
                             config, [(s.start_line, s.end_line) for s in spans],
                             registry=default_registry())
    return list(report.findings)


def _has_any_commit(history: GitHistory) -> bool:
    try:
        out = run_git(["rev-list", "-n", "1", "--all"], history.root, timeout=history.timeout)
    except GitError:
        return True  # cannot even list commits: treat as unreadable, not as empty
    return bool(out.strip())


def exit_code(result: CheckResult) -> int:
    """1 when a finding is at error level, an unreviewed `review` finding remains, or a record
    file has an error; otherwise 0."""
    if any(f.severity == "error" or f.code == codes.AI_REVIEW for f in result.findings):
        return 1
    if any(f.severity == "error" for f in result.dependencies):
        return 1
    if any(p.severity == "error" for p in result.problems):
        return 1
    return 0



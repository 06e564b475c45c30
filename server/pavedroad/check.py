"""`pavedroad check`: the headless policy check for CI and pre-commit.

It finds AI-written lines the fast way round: one ``git log`` over the history (or over
``REV..HEAD`` with ``--since REV``) finds the commits that carry AI attribution and the files
they touched; only those files (plus files with live ranges in the local store, when present)
are classified; only files with zone regions are blamed, and only on the lines of those regions
(``git blame -L``), blaming the file's current contents; on a linear range each file is blamed
through the commits that changed it only (``git blame -S``, see `GitHistory.scan`). Files that no
AI commit touched are never opened.

``--since REV`` reports AI-attributed lines whose last change is in a commit after REV
(``git blame ^REV`` semantics, the commits of ``REV..HEAD``: on a pull request, ``--since
origin/main`` covers exactly what the branch adds), plus uncommitted live ranges.

Outputs: ``render(result, "text" | "json" | "sarif")``; ``exit_code(result)`` is 1 when a finding
is at error level, an unreviewed `review` finding remains, or a record file has an error, else 0.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from pavedroad import __version__, codes
from pavedroad.analysis.model import FileZones
from pavedroad.config.discover import path_aliases
from pavedroad.config.model import ConfigProblem, EffectiveConfig, Level
from pavedroad.fileio import read_regular
from pavedroad.policy.records import load_records
from pavedroad.policy.verdicts import Finding, evaluate
from pavedroad.provenance.git_history import GitError, GitHistory, UnknownRevision, run_git
from pavedroad.provenance.ranges import AiSpan, to_spans
from pavedroad.provenance.store import RangeStore

FORMATS = ("text", "json", "sarif")
#: Files up to this size are read (to blame and hash them); the classifier parses up to its own
#: limit and fails closed above it. A larger file makes the check incomplete (exit 2).
MAX_CHECK_BYTES = 256 << 20
#: Blame outcomes that are not a failure to read history.
_BENIGN_BLAME = frozenset({"the file is not committed yet", "the file does not exist"})
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


class CheckError(Exception):
    """A usage problem (unknown revision, bad path): the CLI exits 2."""


class _Classifier(Protocol):
    def classify(self, rel_path: str, data: bytes, *, aliases: Sequence[str] = ()) -> FileZones: ...


ClassifierFactory = Callable[[EffectiveConfig], _Classifier]


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


# --------------------------------------------------------------------------------------------
# running


def _default_classifier(config: EffectiveConfig) -> _Classifier:
    from pavedroad.analysis.classify import Classifier

    return Classifier(config)


def _in_paths(rel: str, paths: Sequence[str] | None) -> bool:
    if not paths:
        return True
    for p in paths:
        p = p.strip("/")
        if p in ("", ".") or rel == p or rel.startswith(p + "/"):
            return True
    return False


def _z_split(out: bytes) -> list[str]:
    """NUL-separated git output (``-z``); log adds a newline after each commit's header."""
    return [
        p.lstrip("\n") for p in out.decode("utf-8", "surrogateescape").split("\0") if p.strip("\n")
    ]


def _tracked(history: GitHistory) -> set[str]:
    return set(
        _z_split(run_git(["ls-files", "-z", "--cached"], history.root, timeout=history.timeout))
    )


def _follow_renames(
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
    parts = _z_split(raw)
    i = 0
    while i + 2 < len(parts):
        if parts[i].startswith("R"):
            if parts[i + 1] in out:
                out.add(parts[i + 2])
            i += 3
        else:
            i += 1
    return out


def _merge_line_ranges(
    zones: FileZones, config: EffectiveConfig, line_count: int
) -> list[tuple[int, int]]:
    """Line ranges of regions whose zone is stricter than `allow`, merged, clipped to the file."""
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
            tracked = _tracked(history)
            touched = _follow_renames(history, scan.touched, tracked, since)
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
        if _in_paths(p, paths) and (tracked is None or p in tracked or p in live_paths)
    )

    classifier = (classifier_factory or _default_classifier)(config)
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
        if not zones.regions:
            continue
        text = data.decode("utf-8", "replace")
        line_count = text.count("\n") + (0 if text.endswith("\n") else 1)
        line_ranges = _merge_line_ranges(zones, config, line_count)
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
    result.findings.sort(key=lambda f: (f.path, f.start_line, f.severity != "error", f.zone))
    return result


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
    if any(p.severity == "error" for p in result.problems):
        return 1
    return 0


# --------------------------------------------------------------------------------------------
# rendering

#: code -> (rule name, short description, help text). Also the source of docs/ai-code.md.
RULES: dict[str, tuple[str, str, str]] = {
    codes.CONFIG_LOCKED: (
        "CentralRuleWeakened",
        "A repository's config tries to weaken a central rule",
        "The repository's zone config tries to lower, unlock, replace or loosen something a "
        "central map sets (a locked zone's level, scope or text, the exception cap or approvers, "
        "provenance thresholds, the tool or dependency allow lists). The change is refused and "
        "the central value stays in force, but the attempt fails the check: remove it from the "
        "config, or ask the security team to change the central map.",
    ),
    codes.AI_WARN: (
        "AiCodeInWarnZone",
        "AI-written code in an `ai: warn` zone",
        "AI-written code landed in a zone whose policy asks for extra care (`ai: warn`). "
        "Nothing blocks it; read the zone's rationale and have its reviewers look if unsure.",
    ),
    codes.AI_REVIEW: (
        "AiCodeNeedsReview",
        "AI-written code in an `ai: review` zone without a sign-off",
        "AI-written code landed in a zone that needs a review (`ai: review`). After one of the "
        "zone's reviewers has reviewed it, record a sign-off in .pavedroad/reviews.yaml "
        "(`pavedroad signoff PATH:LINE`, or the editor's 'Sign off' code action). The sign-off "
        "covers the region's normalized text: changing the code re-opens the review. Or request "
        "a time-limited exception (`pavedroad exception request PATH:LINE`).",
    ),
    codes.AI_DENY: (
        "AiCodeInDenyZone",
        "AI-written code in an `ai: deny` zone",
        "AI-written code landed in a zone where the policy does not allow it (`ai: deny`). "
        "Rewrite it without AI assistance or move it out of the zone; if that is not possible, "
        "request a time-limited exception (`pavedroad exception request PATH:LINE`), approved "
        "as the policy requires (`pavedroad exception approve`).",
    ),
    codes.RECORD_INVALID: (
        "RecordInvalid",
        "Malformed or draft entry in reviews.yaml / exceptions.yaml",
        "An entry of a decision record is malformed (missing or mistyped key, bad date or glob) "
        "or still a draft (placeholder reason/approver). The entry is skipped; other entries "
        "still apply. Fix the entry at the reported line.",
    ),
    codes.EXCEPTION_EXPIRED: (
        "ExceptionExpired",
        "Exception past its `expires` date",
        "The exception expired and no longer applies: the zone's level is back in force. Renew "
        "it with a new, approved entry, or remove it.",
    ),
    codes.EXCEPTION_REFUSED: (
        "ExceptionRefused",
        "Exception refused by the central policy",
        "The exception would relax a zone set by a central map without one of the listed "
        "approvers, or it lasts longer than the policy's maximum (or is dated in the future). "
        "It does not apply.",
    ),
}

_RULE_IDS = list(RULES)


def _rows(result: CheckResult) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "path": f.path,
            "start_line": f.start_line,
            "end_line": f.end_line,
            "zone": f.zone,
            "level": f.level,
            "code": f.code,
            "message": f.message,
            "provenance": f.provenance,
        }
        for f in result.findings
    ]
    rows += [
        {
            "path": p.path,
            "start_line": p.line,
            "end_line": p.line,
            "zone": p.zone,
            "level": None,
            "code": p.code,
            "message": p.message,
            "provenance": None,
        }
        for p in result.problems
    ]
    return rows


def render_json(result: CheckResult) -> str:
    """``{"findings": [{path, start_line, end_line, zone, level, code, message, provenance}]}``.

    Record problems (PR201-PR203) are rows too, located in the record file, with `level` and
    `provenance` null.
    """
    return json.dumps({"findings": _rows(result)}, indent=2, ensure_ascii=False) + "\n"


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def render_sarif(result: CheckResult) -> str:
    """SARIF 2.1.0 for GitHub code scanning (one run, rule per code, relative URIs)."""
    level_of = {"error": "error", "warning": "warning", "info": "note"}
    rules = [
        {
            "id": code,
            "name": name,
            "shortDescription": {"text": short},
            "fullDescription": {"text": help_text},
            "help": {"text": help_text, "markdown": help_text},
            "defaultConfiguration": {
                "level": "error"
                if code in (codes.AI_DENY, codes.EXCEPTION_REFUSED, codes.CONFIG_LOCKED)
                else "warning"
            },
            "properties": {"tags": ["security", "ai-code"]},
        }
        for code, (name, short, help_text) in RULES.items()
    ]
    results: list[dict[str, Any]] = []

    def location(path: str, start: int, end: int) -> dict[str, Any]:
        return {
            "physicalLocation": {
                "artifactLocation": {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": start, "endLine": end},
            }
        }

    for f in result.findings:
        results.append(
            {
                "ruleId": f.code,
                "ruleIndex": _RULE_IDS.index(f.code),
                "level": level_of[f.severity],
                "message": {"text": f.message},
                "locations": [location(f.path, f.start_line, f.end_line)],
                "partialFingerprints": {
                    "pavedroadFinding/v1": _fingerprint(
                        f.path, f.zone, f.code, str(f.data.get("lines_hash", ""))
                    )
                },
                "properties": {
                    "zone": f.zone,
                    "provenance": f.provenance,
                    "tool": f.tool,
                    "commit": f.commit,
                },
            }
        )
    for p in result.problems:
        results.append(
            {
                "ruleId": p.code,
                "ruleIndex": _RULE_IDS.index(p.code),
                "level": level_of.get(p.severity, "warning"),
                "message": {"text": p.message},
                "locations": [location(p.path, p.line, p.line)],
                "partialFingerprints": {
                    "pavedroadFinding/v1": _fingerprint(p.path, p.zone or "", p.code, p.message)
                },
            }
        )
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pavedroad",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(result.root).as_uri() + "/"}},
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_text(result: CheckResult) -> str:
    """A table: location, code, level, zone, provenance; the message below each row."""
    rows: list[tuple[str, ...]] = []
    for f in result.findings:
        where = f"{f.path}:{f.start_line}" + (
            f"-{f.end_line}" if f.end_line != f.start_line else ""
        )
        rows.append((where, f.code, f.severity, f.zone, f.provenance, f.message))
    for p in result.problems:
        rows.append((f"{p.path}:{p.line}", p.code, p.severity, p.zone or "-", p.source, p.message))
    out: list[str] = []
    if rows:
        headers = ("LOCATION", "CODE", "SEVERITY", "ZONE", "SOURCE")
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
        out.append("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
        for r in rows:
            out.append("  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True)).rstrip())
            out.append(f"    {r[5]}")
    errors = sum(1 for r in rows if r[2] == "error")
    warnings = len(rows) - errors
    scope = f" since {result.since}" if result.since else ""
    if rows:
        out.append("")
        out.append(
            f"{len(rows)} finding{'s' if len(rows) != 1 else ''} ({errors} error"
            f"{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}){scope}; "
            f"{result.files_with_ai} file{'s' if result.files_with_ai != 1 else ''} with AI-written "
            "code in zones."
        )
    elif result.cleared:
        out.append(
            f"No open findings{scope}: {result.cleared} AI-written region"
            f"{'s' if result.cleared != 1 else ''} in restricted zones "
            f"{'are' if result.cleared != 1 else 'is'} signed off or covered by an exception."
        )
    else:
        out.append(f"No AI-written code in restricted zones{scope}.")
    for note in result.notes:
        out.append(f"note: {note}")
    return "\n".join(out) + "\n"


def render(result: CheckResult, fmt: str) -> str:
    """Render as "text", "json" or "sarif"."""
    if fmt == "json":
        return render_json(result)
    if fmt == "sarif":
        return render_sarif(result)
    if fmt == "text":
        return render_text(result)
    raise CheckError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")

"""Running the check: which lines AI wrote in restricted zones, and the verdict on each (see the
package docstring)."""


from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pavedroad import codes
from pavedroad.check.candidates import ClassifierFactory
from pavedroad.check.gather import MAX_CHECK_BYTES, Candidate, gather
from pavedroad.config.model import ConfigProblem, EffectiveConfig
from pavedroad.deps.ai_change import is_manifest
from pavedroad.deps.check import ZONE_ID as DEPENDENCIES_ZONE
from pavedroad.deps.model import DepFinding
from pavedroad.policy.records import load_records
from pavedroad.policy.verdicts import Finding, evaluate
from pavedroad.provenance.git_history import GitError, GitHistory, UnknownRevision, run_git
from pavedroad.provenance.ranges import AiSpan

__all__ = ["MAX_CHECK_BYTES", "CheckError", "CheckResult", "RecordIssue", "exit_code", "run_check"]


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

    # records (always, so a broken or expired record shows even without AI code)
    records = load_records(root_path, config, when)
    result.problems = [RecordIssue.of(root_path, p, None) for p in records.problems] + [
        RecordIssue.of(root_path, p, ex.zone) for ex, p in records.statuses
    ]
    # A refused attempt to weaken a central rule is itself a finding CI must surface.
    result.problems[:0] = [RecordIssue.of(root_path, p, None, "config") for p in config_problems
                           if p.code == codes.CONFIG_LOCKED]

    try:
        gathered = gather(root_path, config, since=since, paths=paths,
                          classifier_factory=classifier_factory, jobs=jobs)
    except UnknownRevision as exc:
        raise CheckError(f"--since {exc.reason}") from exc
    result.notes += gathered.notes
    result.incomplete += gathered.incomplete
    result.files_classified = gathered.files_classified
    todo, history = gathered.candidates, gathered.history

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


def _dependency_findings(root: Path, history: GitHistory, c: Candidate, spans: list[AiSpan],
                         since: str | None, config: EffectiveConfig) -> list[DepFinding]:
    from pavedroad.deps.ai_change import check_ai_change, default_registry

    report = check_ai_change(root, c.rel, _base_text(history, c.rel, since, spans), c.text,
                             config, [(s.start_line, s.end_line) for s in spans],
                             registry=default_registry())
    return list(report.findings)


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



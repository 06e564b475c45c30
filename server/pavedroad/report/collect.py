"""Gather `RepoFacts` from one repository: git history, the decision records and the log.

The same route as `pavedroad check` (`pavedroad.check.gather`), so the report and CI agree line
for line and read a hostile repository the same bounded way:
1-2. the AI-touched files with zone regions, and their AI-written lines (`gather`);
3. every AI-written cluster in a non-`allow` zone is evaluated twice by the policy engine: without
   records (every cluster, with its sign-off hash) and with them (what is still open), which
   gives each cluster its status: reviewed, unreviewed, excepted, denied or warned;
4. one ``git log --no-walk`` gives the author time of every AI commit (the "landed" time);
5. records come with their dates and statuses, the log's good entries with theirs.

Nothing raises for an unusual repository: no history, a shallow clone, history that cannot be
read completely, an unreadable log or a damaged record file become `notes`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

from pavedroad.check.candidates import ClassifierFactory
from pavedroad.check.gather import Candidate, gather
from pavedroad.config.model import EffectiveConfig, Level
from pavedroad.policy.records import Records, exception_status, load_records
from pavedroad.policy.verdicts import Finding, evaluate
from pavedroad.provenance.git_history import GitError, GitHistory, UnknownRevision, run_git
from pavedroad.report.model import (
    DENIED,
    EXCEPTED,
    REVIEWED,
    UNREVIEWED,
    WARNED,
    AiCommit,
    AiLines,
    ExceptionRow,
    RepoFacts,
    ReviewRow,
    ZoneInfo,
)


class CollectError(Exception):
    """A usage problem (an unknown `since` revision): the CLI exits 2."""


def _iso(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat().replace("+00:00", "Z")


def author_times(history: GitHistory, shas: Sequence[str]) -> dict[str, str]:
    """Author time (ISO 8601 UTC) of each commit, with one ``git log --no-walk --stdin``."""
    if not shas:
        return {}
    out = run_git(
        ["log", "--no-walk=unsorted", "--stdin", "--format=%H %at"],
        history.root,
        input=("\n".join(sorted(set(shas))) + "\n").encode(),
        timeout=history.timeout,
    )
    times = {}
    for line in out.decode("ascii", "replace").splitlines():
        sha, _, ts = line.partition(" ")
        if ts.strip().isdigit():
            times[sha] = _iso(int(ts))
    return times


def _status_of(ex_problem_code: str | None, draft: bool) -> str:
    if draft:
        return "draft"
    return {None: "active", "PR202": "expired", "PR203": "refused"}.get(ex_problem_code, "no-effect")


def record_rows(
    records: Records, config: EffectiveConfig, now: dt.datetime
) -> tuple[list[ReviewRow], list[ExceptionRow]]:
    reviews = [ReviewRow(r.zone, r.path, r.hash, r.reviewer, r.date, r.policy, r.symbol)
               for r in records.reviews]  # fmt: skip
    exceptions = []
    for ex in records.exceptions:
        problem = exception_status(ex, config, now)
        exceptions.append(ExceptionRow(
            zone=ex.zone, paths=tuple(ex.paths), level=str(ex.level), approver=ex.approver,
            created=ex.created.isoformat(), expires=ex.expires.isoformat(),
            status=_status_of(problem.code if problem else None, ex.is_draft),
            code=problem.code if problem else None,
        ))  # fmt: skip
    return reviews, exceptions


def _rows_for_file(
    f: Candidate,
    config: EffectiveConfig,
    records: Records,
    now: dt.datetime,
    landed: dict[str, str],
) -> list[AiLines]:
    spans = f.spans + f.live
    if not spans:
        return []
    everything = evaluate(f.rel, f.text, f.zones, spans, config, (), (), now)
    still_open = evaluate(f.rel, f.text, f.zones, spans, config, records.reviews,
                          records.exceptions, now)  # fmt: skip
    open_by_key: dict[tuple[str, int, int], Finding] = {
        (x.zone, x.start_line, x.end_line): x for x in still_open
    }
    signed: dict[tuple[str, str, str], tuple[str, str]] = {}
    for r in records.reviews:
        key = (r.zone, r.path, r.hash)
        if key not in signed or r.date > signed[key][1]:
            signed[key] = (r.reviewer, r.date)
    rows: list[AiLines] = []
    for cluster in everything:
        zone = config.zone(cluster.zone)
        if zone is None:
            continue
        digest = str(cluster.data.get("region_hash", ""))
        current = open_by_key.get((cluster.zone, cluster.start_line, cluster.end_line))
        reviewer = signed_date = expires = None
        level = str(zone.ai)
        if current is None:
            sig = signed.get((zone.id, f.rel, digest))
            if zone.ai == Level.REVIEW and sig is not None:
                status, (reviewer, signed_date) = REVIEWED, sig
            else:
                status, level = EXCEPTED, "allow"
        else:
            level = current.level
            expires = current.data.get("exception_expires")
            if current.level == "deny":
                status = DENIED
            elif current.level == "review":
                status = UNREVIEWED
            else:
                status = EXCEPTED if expires else WARNED
        # split the cluster's lines by the commit (and tool) that wrote them
        parts: dict[tuple[str | None, str | None, str], int] = {}
        for s in spans:
            lo, hi = max(s.start_line, cluster.start_line), min(s.end_line, cluster.end_line)
            if lo <= hi:
                part = (s.commit, s.tool, str(s.source))
                parts[part] = parts.get(part, 0) + (hi - lo + 1)
        for (commit, tool, source), count in sorted(parts.items(), key=lambda kv: str(kv[0])):
            rows.append(AiLines(
                path=f.rel, zone=zone.id, zone_level=str(zone.ai), level=level,
                start_line=cluster.start_line, end_line=cluster.end_line, lines=count,
                status=status, region_hash=digest, tool=tool, commit=commit,
                provenance=source, landed=landed.get(commit) if commit else None,
                symbol=cluster.data.get("symbol"), reviewer=reviewer, signed=signed_date,
                exception_expires=expires, code=current.code if current else None,
            ))  # fmt: skip
    return rows


def collect(
    root: str | os.PathLike[str],
    config: EffectiveConfig,
    *,
    since: str | None = None,
    now: dt.datetime | None = None,
    classifier_factory: ClassifierFactory | None = None,
    paths: Sequence[str] | None = None,
    jobs: int | None = None,
    repo_id: str | None = None,
    with_log: bool = True,
) -> RepoFacts:
    """Facts of the repository at `root` (see the module docstring).

    `since`: only lines last changed after that revision (as ``check --since``). Raises
    `CollectError` for an unknown revision.
    """
    from pavedroad.audit.log import LogError, default_repo, read_events

    root_path = Path(root).resolve()
    when = now or dt.datetime.now(dt.timezone.utc)
    facts = RepoFacts(
        repo_id=repo_id or default_repo(str(root_path)),
        commit=None,
        collected_at=when.isoformat(timespec="seconds").replace("+00:00", "Z"),
        policy=config.digest,
        zones=[ZoneInfo(z.id, z.title or z.id, str(z.ai), tuple(z.reviewers)) for z in config.zones],
        approved_tools=tuple(config.ai_tools.approved),
        unapproved_level=str(config.ai_tools.unapproved),
    )
    records = load_records(root_path, config, when)
    if records.problems:
        facts.notes.append(f"{len(records.problems)} problem(s) in the record files (see `pavedroad check`)")
    facts.reviews, facts.exceptions = record_rows(records, config, when)

    try:
        gathered = gather(root_path, config, since=since, paths=paths,
                          classifier_factory=classifier_factory, jobs=jobs)
    except UnknownRevision as exc:
        raise CollectError(f"--since {exc.reason}") from exc
    facts.commit = gathered.head
    facts.notes += gathered.notes + gathered.incomplete
    todo, scan, history = gathered.candidates, gathered.scan, gathered.history

    ai_shas = {s.commit for f in todo for s in f.spans if s.commit}
    if scan is not None:
        ai_shas |= set(scan.ai)
    try:
        landed = author_times(history, sorted(ai_shas)) if ai_shas else {}
    except GitError as exc:
        landed = {}
        facts.notes.append(f"commit times not read: {exc.reason}")
    for f in todo:
        facts.lines += _rows_for_file(f, config, records, when, landed)
    if scan is not None:
        for sha, info in scan.ai.items():
            tools = {info.tool} if info.tool else {t for ranges in info.note.values()
                                                   for _, _, t in ranges}  # fmt: skip
            for tool in sorted(t or "unknown" for t in tools) or ["unknown"]:
                if sha in landed:
                    facts.commits.append(AiCommit(sha, tool, landed[sha]))
    if with_log:
        try:
            facts.events = [e.to_json() for e in read_events(root_path)]
        except LogError as exc:
            facts.notes.append(f"decision log not read: {exc}")
    return facts

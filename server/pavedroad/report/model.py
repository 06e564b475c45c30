"""The report's data: facts gathered from one repository, and the aggregated report.

Two layers, so the local report and the org-wide store render the same page:

* `RepoFacts` is what is true of one repository at one commit: every AI-written line cluster in a
  restricted zone (`AiLines`, one row per cluster and commit), the sign-offs and exceptions, the
  AI commits with their tools and times, and the decision-log events. `collect` gathers it from
  git, the records and the log; the store saves and loads exactly this.
* `RepoReport` / `ReportData` are computed from facts for a time window by `aggregate`: the
  weekly series, the risk and delay figures, prompts, tools. Renderers only read these.

Nothing here holds code or prompt text: paths, zones, line numbers, hashes, names and counts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

#: statuses of AI-written lines in a zone
REVIEWED, UNREVIEWED, EXCEPTED, DENIED, WARNED = "reviewed", "unreviewed", "excepted", "denied", "warned"
STATUSES = (REVIEWED, UNREVIEWED, EXCEPTED, DENIED, WARNED)
#: what counts as risk: AI lines that need a sign-off and lack one, or are not allowed at all
OPEN_STATUSES = (UNREVIEWED, DENIED)


@dataclass(frozen=True)
class AiLines:
    """AI-written lines of one commit (or uncommitted edit) inside one finding cluster.

    `start_line`/`end_line` delimit the cluster (as a `check` finding would); `lines` is how many
    of its lines this commit wrote; `landed` is the commit's author time (ISO 8601 UTC), None for
    an uncommitted edit. `status` is the cluster's state under the records: reviewed (a matching
    sign-off), unreviewed (an `ai: review` zone without one), excepted (an exception relaxed the
    level), denied (an `ai: deny` zone), warned (an `ai: warn` zone: advice only).
    """

    path: str
    zone: str
    zone_level: str
    level: str
    start_line: int
    end_line: int
    lines: int
    status: str
    region_hash: str
    tool: str | None = None
    commit: str | None = None
    provenance: str = "history"
    landed: str | None = None
    symbol: str | None = None
    reviewer: str | None = None
    signed: str | None = None
    exception_expires: str | None = None
    code: str | None = None

    @property
    def cluster(self) -> tuple[str, str, int, int]:
        return (self.path, self.zone, self.start_line, self.end_line)

    @property
    def fingerprint(self) -> str:
        """Natural key of the row within one publish."""
        parts = (self.path, self.zone, self.region_hash, str(self.start_line),
                 str(self.end_line), self.commit or "", self.tool or "", self.provenance)  # fmt: skip
        return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class ReviewRow:
    zone: str
    path: str
    hash: str
    reviewer: str
    date: str
    policy: str = ""
    symbol: str | None = None


@dataclass(frozen=True)
class ExceptionRow:
    """An exception with its status as of collection: active, draft, expired, refused or
    no-effect (names no zone, or does not relax it)."""

    zone: str
    paths: tuple[str, ...]
    level: str
    approver: str
    created: str
    expires: str
    status: str
    code: str | None = None


@dataclass(frozen=True)
class AiCommit:
    sha: str
    tool: str
    authored: str  # ISO 8601 UTC


@dataclass(frozen=True)
class ZoneInfo:
    id: str
    title: str
    ai: str
    reviewers: tuple[str, ...] = ()


@dataclass
class RepoFacts:
    repo_id: str
    commit: str | None
    collected_at: str
    policy: str
    zones: list[ZoneInfo] = field(default_factory=list)
    approved_tools: tuple[str, ...] = ()
    unapproved_level: str = "allow"
    lines: list[AiLines] = field(default_factory=list)
    reviews: list[ReviewRow] = field(default_factory=list)
    exceptions: list[ExceptionRow] = field(default_factory=list)
    commits: list[AiCommit] = field(default_factory=list)
    #: decision-log entries as dicts (`LoggedEvent.to_json()`)
    events: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# the aggregated report


@dataclass(frozen=True)
class Window:
    """Inclusive UTC dates."""

    since: dt.date
    until: dt.date

    def contains(self, when: dt.datetime | dt.date) -> bool:
        day = when.astimezone(dt.timezone.utc).date() if isinstance(when, dt.datetime) else when
        return self.since <= day <= self.until

    def weeks(self) -> list[dt.date]:
        """Mondays of the weeks the window touches."""
        first = self.since - dt.timedelta(days=self.since.weekday())
        out = []
        while first <= self.until:
            out.append(first)
            first += dt.timedelta(days=7)
        return out


@dataclass(frozen=True)
class WeekPoint:
    week: str  # Monday, ISO date
    reviewed: int = 0
    unreviewed: int = 0  # unreviewed + denied
    excepted: int = 0
    warned: int = 0

    @property
    def total(self) -> int:
        return self.reviewed + self.unreviewed + self.excepted + self.warned


@dataclass(frozen=True)
class OpenRegion:
    """An unreviewed (or denied) AI-written cluster: the risk side, one row per cluster."""

    path: str
    zone: str
    level: str
    start_line: int
    end_line: int
    lines: int
    tools: tuple[str, ...]
    commits: tuple[str, ...]
    landed: str | None  # latest AI change
    age_days: float | None
    symbol: str | None = None


@dataclass(frozen=True)
class ZoneReport:
    zone: str
    title: str
    level: str
    weekly: tuple[WeekPoint, ...]
    #: AI lines landed in the window, by status
    in_window: dict[str, int]
    #: reviewed / (reviewed + unreviewed) over the window's lines in `review` zones; None: none
    share_reviewed: float | None
    #: AI lines needing action now (unreviewed + denied), whenever they landed
    open_lines: int
    #: AI lines present now, whenever they landed
    present_lines: int
    open_regions: tuple[OpenRegion, ...] = ()


@dataclass(frozen=True)
class Stats:
    """Durations in hours."""

    count: int = 0
    median: float | None = None
    p90: float | None = None
    buckets: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ExceptionReport:
    zone: str
    paths: tuple[str, ...]
    level: str
    approver: str
    created: str
    expires: str
    status: str
    days_left: int | None
    expiring: bool


@dataclass(frozen=True)
class ToolReport:
    tool: str
    commits: int  # AI commits in the window (all files)
    lines: int  # AI lines present in restricted zones
    window_lines: int  # of which landed in the window
    landed_events: int  # ai_code_landed events from editors/hooks in the window
    approved: bool | None  # None: no approved list configured


@dataclass(frozen=True)
class RuleCount:
    rule: str
    blocked: int = 0
    warned: int = 0


@dataclass(frozen=True)
class RepoReport:
    repo_id: str
    commit: str | None
    policy: str
    collected_at: str
    zones: tuple[ZoneReport, ...]
    open_regions: tuple[OpenRegion, ...]
    signoff_delay: Stats
    waiting: Stats
    exception_lead: Stats
    exceptions: tuple[ExceptionReport, ...]
    prompt_rules: tuple[RuleCount, ...]
    hook_denials: tuple[tuple[str, int], ...]
    weaken_attempts: int
    policy_changes: tuple[tuple[str, str], ...]  # (ts, digest)
    tools: tuple[ToolReport, ...]
    events_by_kind: tuple[tuple[str, int], ...]
    totals: dict[str, Any]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportData:
    generated_at: str
    since: str
    until: str
    repos: tuple[RepoReport, ...]
    #: True when built from an org-wide store (several repositories)
    org: bool = False
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

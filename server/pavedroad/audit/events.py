"""Decision-log events: what may be recorded, and nothing else.

An `Event` is a kind plus a small `data` mapping whose keys and value shapes are fixed per kind
(`SCHEMAS`). There is no free-text field anywhere: values are zone ids, relative paths, rule ids,
tool names, counts, dates and hashes, each checked against a bounded pattern. That is what keeps
prompt text, code and secrets out of the log by construction:

* a prompt event carries the rule ids and a *keyed* hash of each matched value (`value_hash`),
  never the value, its masked form or the prompt;
* an exception event carries zone, globs, level, dates and approver, never the `reason` text;
* `append_event` additionally runs the prompt engine's secret detectors over every string it is
  about to write and refuses the event if one fires (belt and braces for paths and names).

Constructors (`ai_code_landed`, `signoff`, `exception_event`, `prompt_event`, `hook_denied`,
`weaken_attempt`, `policy_change`) build valid events; `validate` checks any event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

AI_CODE_LANDED = "ai_code_landed"
SIGNOFF = "signoff"
EXCEPTION_REQUESTED = "exception_requested"
EXCEPTION_APPROVED = "exception_approved"
EXCEPTION_EXPIRED = "exception_expired"
EXCEPTION_REFUSED = "exception_refused"
PROMPT_WARNED = "prompt_warned"
PROMPT_BLOCKED = "prompt_blocked"
HOOK_DENIED = "hook_denied"
WEAKEN_ATTEMPT = "weaken_attempt"
POLICY_CHANGE = "policy_change"
#: written by the log itself when it finds a damaged tail; never by callers
CHAIN_BREAK = "chain_break"

EXCEPTION_KINDS = (EXCEPTION_REQUESTED, EXCEPTION_APPROVED, EXCEPTION_EXPIRED, EXCEPTION_REFUSED)
PROMPT_KINDS = (PROMPT_WARNED, PROMPT_BLOCKED)
SOURCES = ("editor", "hook", "ci", "cli")
LEVELS = ("allow", "warn", "review", "deny")
MAX_LIST = 256


class EventError(ValueError):
    """An event that may not be written (unknown kind, unknown key, a value of the wrong shape)."""


# --------------------------------------------------------------------------------------------
# value checks: each returns the normalized value or raises EventError

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@/+ ()\[\]#~-]{0,127}")
_RULE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}")
_HEX64_RE = re.compile(r"[0-9a-f]{64}")
_SHA_RE = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")

Check = Callable[[str, Any], Any]


def _name(key: str, v: Any) -> str:
    if not isinstance(v, str) or not _NAME_RE.fullmatch(v):
        raise EventError(f"{key!r} must be a short name (letters, digits, ._:@/+-), not {v!r}"[:200])
    return v


def _rule(key: str, v: Any) -> str:
    if not isinstance(v, str) or not _RULE_RE.fullmatch(v):
        raise EventError(f"{key!r} must be a rule id, not {v!r}"[:200])
    return v


def _path(key: str, v: Any) -> str:
    if (
        not isinstance(v, str)
        or not v
        or len(v) > 1024
        or _CONTROL_RE.search(v)
        or v.startswith("/")
        or "\\" in v
    ):
        raise EventError(f"{key!r} must be a relative path with forward slashes, not {v!r}"[:200])
    return v


def _label(key: str, v: Any) -> str:
    if not isinstance(v, str) or not v or len(v) > 512 or _CONTROL_RE.search(v):
        raise EventError(f"{key!r} must be a one-line label")
    return v


def _hex64(key: str, v: Any) -> str:
    if not isinstance(v, str) or not _HEX64_RE.fullmatch(v):
        raise EventError(f"{key!r} must be 64 lowercase hex digits (a sha256)")
    return v


def _sha(key: str, v: Any) -> str:
    if not isinstance(v, str) or not _SHA_RE.fullmatch(v):
        raise EventError(f"{key!r} must be a full commit id (40 or 64 hex digits)")
    return v


def _count(key: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 10**9:
        raise EventError(f"{key!r} must be a non-negative integer")
    return v


def _date(key: str, v: Any) -> str:
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        v = v.isoformat()
    if not isinstance(v, str) or not _DATE_RE.fullmatch(v):
        raise EventError(f"{key!r} must be a date YYYY-MM-DD")
    return v


def _one_of(*allowed: str) -> Check:
    def check(key: str, v: Any) -> str:
        if str(v) not in allowed:
            raise EventError(f"{key!r} must be one of {', '.join(allowed)}, not {v!r}"[:200])
        return str(v)

    return check


def _list(item: Check) -> Check:
    def check(key: str, v: Any) -> list[Any]:
        if isinstance(v, (str, bytes)) or not isinstance(v, Iterable):
            raise EventError(f"{key!r} must be a list")
        out = [item(key, x) for x in v]
        if len(out) > MAX_LIST:
            raise EventError(f"{key!r} has more than {MAX_LIST} items")
        return out

    return check


_level = _one_of(*LEVELS)
_source = _one_of(*SOURCES)

#: kind -> {key: (check, required)}
SCHEMAS: dict[str, dict[str, tuple[Check, bool]]] = {
    AI_CODE_LANDED: {
        "source": (_source, True),
        "zone": (_name, True),
        "path": (_path, True),
        "lines": (_count, True),
        "start_line": (_count, False),
        "end_line": (_count, False),
        "level": (_level, False),
        "tool": (_name, False),
        "model": (_name, False),
        "session": (_name, False),
        "commit": (_sha, False),
    },
    SIGNOFF: {
        "zone": (_name, True),
        "path": (_path, True),
        "hash": (_hex64, True),
        "reviewer": (_name, True),
        "symbol": (_name, False),
        "date": (_date, False),
        "source": (_source, False),
    },
    **{
        kind: {
            "zone": (_name, True),
            "paths": (_list(_path), True),
            "level": (_level, False),
            "approver": (_name, False),
            "created": (_date, False),
            "expires": (_date, False),
            "code": (_rule, False),
            "source": (_source, False),
        }
        for kind in EXCEPTION_KINDS
    },
    **{
        kind: {
            "source": (_source, True),
            "rules": (_list(_rule), True),
            "value_hashes": (_list(_hex64), True),
            "findings": (_count, False),
            "tool": (_name, False),
            "session": (_name, False),
            "path": (_path, False),
        }
        for kind in PROMPT_KINDS
    },
    HOOK_DENIED: {
        "tool": (_name, True),
        "hook_event": (_name, True),
        "reason": (_rule, True),
        "path": (_path, False),
        "zone": (_name, False),
        "session": (_name, False),
    },
    WEAKEN_ATTEMPT: {
        "zone": (_name, False),
        "file": (_path, True),
        "line": (_count, False),
        "key": (_name, False),
        "code": (_rule, False),
    },
    POLICY_CHANGE: {
        "digest": (_hex64, True),
        "previous": (_hex64, False),
        "central": (_list(_hex64), False),
        "layers": (_list(_label), False),
    },
    CHAIN_BREAK: {
        "reason": (_rule, True),
        "after_seq": (_count, False),
        "bad_lines": (_count, False),
        "missing_from": (_count, False),
        "missing_to": (_count, False),
    },
}
KINDS = tuple(SCHEMAS)


@dataclass(frozen=True)
class Event:
    """One decision. `actor`, `ts` (ISO 8601 UTC), `repo` and `policy` (the policy digest) are
    filled in by `append_event` when left empty."""

    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)
    actor: str | None = None
    ts: str | None = None
    repo: str | None = None
    policy: str | None = None


def validate(event: Event, *, internal: bool = False) -> Event:
    """The event with normalized data; raises `EventError` when it may not be written.

    `internal` allows the log's own kinds (`chain_break`)."""
    schema = SCHEMAS.get(event.kind)
    if schema is None or (event.kind == CHAIN_BREAK and not internal):
        raise EventError(f"unknown event kind {event.kind!r} (expected one of {', '.join(KINDS[:-1])})")
    if not isinstance(event.data, Mapping):
        raise EventError("event data must be a mapping")
    data: dict[str, Any] = {}
    for key, value in event.data.items():
        spec = schema.get(key)
        if spec is None:
            raise EventError(f"{event.kind}: unknown key {key!r} (free text is never logged)"[:200])
        if value is None:
            continue
        data[key] = spec[0](key, value)
    missing = [k for k, (_, required) in schema.items() if required and k not in data]
    if missing:
        raise EventError(f"{event.kind}: missing {', '.join(missing)}")
    if event.actor is not None:
        _name("actor", event.actor)
    if event.repo is not None:
        _name("repo", event.repo)
    if event.policy:
        _hex64("policy", event.policy)
    if event.ts is not None:
        parse_ts(event.ts)
    return Event(event.kind, data, event.actor, event.ts, event.repo, event.policy or None)


def parse_ts(ts: str) -> dt.datetime:
    """An event timestamp (ISO 8601, `Z` allowed) as an aware UTC datetime."""
    try:
        when = dt.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except (ValueError, AttributeError) as exc:
        raise EventError(f"bad timestamp {ts!r}"[:100]) from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)


def format_ts(when: dt.datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


# --------------------------------------------------------------------------------------------
# constructors


def _clean(**kw: Any) -> dict[str, Any]:
    return {k: v for k, v in kw.items() if v is not None}


def ai_code_landed(
    *,
    source: str,
    zone: str,
    path: str,
    lines: int,
    start_line: int | None = None,
    end_line: int | None = None,
    level: str | None = None,
    tool: str | None = None,
    model: str | None = None,
    session: str | None = None,
    commit: str | None = None,
    policy: str | None = None,
) -> Event:
    """AI-written code landed in a zone (`source`: editor, hook or ci)."""
    data = _clean(
        source=source, zone=zone, path=path, lines=lines, start_line=start_line,
        end_line=end_line, level=level, tool=tool, model=model, session=session, commit=commit,
    )  # fmt: skip
    return validate(Event(AI_CODE_LANDED, data, policy=policy))


def signoff(
    *,
    zone: str,
    path: str,
    hash: str,
    reviewer: str,
    symbol: str | None = None,
    date: str | None = None,
    source: str | None = None,
    policy: str | None = None,
) -> Event:
    """A sign-off was recorded (the same fields as the reviews.yaml entry)."""
    data = _clean(zone=zone, path=path, hash=hash, reviewer=reviewer, symbol=symbol, date=date,
                  source=source)  # fmt: skip
    return validate(Event(SIGNOFF, data, policy=policy))


def signoff_from_review(review: Any, *, source: str | None = None) -> Event:
    """A `signoff` event from a `pavedroad.policy.records.Review`."""
    return signoff(
        zone=review.zone, path=review.path, hash=review.hash, reviewer=review.reviewer,
        symbol=review.symbol, date=review.date, source=source, policy=review.policy or None,
    )  # fmt: skip


def exception_event(
    kind: str, record: Any, *, code: str | None = None, source: str | None = None,
    policy: str | None = None,
) -> Event:
    """An exception event (`kind` one of `EXCEPTION_KINDS`) from an `ExceptionRecord`. Its
    `reason` is not logged (free text); the committed exceptions.yaml keeps it."""
    if kind not in EXCEPTION_KINDS:
        raise EventError(f"not an exception event kind: {kind!r}")
    approver = record.approver if record.approver and not record.approver.startswith("<") else None
    data = _clean(
        zone=record.zone, paths=list(record.paths), level=str(record.level), approver=approver,
        created=record.created, expires=record.expires, code=code, source=source,
    )  # fmt: skip
    return validate(Event(kind, data, policy=policy))


def prompt_event(
    text: str,
    findings: Sequence[Any],
    *,
    key: bytes,
    blocked: bool,
    source: str,
    tool: str | None = None,
    session: str | None = None,
    path: str | None = None,
    policy: str | None = None,
) -> Event:
    """A prompt warned/blocked, from the checked `text` and its `PromptFinding`s.

    Only the rule ids and a keyed hash of each matched value (`value_hash(key, value)`, key from
    `pavedroad.audit.log_key(root)`) are kept; `text` is read here and nowhere stored.
    """
    from pavedroad.audit.keys import value_hash

    rules = sorted({f.rule for f in findings})
    hashes = sorted(
        {value_hash(key, text[f.start : f.end]) for f in findings if f.end > f.start}
    )[:MAX_LIST]
    data = _clean(source=source, rules=rules[:MAX_LIST], value_hashes=hashes,
                  findings=len(findings), tool=tool, session=session, path=path)  # fmt: skip
    return validate(Event(PROMPT_BLOCKED if blocked else PROMPT_WARNED, data, policy=policy))


def hook_denied(
    *,
    tool: str,
    hook_event: str,
    reason: str,
    path: str | None = None,
    zone: str | None = None,
    session: str | None = None,
    policy: str | None = None,
) -> Event:
    """An agent hook denied an action; `reason` is a rule-like id (e.g. `sensitive`, `zone-deny`)."""
    data = _clean(tool=tool, hook_event=hook_event, reason=reason, path=path, zone=zone,
                  session=session)  # fmt: skip
    return validate(Event(HOOK_DENIED, data, policy=policy))


def weaken_attempt(
    *,
    file: str,
    line: int | None = None,
    zone: str | None = None,
    key: str | None = None,
    code: str | None = "PR005",
    policy: str | None = None,
) -> Event:
    """A repo config tried to weaken a locked central zone (PR005)."""
    data = _clean(file=file, line=line, zone=zone, key=key, code=code)
    return validate(Event(WEAKEN_ATTEMPT, data, policy=policy))


def policy_change(
    *,
    digest: str,
    previous: str | None = None,
    central: Sequence[str] | None = None,
    layers: Sequence[str] | None = None,
) -> Event:
    """The effective policy changed (`central`: digests of the central maps in force)."""
    data = _clean(digest=digest, previous=previous,
                  central=list(central) if central is not None else None,
                  layers=list(layers) if layers is not None else None)  # fmt: skip
    return validate(Event(POLICY_CHANGE, data, policy=digest))

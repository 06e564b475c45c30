"""Decisions from the command line: `pavedroad signoff` and `pavedroad exception request|approve`.

They write the same records as the editor's code actions (`policy.records`: same hashes, same
locking, appends that keep existing entries byte for byte) and log each decision. What can be
signed off is what `check` reports now: the open PR102 findings of the file, so a sign-off always
covers exactly the code a reviewer can see, and changing it re-opens the review.

    pavedroad signoff src/auth/session.py:5          the finding at line 5
    pavedroad signoff src/auth/session.py:verify     the findings in symbol `verify`
    pavedroad exception request src/pay/x.py:12 --reason "..." [--level review] [--days 30]
    pavedroad exception approve .pavedroad/exceptions.yaml:14 [--approver @acme/sec-leads]

An approval fills in the draft's `approver` (and `reason` if given) in place; for a zone a central
map locks, the approver must be one of its `exception_approvers`. The command cannot tell who is
typing: the change to exceptions.yaml is what a pull request reviews (route the file to the
approvers with CODEOWNERS, which `pavedroad sync` writes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pavedroad import codes
from pavedroad.cli_common import (
    EXIT_OK,
    EXIT_USAGE,
    Loaded,
    add_config_args,
    existing_path,
    load_for,
)
from pavedroad.config.model import Level
from pavedroad.shown import shown


def add_parser(subparsers: Any) -> None:
    signoff = subparsers.add_parser("signoff", help="sign off reviewed AI-written code in a "
                                                    "`review` zone (PATH[:LINE|:SYMBOL])")
    signoff.add_argument("target", help="PATH, PATH:LINE or PATH:SYMBOL")
    signoff.add_argument("--zone", help="only this zone's findings")
    signoff.add_argument("--reviewer", help="who reviewed (default: git config user.email)")
    signoff.add_argument("--format", choices=["text", "json"], default="text")
    add_config_args(signoff)
    signoff.set_defaults(handler=run_signoff)

    exception = subparsers.add_parser("exception", help="request or approve a time-limited "
                                                        "exception to a zone's AI policy")
    actions = exception.add_subparsers(dest="exception_command", required=True)
    request = actions.add_parser("request", help="append a draft exception for the finding at "
                                                 "PATH[:LINE|:SYMBOL]")
    request.add_argument("target")
    request.add_argument("--zone")
    request.add_argument("--level", choices=["allow", "warn", "review"],
                         help="what the zone relaxes to (default: one step below its level)")
    request.add_argument("--days", type=int, help="lifetime (default and cap: the policy's)")
    request.add_argument("--reason", help="why, and the plan to remove it")
    request.add_argument("--format", choices=["text", "json"], default="text")
    add_config_args(request)
    request.set_defaults(handler=run_request)
    approve = actions.add_parser("approve", help="approve the draft exception at "
                                                 ".pavedroad/exceptions.yaml:LINE")
    approve.add_argument("target", help="EXCEPTIONS_FILE:LINE (the entry's first line)")
    approve.add_argument("--approver", help="who approves (default: git config user.email)")
    approve.add_argument("--reason", help="fill in the reason too")
    approve.add_argument("--format", choices=["text", "json"], default="text")
    add_config_args(approve)
    approve.set_defaults(handler=run_approve)


@dataclass(frozen=True)
class Target:
    path: Path
    line: int | None
    symbol: str | None


def parse_target(raw: str) -> Target | None:
    """`PATH`, `PATH:LINE` or `PATH:SYMBOL` (a path that exists as given wins)."""
    if Path(raw).exists():
        return Target(Path(raw), None, None)
    head, sep, tail = raw.rpartition(":")
    if not sep or not head or not Path(head).exists():
        return None
    if tail.isdigit():
        return Target(Path(head), int(tail), None)
    return Target(Path(head), None, tail)


def _fail(message: str) -> int:
    print(f"pavedroad: error: {shown(message)}", file=sys.stderr)
    return EXIT_USAGE


def _emit(args: argparse.Namespace, rows: list[dict[str, Any]], text: list[str]) -> int:
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:  # paths and approvers come from the repository (an exceptions file under review)
        print("\n".join(shown(line) for line in text))
    return EXIT_OK


def _findings(loaded: Loaded, target: Target, zone: str | None, code: str | None) -> list[Any]:
    from pavedroad import check

    rel = target.path.resolve().relative_to(loaded.root).as_posix()
    result = check.run_check(loaded.root, config=loaded.config, paths=[rel])
    out = []
    for f in result.findings:
        if f.path != rel or (zone and f.zone != zone) or (code and f.code != code):
            continue
        data = f.data
        if target.line is not None and not (
                data.get("region_start_line", f.start_line) <= target.line
                <= data.get("region_end_line", f.end_line)):
            continue
        if target.symbol is not None and data.get("symbol") != target.symbol and not str(
                data.get("symbol") or "").endswith("." + target.symbol):
            continue
        out.append(f)
    return out


def _log(root: Path, event_builder: Any) -> None:
    try:
        from pavedroad import audit

        audit.append_event(root, event_builder(audit))
    except Exception:  # the log never blocks a decision
        pass


def run_signoff(args: argparse.Namespace) -> int:
    from pavedroad.policy.records import RecordWriteError, append_review, build_review

    target = parse_target(args.target)
    if target is None:
        return _fail(f"no such file: {args.target} (write PATH, PATH:LINE or PATH:SYMBOL)")
    loaded = load_for(target.path.resolve(), args)
    if loaded is None:
        return EXIT_USAGE
    found = _findings(loaded, target, args.zone, codes.AI_REVIEW)
    if not found:
        return _fail(f"no unreviewed AI-written code in a `review` zone at {args.target}; "
                     f"`pavedroad check {target.path}` lists what needs a sign-off")
    rows, text = [], []
    for f in found:
        review = build_review(loaded.config, zone=f.zone, path=f.path,
                              region_hash=f.data["region_hash"], symbol=f.data.get("symbol"),
                              reviewer=args.reviewer)
        try:
            file, line = append_review(loaded.root, review)
        except RecordWriteError as exc:
            return _fail(str(exc))
        _log(loaded.root, lambda audit, r=review: audit.signoff_from_review(r, source="cli"))
        where = f"{f.path}:{f.start_line}-{f.end_line}"
        rows.append({"path": f.path, "start_line": f.start_line, "end_line": f.end_line,
                     "zone": f.zone, "symbol": f.data.get("symbol"), "hash": review.hash,
                     "reviewer": review.reviewer, "record": f"{file}:{line}"})
        text.append(f"signed off {where} (zone {f.zone}"
                    + (f", {f.data['symbol']}" if f.data.get("symbol") else "")
                    + f") as {review.reviewer}: {Path(file).name}:{line}")
    text.append("Commit .pavedroad/reviews.yaml with the code; changing the code re-opens it.")
    return _emit(args, rows, text)


def run_request(args: argparse.Namespace) -> int:
    from pavedroad.policy.records import (
        RecordWriteError,
        append_exception,
        build_exception,
    )

    target = parse_target(args.target)
    if target is None:
        return _fail(f"no such file: {args.target} (write PATH, PATH:LINE or PATH:SYMBOL)")
    loaded = load_for(target.path.resolve(), args)
    if loaded is None:
        return EXIT_USAGE
    found = [f for f in _findings(loaded, target, args.zone, None)
             if f.code in (codes.AI_REVIEW, codes.AI_DENY, codes.AI_WARN)]
    if not found and args.zone is None:
        return _fail(f"no AI-written code in a restricted zone at {args.target}; name the zone "
                     "with --zone to request an exception ahead of a change")
    zone = found[0].zone if found else args.zone
    rel = found[0].path if found else target.path.resolve().relative_to(loaded.root).as_posix()
    level = Level.parse(args.level) if args.level else None
    record = build_exception(loaded.config, zone=zone, paths=[rel], level=level, days=args.days)
    if args.reason:
        from dataclasses import replace

        record = replace(record, reason=args.reason.strip())
    try:
        file, line = append_exception(loaded.root, record)
    except RecordWriteError as exc:
        return _fail(str(exc))
    _log(loaded.root, lambda audit: audit.exception_event(audit.EXCEPTION_REQUESTED, record,
                                                          source="cli"))
    approvers = ", ".join(loaded.config.exceptions.approvers) or "the zone's approvers"
    return _emit(args, [{"zone": zone, "paths": [rel], "level": str(record.level),
                         "expires": record.expires.isoformat(), "record": f"{file}:{line}"}], [
        f"requested an exception for zone {zone} on {rel} (level {record.level} until "
        f"{record.expires.isoformat()}): {Path(file).name}:{line}",
        f"It applies once approved: `pavedroad exception approve .pavedroad/exceptions.yaml:{line}` "
        f"by {approvers}, in a reviewed pull request."])


def run_approve(args: argparse.Namespace) -> int:
    from pavedroad.policy.records import (
        EXCEPTIONS_FILE,
        RecordWriteError,
        current_reviewer,
        exception_status,
        is_placeholder,
        load_exceptions,
        replace_entry_fields,
    )

    head, _, tail = args.target.rpartition(":")
    if not tail.isdigit() or not head:
        return _fail("write the exception as FILE:LINE, e.g. .pavedroad/exceptions.yaml:14")
    path = existing_path(head)
    if path is None:
        return EXIT_USAGE
    loaded = load_for(path, args)
    if loaded is None:
        return EXIT_USAGE
    if path.resolve() != (loaded.root / EXCEPTIONS_FILE).resolve():
        return _fail(f"{head} is not this repository's {EXCEPTIONS_FILE}")
    line = int(tail)
    exceptions, _problems = load_exceptions(loaded.root)
    entry = next((e for e in exceptions if e.line == line), None)
    if entry is None:
        return _fail(f"no exception entry starts at line {line} of {EXCEPTIONS_FILE}")
    approver = (args.approver or current_reviewer(loaded.root)).strip()
    zone = loaded.config.zone(entry.zone)
    if zone is not None and zone.locked:
        allowed = {a.strip().lower() for a in loaded.config.exceptions.approvers}
        if approver.lower() not in allowed:
            who = ", ".join(loaded.config.exceptions.approvers) or "nobody (no approvers set)"
            return _fail(f"zone {entry.zone!r} is locked by a central map: only {who} may "
                         f"approve exceptions to it, not {approver!r}")
    reason = args.reason.strip() if args.reason else None
    if reason is None and is_placeholder(entry.reason):
        return _fail("the exception has no reason yet: pass --reason")
    try:
        replace_entry_fields(loaded.root, line, approver=approver, reason=reason)
    except RecordWriteError as exc:
        return _fail(str(exc))
    updated = next(e for e in load_exceptions(loaded.root)[0] if e.line == line)
    status = exception_status(updated, loaded.config, dt.datetime.now(dt.timezone.utc))
    if status is not None:
        return _fail(f"recorded, but the exception does not apply: {status.message}")
    _log(loaded.root, lambda audit: audit.exception_event(audit.EXCEPTION_APPROVED, updated,
                                                          source="cli"))
    return _emit(args, [{"zone": updated.zone, "paths": list(updated.paths),
                         "approver": approver, "expires": updated.expires.isoformat()}], [
        f"approved the exception for zone {updated.zone} on {', '.join(updated.paths)} until "
        f"{updated.expires.isoformat()} ({EXCEPTIONS_FILE}:{line}); commit it for review."])

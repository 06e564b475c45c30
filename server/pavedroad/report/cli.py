"""CLI modules for `pavedroad report`, `pavedroad publish` and `pavedroad attest`.

The lead registers them with ``add_parser(subparsers)`` (all three) or one at a time
(`add_report_parser`, `add_publish_parser`, `add_attest_parser`); each parser sets a ``handler``
default, called with the parsed arguments and returning the exit code: 0 done, 1 (attest
``--strict`` only) unreviewed regions remain, 2 usage, config or store error (messages on stderr).

    pavedroad report [PATH] [--output FILE] [--format html|json|csv] [--since DATE] [--until DATE]
                     [--days N] [--store URL [--repo ID]...] [--central MAP]...
    pavedroad publish [PATH] [--store URL] [--repo-id ID] [--format text|json] [--central MAP]...
    pavedroad attest [PATH] [--since REV] [--output FILE] [--repo-id ID] [--strict] [--central MAP]...
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from pavedroad.cli_common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    add_config_args,
    existing_path,
    load_for,
)
from pavedroad.config.model import EffectiveConfig


def _err(message: str) -> None:
    print(f"pavedroad: error: {message}", file=sys.stderr)


def _central(p: argparse.ArgumentParser) -> None:
    add_config_args(p)


def _load(raw_path: str, args: argparse.Namespace) -> tuple[Path, EffectiveConfig] | None:
    """Workspace root and config of PATH (central maps included); None (exit 2) after printing
    the problems."""
    path = existing_path(raw_path)
    if path is None:
        return None
    loaded = load_for(path, args)
    return None if loaded is None else (loaded.root, loaded.config)


def _write(text: str, output: str | None, what: str) -> int:
    if output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        _err(f"cannot write {output}: {exc.strerror}")
        return EXIT_USAGE
    print(f"pavedroad: wrote {what} to {output}", file=sys.stderr)
    return EXIT_OK


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from exc


# --------------------------------------------------------------------------------------------
# report


def add_report_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("report", help="where AI code went, what is unreviewed, what review costs (HTML/JSON/CSV)")
    p.add_argument("path", nargs="?", default=".", help="repository (ignored with --store)")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    p.add_argument("--format", choices=["html", "json", "csv"], default="html")
    p.add_argument("--since", type=_date, metavar="DATE", help="window start, YYYY-MM-DD (default: --days before --until)")
    p.add_argument("--until", type=_date, metavar="DATE", help="window end, YYYY-MM-DD (default: today, UTC)")
    p.add_argument("--days", type=int, default=84, help="window length when --since is not given (default 84)")
    p.add_argument("--store", metavar="URL", help="report across repositories from a store (postgresql://..., sqlite:///...)")
    p.add_argument("--repo", action="append", default=[], metavar="ID", help="with --store: only these repositories")
    _central(p)
    p.set_defaults(handler=run_report)
    return p


def run_report(args: argparse.Namespace, *, now: dt.datetime | None = None) -> int:
    from pavedroad.report import CollectError, collect, render, report_data
    from pavedroad.report.model import Window
    from pavedroad.report.store import StoreError, load, redact_url

    when = now or dt.datetime.now(dt.timezone.utc)
    until = args.until or when.date()
    if args.days < 1:
        _err("--days must be at least 1")
        return EXIT_USAGE
    since = args.since or until - dt.timedelta(days=args.days - 1)
    if since > until:
        _err(f"--since {since} is after --until {until}")
        return EXIT_USAGE
    window = Window(since, until)
    if args.store:
        try:
            facts = load(args.store, args.repo or None)
        except StoreError as exc:
            _err(str(exc))
            return EXIT_USAGE
        if args.repo and not facts:
            _err(f"no publish for {', '.join(args.repo)} in {redact_url(args.store)}")
            return EXIT_USAGE
        data = report_data(facts, window, now=when, org=True, source=redact_url(args.store))
    else:
        loaded = _load(args.path, args)
        if loaded is None:
            return EXIT_USAGE
        root, config = loaded
        try:
            data = report_data([collect(root, config, now=when)], window, now=when)
        except CollectError as exc:
            _err(str(exc))
            return EXIT_USAGE
    return _write(render(data, args.format), args.output, f"the {args.format} report")


# --------------------------------------------------------------------------------------------
# publish


def add_publish_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("publish", help="write this repository's findings, records and log events to a store (CI)")
    p.add_argument("path", nargs="?", default=".")
    p.add_argument("--store", metavar="URL",
                   help="postgresql://user:pass@host/db, or sqlite:///file (default: .pavedroad/.local/store.sqlite)")  # fmt: skip
    p.add_argument("--repo-id", metavar="ID", help="repository name in the store (default: origin remote, else directory)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    _central(p)
    p.set_defaults(handler=run_publish)
    return p


def run_publish(args: argparse.Namespace, *, now: dt.datetime | None = None) -> int:
    from pavedroad.report import CollectError, collect
    from pavedroad.report.store import StoreError, default_store, publish_facts

    loaded = _load(args.path, args)
    if loaded is None:
        return EXIT_USAGE
    root, config = loaded
    store_url = args.store or default_store(root)
    try:
        facts = collect(root, config, now=now, repo_id=args.repo_id)
        result = publish_facts(store_url, facts)
    except (CollectError, StoreError) as exc:
        _err(str(exc))
        return EXIT_USAGE
    if args.format == "json":
        print(json.dumps({"store": result.store, "repo": result.repo_id, "commit": result.commit,
                          "inserted": result.inserted, "tables": result.by_table}, indent=2))  # fmt: skip
    elif result.duplicate:
        print(f"nothing new: {result.repo_id} at {result.commit[:12]} is already in {result.store}")
    else:
        tables = ", ".join(f"{n} {t}" for t, n in result.by_table.items() if n)
        print(f"published {result.repo_id} at {result.commit[:12]} to {result.store}: {tables}")
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# attest


def add_attest_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("attest", help="in-toto Statement of AI code in restricted zones, for the release signer")
    p.add_argument("path", nargs="?", default=".")
    p.add_argument("--since", metavar="REV", help="only regions last changed after REV (e.g. the previous release tag)")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    p.add_argument("--repo-id", metavar="ID", help="subject name (default: origin remote, else directory)")
    p.add_argument("--strict", action="store_true", help="exit 1 when regions still need a review")
    _central(p)
    p.set_defaults(handler=run_attest)
    return p


def run_attest(args: argparse.Namespace, *, now: dt.datetime | None = None) -> int:
    from pavedroad.report.attest import AttestError, attest
    from pavedroad.report.collect import CollectError

    loaded = _load(args.path, args)
    if loaded is None:
        return EXIT_USAGE
    root, config = loaded
    try:
        statement = attest(root, args.since, config, now=now, repo_id=args.repo_id)
    except (AttestError, CollectError) as exc:
        _err(str(exc))
        return EXIT_USAGE
    code = _write(json.dumps(statement, indent=2) + "\n", args.output, "the in-toto statement")
    open_regions = statement["predicate"]["summary"]["unreviewed"]
    if code == EXIT_OK and args.strict and open_regions:
        print(f"pavedroad: {open_regions} AI-written region(s) in restricted zones need a review", file=sys.stderr)
        return EXIT_FINDINGS
    return code


def add_parser(subparsers: Any) -> None:
    """Register `report`, `publish` and `attest`."""
    add_report_parser(subparsers)
    add_publish_parser(subparsers)
    add_attest_parser(subparsers)

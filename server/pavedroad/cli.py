"""`pavedroad` command line: the language server, the zone map, the CI check and the prompt check.

Exit codes (all commands): 0 clean, 1 findings at error level, 2 usage or config error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pavedroad import __version__
from pavedroad.cli_common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    Loaded,
    add_config_args,
    existing_path,
    load_for,
    positive_int,
)

if TYPE_CHECKING:
    from pavedroad.analysis.classify import Classifier
    from pavedroad.analysis.model import FileZones


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"pavedroad: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pavedroad", description="Risk zones for AI-written code and prompts.")
    parser.add_argument("--version", action="version", version=f"pavedroad {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    lsp = sub.add_parser("lsp", help="start the language server on stdio")
    lsp.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    # vscode-languageclient and others append --stdio; stdio is the only transport anyway.
    lsp.add_argument("--stdio", action="store_true", help=argparse.SUPPRESS)

    zones = sub.add_parser("zones", help="print the zone map: per file its zones and regions")
    zones.add_argument("path", nargs="?", default=".")
    zones.add_argument("--format", choices=["text", "json"], default="text")
    zones.add_argument("--suggest", action="store_true",
                       help="instead of the map, list your own names that sound like auth, secrets, crypto "
                            "or payments code but are in no such zone, with the rules that would add them")
    zones.add_argument("--jobs", type=positive_int, default=None,
                       help="worker processes, at least 1 (default: up to 4)")
    add_config_args(zones)

    check = sub.add_parser("check", help="evaluate AI-written code against the zones (CI)")
    check.add_argument("path", nargs="?", default=".")
    check.add_argument("--since", metavar="REV", help="only lines changed since REV")
    check.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    check.add_argument(
        "--allow-incomplete-history",
        action="store_true",
        help="exit 0 even when git history or blame cannot be read (default: exit 2, since "
        "unread history could hide AI-written code)",
    )
    add_config_args(check)

    prompt = sub.add_parser("prompt", help="check prompt text for secrets, PII, internal hosts, sensitive files")
    prompt.add_argument("file", nargs="?", default="-", help="prompt file, or - for standard input")
    prompt.add_argument("--format", choices=["text", "json"], default="text")
    prompt.add_argument("--root", default=None, help="workspace root for file references (default: found from FILE or cwd)")
    add_config_args(prompt)

    from pavedroad.audit import cli as audit_cli
    from pavedroad.report import cli as report_cli

    audit_cli.add_parser(sub)
    report_cli.add_parser(sub)
    from pavedroad.hooks import cli as hooks_cli
    from pavedroad.hooks import install as install_cli

    hooks_cli.add_parser(sub)
    install_cli.add_parser(sub)
    from pavedroad import decisions
    from pavedroad.sync import cli as sync_cli

    decisions.add_parser(sub)
    sync_cli.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["hook"]:  # hooks run on every agent action: skip building the whole CLI
        from pavedroad.hooks.client import main as hook_main

        return hook_main(args[1:])
    if args[:1] == ["hookd"]:
        from pavedroad.hooks.daemon import main as daemon_main

        return daemon_main(args[1:])
    try:
        return _main(argv)
    except BrokenPipeError:
        # `pavedroad zones --format json | head`: the reader went away; that is not an error.
        _silence_stdout()
        return EXIT_OK


def _silence_stdout() -> None:
    import os

    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _main(argv: Sequence[str] | None = None) -> int:
    # File names that are not valid UTF-8 are printed as the bytes they are, never a crash.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]
    args = build_parser().parse_args(argv)
    if hasattr(args, "handler"):  # subcommands registered by their own modules
        code: int = args.handler(args)
        return code
    if args.command == "lsp":
        from pavedroad.lsp.app import run_stdio

        run_stdio(args.log_level)
        return EXIT_OK
    if args.command == "zones":
        return _zones(args)
    if args.command == "check":
        return _check(args)
    return _prompt(args)


def _target(args: argparse.Namespace) -> tuple[Path, Loaded] | None:
    """The PATH argument and the config in force under its root; None (exit 2) on an error."""
    path = existing_path(args.path)
    if path is None:
        return None
    loaded = load_for(path, args)
    return None if loaded is None else (path, loaded)


def _zones(args: argparse.Namespace) -> int:
    from pavedroad import zonemap
    from pavedroad.analysis.classify import Classifier
    from pavedroad.repoview import DiskRepo

    target = _target(args)
    if target is None:
        return EXIT_USAGE
    path, loaded = target
    root, config = loaded.root, loaded.config
    classifier = Classifier(config)
    if path.is_file():
        found = zonemap.classify_path(classifier, root, path.relative_to(root).as_posix(),
                                      repo=DiskRepo(root, classifier))
        files = [found] if found is not None and found.regions else []
    else:
        files = zonemap.scan(root, config, jobs=args.jobs, start=path)
    if args.suggest:
        return _suggest(args, root, path, files, classifier)
    if args.format == "json":
        print(json.dumps(zonemap.to_json(root, files), indent=2))
    else:
        under = path.relative_to(root).as_posix() if path.is_dir() and path != root else ""
        sys.stdout.write(zonemap.to_text(root, files, config, under))
    return EXIT_OK


def _suggest(
    args: argparse.Namespace, root: Path, path: Path, files: list[FileZones], classifier: Classifier
) -> int:
    from pavedroad import suggest, zonemap

    paths = [path.relative_to(root).as_posix()] if path.is_file() else zonemap.paths_under(root, path)
    found = suggest.collect(root, paths, files, classifier)
    if args.format == "json":
        print(json.dumps(suggest.to_json(root, found), indent=2))
    else:
        under = path.relative_to(root).as_posix() if path.is_dir() and path != root else ""
        sys.stdout.write(suggest.to_text(root, found, under, named=str(path)))
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from pavedroad import check

    target = _target(args)
    if target is None:
        return EXIT_USAGE
    path, loaded = target
    root = loaded.root
    paths = None if path == root else [path.relative_to(root).as_posix()]
    try:
        result = check.run_check(root, since=args.since, config=loaded.config, paths=paths,
                                 config_problems=loaded.problems)
    except check.CheckError as exc:
        print(f"pavedroad: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(check.render(result, args.format))
    if result.incomplete and not args.allow_incomplete_history:
        from pavedroad.shown import shown

        for reason in result.incomplete:  # names files of the repository
            print(f"pavedroad: error: {shown(reason)}", file=sys.stderr)
        print("pavedroad: error: git history could not be read completely, so AI-written code "
              "may be missed; exiting 2 (fix the clone, e.g. `fetch-depth: 0`, or pass "
              "--allow-incomplete-history to accept it)", file=sys.stderr)
        return EXIT_USAGE
    return check.exit_code(result)


def _prompt(args: argparse.Namespace) -> int:
    from pavedroad.analysis.classify import Classifier
    from pavedroad.promptcheck import check_workspace_prompt, prompt_directory, reference_bases
    from pavedroad.prompts import decode_prompt_bytes

    if args.file == "-":
        data, label, anchor = sys.stdin.buffer.read(), "<stdin>", Path.cwd()
    else:
        source = existing_path(args.file)
        if source is None or not source.is_file():
            if source is not None:
                print(f"pavedroad: error: not a file: {args.file}", file=sys.stderr)
            return EXIT_USAGE
        data, label, anchor = source.read_bytes(), args.file, source.parent
    if args.root is not None:
        anchor = Path(args.root)
    loaded = load_for(anchor, args)
    if loaded is None:
        return EXIT_USAGE
    root, config = loaded.root, loaded.config
    text = decode_prompt_bytes(data)
    bases = reference_bases(root, Path(args.file)) if args.file != "-" else []
    near = prompt_directory(root, Path(args.file)) if args.file != "-" else None
    report = check_workspace_prompt(text, root=root, config=config, classifier=Classifier(config),
                                    bases=bases, near=near)
    if args.format == "json":
        print(json.dumps(report.to_json(), indent=2))
    else:
        sys.stdout.write(_prompt_text(report, text, label))
    return EXIT_FINDINGS if report.verdict == "block" else EXIT_OK


def _prompt_text(report: Any, text: str, label: str) -> str:
    """Findings with masked values only: the prompt and the secret are never echoed."""
    from pavedroad.shown import shown

    if not report.findings:
        return f"{shown(label)}: allow (no secrets, customer data, internal hosts or sensitive files found)\n"
    lines = [f"{shown(label)}: {report.verdict.upper()} ({len(report.findings)} finding(s))"]
    for finding in report.findings:
        line = text.count("\n", 0, finding.start) + 1
        column = finding.start - (text.rfind("\n", 0, finding.start) + 1) + 1
        where = f"{line}:{column}" if finding.end > finding.start else "attached"
        lines.append(f"  {where:>8}  {finding.severity:5}  {finding.rule:32}  {shown(finding.masked)}")
        lines.append(f"            {shown(finding.message)}")
    lines.append("Run with --format json for the redacted prompt.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())

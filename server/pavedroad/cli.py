"""`pavedroad` command line: the language server, the zone map, the CI check and the prompt check.

Exit codes (all commands): 0 clean, 1 findings at error level, 2 usage or config error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pavedroad import __version__
from pavedroad.config.model import ConfigProblem, EffectiveConfig

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


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

    def add_config_args(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--central",
            action="append",
            default=[],
            metavar="MAP",
            help="central zone map applied before the repo config (path, preset:NAME or "
            "URL#sha256=HEX); repeatable. Also read: /etc/pavedroad/central.yaml and "
            "$PAVEDROAD_CENTRAL",
        )
        p.add_argument(
            "--fetch-repo-maps",
            action="store_true",
            help="fetch pinned url maps that the repository's config names (default: only from "
            "the cache; central url maps are always fetched)",
        )

    zones = sub.add_parser("zones", help="print the zone map: per file its zones and regions")
    zones.add_argument("path", nargs="?", default=".")
    zones.add_argument("--format", choices=["text", "json"], default="text")
    zones.add_argument("--jobs", type=_positive_int, default=None,
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
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
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
    if args.command == "lsp":
        from pavedroad.lsp.app import run_stdio

        run_stdio(args.log_level)
        return EXIT_OK
    if args.command == "zones":
        return _zones(args)
    if args.command == "check":
        return _check(args)
    return _prompt(args)


@dataclass
class Loaded:
    """The config in force for a command, and the problems found loading it."""

    root: Path
    config: EffectiveConfig
    problems: tuple[ConfigProblem, ...]


def _central_specs(raw: Sequence[str]) -> list[str]:
    """`--central` values: a path is relative to where the user typed it, not to the repo."""
    from pavedroad.config import machine_central

    given = [c if c.startswith("preset:") or "://" in c else str(Path(c).expanduser().absolute())
             for c in raw]
    return list(machine_central(given))


def _load(path: Path, args: argparse.Namespace) -> Loaded | None:
    """Load the config for `path`; print every problem; None (exit 2) when it is unusable."""
    from pavedroad.config import find_root, load_config

    root = Path(find_root(path)).resolve()
    fetch_all = getattr(args, "fetch_repo_maps", False)
    result = load_config(root, central=_central_specs(getattr(args, "central", [])),
                         url_approved=(lambda _url, _digest: True) if fetch_all else None)
    for problem in result.problems:
        print(f"pavedroad: {problem}", file=sys.stderr)
    if result.config is None:
        errors = [p for p in result.problems if p.severity == "error"]
        central_only = all(not _in_dir(p.where.file, root) for p in errors)
        what = ("a central zone map could not be loaded" if central_only
                else f"the zone config under {root} has {len(errors)} error(s)")
        print(f"pavedroad: {what}; fix it and re-run (nothing was checked).", file=sys.stderr)
        return None
    return Loaded(root, result.config, result.problems)


def _in_dir(file: str, root: Path) -> bool:
    path = Path(file)
    if not path.is_absolute():
        return not file.startswith(("http://", "https://", "preset:"))
    return root == path or root in path.parents


def _existing_path(raw: str) -> Path | None:
    path = Path(raw)
    if not path.exists():
        print(f"pavedroad: error: no such file or directory: {raw}", file=sys.stderr)
        return None
    return path.resolve()


def _target(args: argparse.Namespace) -> tuple[Path, Loaded] | None:
    """The PATH argument and the config in force under its root; None (exit 2) on an error."""
    path = _existing_path(args.path)
    if path is None:
        return None
    loaded = _load(path, args)
    return None if loaded is None else (path, loaded)


def _zones(args: argparse.Namespace) -> int:
    from pavedroad import zonemap
    from pavedroad.analysis.classify import Classifier

    target = _target(args)
    if target is None:
        return EXIT_USAGE
    path, loaded = target
    root, config = loaded.root, loaded.config
    if path.is_file():
        found = zonemap.classify_path(Classifier(config), root, path.relative_to(root).as_posix())
        files = [found] if found is not None and found.regions else []
    else:
        files = zonemap.scan(root, config, jobs=args.jobs, start=path)
    if args.format == "json":
        print(json.dumps(zonemap.to_json(root, files), indent=2))
    else:
        under = path.relative_to(root).as_posix() if path.is_dir() and path != root else ""
        sys.stdout.write(zonemap.to_text(root, files, config, under))
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
        for reason in result.incomplete:
            print(f"pavedroad: error: {reason}", file=sys.stderr)
        print("pavedroad: error: git history could not be read completely, so AI-written code "
              "may be missed; exiting 2 (fix the clone, e.g. `fetch-depth: 0`, or pass "
              "--allow-incomplete-history to accept it)", file=sys.stderr)
        return EXIT_USAGE
    return check.exit_code(result)


def _prompt(args: argparse.Namespace) -> int:
    from pavedroad.analysis.classify import Classifier
    from pavedroad.promptcheck import check_workspace_prompt
    from pavedroad.prompts import decode_prompt_bytes

    if args.file == "-":
        data, label, anchor = sys.stdin.buffer.read(), "<stdin>", Path.cwd()
    else:
        source = _existing_path(args.file)
        if source is None or not source.is_file():
            if source is not None:
                print(f"pavedroad: error: not a file: {args.file}", file=sys.stderr)
            return EXIT_USAGE
        data, label, anchor = source.read_bytes(), args.file, source.parent
    if args.root is not None:
        anchor = Path(args.root)
    loaded = _load(anchor, args)
    if loaded is None:
        return EXIT_USAGE
    root, config = loaded.root, loaded.config
    text = decode_prompt_bytes(data)
    report = check_workspace_prompt(text, root=root, config=config, classifier=Classifier(config))
    if args.format == "json":
        print(json.dumps(report.to_json(), indent=2))
    else:
        sys.stdout.write(_prompt_text(report, text, label))
    return EXIT_FINDINGS if report.verdict == "block" else EXIT_OK


def _prompt_text(report: Any, text: str, label: str) -> str:
    """Findings with masked values only: the prompt and the secret are never echoed."""
    if not report.findings:
        return f"{label}: allow (no secrets, customer data, internal hosts or sensitive files found)\n"
    lines = [f"{label}: {report.verdict.upper()} ({len(report.findings)} finding(s))"]
    for finding in report.findings:
        line = text.count("\n", 0, finding.start) + 1
        column = finding.start - (text.rfind("\n", 0, finding.start) + 1) + 1
        where = f"{line}:{column}" if finding.end > finding.start else "attached"
        lines.append(f"  {where:>8}  {finding.severity:5}  {finding.rule:32}  {finding.masked}")
        lines.append(f"            {finding.message}")
    lines.append("Run with --format json for the redacted prompt.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())

"""`pavedroad` command line: the language server, the zone map, the CI check and the prompt check.

Exit codes (all commands): 0 clean, 1 findings at error level, 2 usage or config error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pavedroad import __version__
from pavedroad.config.model import EffectiveConfig

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
            help="central zone map applied before the repo config (path, or URL#sha256=HEX); repeatable",
        )

    zones = sub.add_parser("zones", help="print the zone map: per file its zones and regions")
    zones.add_argument("path", nargs="?", default=".")
    zones.add_argument("--format", choices=["text", "json"], default="text")
    zones.add_argument("--jobs", type=int, default=None, help="worker processes (default: up to 4)")
    add_config_args(zones)

    check = sub.add_parser("check", help="evaluate AI-written code against the zones (CI)")
    check.add_argument("path", nargs="?", default=".")
    check.add_argument("--since", metavar="REV", help="only lines changed since REV")
    check.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    add_config_args(check)

    prompt = sub.add_parser("prompt", help="check prompt text for secrets, PII, internal hosts, sensitive files")
    prompt.add_argument("file", nargs="?", default="-", help="prompt file, or - for standard input")
    prompt.add_argument("--format", choices=["text", "json"], default="text")
    prompt.add_argument("--root", default=None, help="workspace root for file references (default: found from FILE or cwd)")
    add_config_args(prompt)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
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


def _load(path: Path, central: Sequence[str]) -> tuple[Path, EffectiveConfig | None]:
    """Load the config for `path`; print every problem; None (exit 2) when it is unusable."""
    from pavedroad.config import find_root, load_config

    root = Path(find_root(path)).resolve()
    # A --central path is relative to where the user typed it, not to the repo root.
    central = [c if c.startswith("preset:") or "://" in c else str(Path(c).resolve()) for c in central]
    result = load_config(root, central=central)
    for problem in result.problems:
        print(f"pavedroad: {problem}", file=sys.stderr)
    if result.config is None:
        errors = sum(1 for p in result.problems if p.severity == "error")
        print(f"pavedroad: the zone config under {root} has {errors} error(s); fix them and re-run.", file=sys.stderr)
        return root, None
    return root, result.config


def _existing_path(raw: str) -> Path | None:
    path = Path(raw)
    if not path.exists():
        print(f"pavedroad: error: no such file or directory: {raw}", file=sys.stderr)
        return None
    return path.resolve()


def _target(args: argparse.Namespace) -> tuple[Path, Path, EffectiveConfig] | None:
    """The PATH argument, its workspace root and the config in force; None (exit 2) on an error."""
    path = _existing_path(args.path)
    if path is None:
        return None
    root, config = _load(path, args.central)
    return None if config is None else (path, root, config)


def _zones(args: argparse.Namespace) -> int:
    from pavedroad import zonemap
    from pavedroad.analysis.classify import Classifier

    target = _target(args)
    if target is None:
        return EXIT_USAGE
    path, root, config = target
    if path.is_file():
        found = zonemap.classify_path(Classifier(config), root, path.relative_to(root).as_posix())
        files = [found] if found is not None and found.regions else []
    else:
        files = zonemap.scan(root, config, jobs=args.jobs, start=path)
    if args.format == "json":
        print(json.dumps(zonemap.to_json(root, files), indent=2))
    else:
        sys.stdout.write(zonemap.to_text(root, files, config))
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from pavedroad import check

    target = _target(args)
    if target is None:
        return EXIT_USAGE
    path, root, config = target
    paths = None if path == root else [path.relative_to(root).as_posix()]
    try:
        result = check.run_check(root, since=args.since, config=config, paths=paths)
    except check.CheckError as exc:
        print(f"pavedroad: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(check.render(result, args.format))
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
    root, config = _load(anchor, args.central)
    if config is None:
        return EXIT_USAGE
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

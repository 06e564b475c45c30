"""`pavedroad log verify [PATH] [--format text|json]`: check the decision log's hash chain.

Exit codes: 0 the chain is intact (warnings such as clock skew or rotated segments allowed),
1 tampering or damage found (the first bad entry is named), 2 the log cannot be read (a symlink
out of the repository, no such directory). Messages go to stderr, the result to stdout.

The lead registers it with ``add_parser(subparsers)``; the parser's ``handler`` default is the
function to call with the parsed arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pavedroad.cli_common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``log`` (with the ``verify`` action) to the top-level subparsers."""
    log = subparsers.add_parser("log", help="the local decision log")
    actions = log.add_subparsers(dest="log_command", required=True)
    ver = actions.add_parser("verify", help="check that no log entry was edited, removed or reordered")
    ver.add_argument("path", nargs="?", default=".", help="workspace root (default: found from .)")
    ver.add_argument("--format", choices=["text", "json"], default="text")
    ver.set_defaults(handler=run_verify)
    return log


def _root(raw: str) -> Path | None:
    from pavedroad.config import find_root

    path = Path(raw)
    if not path.exists():
        print(f"pavedroad: error: no such file or directory: {raw}", file=sys.stderr)
        return None
    return Path(find_root(path)).resolve()


def render_text(result: Any) -> str:
    lines = []
    if result.ok:
        lines.append(
            f"decision log intact: {result.entries} entr{'y' if result.entries == 1 else 'ies'} "
            f"in {result.segments} segment(s)"
        )
    else:
        lines.append(f"decision log DAMAGED OR TAMPERED: first bad entry {result.first_bad}")
        for p in result.problems[1:]:
            lines.append(f"  also: {p}")
    for w in result.warnings:
        lines.append(f"warning: {w}")
    for n in result.notes:
        lines.append(f"note: {n}")
    return "\n".join(lines) + "\n"


def run_verify(args: argparse.Namespace) -> int:
    from pavedroad.audit.log import LogError, verify

    root = _root(args.path)
    if root is None:
        return EXIT_USAGE
    try:
        result = verify(root)
    except LogError as exc:
        print(f"pavedroad: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2))
    else:
        sys.stdout.write(render_text(result))
    if not result.ok:
        print(f"pavedroad: the decision log under {root} fails verification", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FINDINGS

"""What every `pavedroad` subcommand that reads a workspace shares: the config options, loading
the config in force for a path (central maps from the machine and `--central`), and exit codes.

Exit codes (all commands): 0 clean, 1 findings at error level, 2 usage or config error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pavedroad.config.approvals import is_approved
from pavedroad.config.model import ConfigProblem, EffectiveConfig

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


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
        "the cache or when approved in the editor; central url maps are always fetched)",
    )


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


@dataclass
class Loaded:
    """The config in force for a command, and the problems found loading it."""

    root: Path
    config: EffectiveConfig
    problems: tuple[ConfigProblem, ...]


def central_specs(raw: Sequence[str]) -> list[str]:
    """`--central` values: a path is relative to where the user typed it, not to the repo."""
    from pavedroad.config import machine_central

    given = [c if c.startswith("preset:") or "://" in c else str(Path(c).expanduser().absolute())
             for c in raw]
    return list(machine_central(given))


def load_for(path: Path, args: argparse.Namespace) -> Loaded | None:
    """Load the config for `path`; print every problem; None (exit 2) when it is unusable."""
    from pavedroad.config import find_root, load_config

    root = Path(find_root(path)).resolve()
    fetch_all = getattr(args, "fetch_repo_maps", False)
    result = load_config(root, central=central_specs(getattr(args, "central", [])),
                         url_approved=(lambda _url, _digest: True) if fetch_all else is_approved)
    from pavedroad.shown import shown

    for problem in result.problems:  # a repository's config may quote anything back
        print(f"pavedroad: {shown(str(problem))}", file=sys.stderr)
    if result.config is None:
        errors = [p for p in result.problems if p.severity == "error"]
        central_only = all(not in_dir(p.where.file, root) for p in errors)
        what = ("a central zone map could not be loaded" if central_only
                else f"the zone config under {root} has {len(errors)} error(s)")
        print(f"pavedroad: {what}; fix it and re-run (nothing was checked).", file=sys.stderr)
        return None
    return Loaded(root, result.config, result.problems)


def in_dir(file: str, root: Path) -> bool:
    path = Path(file)
    if not path.is_absolute():
        return not file.startswith(("http://", "https://", "preset:"))
    return root == path or root in path.parents


def existing_path(raw: str) -> Path | None:
    path = Path(raw)
    if not path.exists():
        print(f"pavedroad: error: no such file or directory: {raw}", file=sys.stderr)
        return None
    return path.resolve()



"""The `pavedroad` command's entry point: `hook` (run by AI tools on every action) is dispatched
before anything heavy is imported; every other command goes to `pavedroad.cli`."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["hook"]:
        from pavedroad.hooks.client import main as hook_main

        return hook_main(args[1:])
    from pavedroad.cli import main as cli_main

    return cli_main(args)

"""CLI module for `pavedroad sync`.

    pavedroad sync [PATH] [--check] [--explain] [--managed DIR] [--format text|json]
                   [--hook-command CMD] [--only TOOL]... [--central MAP]... [--fetch-repo-maps]

- no option: write every tool's controls for the workspace of PATH (default `.`), print what was
  written and the Copilot content-exclusion YAML to paste into GitHub's settings;
- `--check`: write nothing; list generated files that are missing, stale or edited by hand and
  exit 1 if there are any (CI, pre-commit);
- `--explain`: write nothing; print the residual-risk report (per tool, surface and zone);
- `--managed DIR`: write the machine-level variants under DIR (the repository is not touched).

Exit codes: 0 done / current, 1 drift found by `--check`, 2 usage or config error, or a file that
could not be merged or written (left untouched, reported). The lead registers it with
`add_parser(subparsers)`; the parser sets `handler`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
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
from pavedroad.sync.hookspec import DEFAULT_HOOK_COMMAND

_TOOL_IDS = ("claude", "cursor", "copilot", "copilot-vscode", "gemini", "gemini-code-assist", "codex",
             "windsurf", "zed", "aider", "continue", "cline", "roo", "jetbrains", "codeowners")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "sync", help="write every AI tool's own controls (ignore files, deny rules, hooks, CODEOWNERS) "
                     "from the zone config")
    p.add_argument("path", nargs="?", default=".", help="workspace (default: the current directory)")
    mode = p.add_argument_group("what to do (default: write the files)")
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 when a generated file is missing, stale or hand-edited")
    mode.add_argument("--explain", action="store_true",
                      help="write nothing; print what each tool enforces per zone and surface, and what not")
    mode.add_argument("--managed", metavar="DIR",
                      help="write the machine-level (MDM) variants under DIR, with their install paths "
                           "in DIR/README.txt; the repository is not touched")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--hook-command", default=None, metavar="CMD",
                   help="command the hooks run, followed by TOOL EVENT (default: the one the generated "
                        f"files already use, else {DEFAULT_HOOK_COMMAND!r})")
    p.add_argument("--only", action="append", default=[], metavar="TOOL", choices=_TOOL_IDS,
                   help="only the files for this tool (repeatable): " + ", ".join(_TOOL_IDS))
    add_config_args(p)
    p.set_defaults(handler=run)
    return p


def _err(message: str) -> None:
    print(f"pavedroad: error: {message}", file=sys.stderr)


_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", re.IGNORECASE)


def repo_ref(root: Path) -> str | None:
    """The origin remote (credentials removed), as Copilot's org-level exclusion names repos."""
    try:
        out = subprocess.run(["git", "remote", "get-url", "origin"], cwd=root, capture_output=True,
                             timeout=10, stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    url = out.stdout.decode("utf-8", "replace").strip() if out.returncode == 0 else ""
    if not url or "\n" in url:
        return None
    return _USERINFO.sub(r"\1", url)


def run(args: argparse.Namespace) -> int:
    from pavedroad.sync import apply, check, explain, plan
    from pavedroad.sync.hookspec import check_hook_command
    from pavedroad.sync.managed import write_managed
    from pavedroad.sync.residual import to_json_text

    problem = check_hook_command(args.hook_command) if args.hook_command is not None else None
    if problem:
        _err(problem)
        return EXIT_USAGE
    path = existing_path(args.path)
    if path is None:
        return EXIT_USAGE
    loaded = load_for(path, args)
    if loaded is None:
        return EXIT_USAGE
    root, config = loaded.root, loaded.config
    only = args.only or None

    if args.managed:
        try:
            written = write_managed(Path(args.managed).absolute(), config,
                                    args.hook_command or DEFAULT_HOOK_COMMAND)
        except (OSError, ValueError) as exc:
            _err(f"cannot write the managed files under {args.managed}: {exc}")
            return EXIT_USAGE
        if args.format == "json" and not args.explain:
            print(json.dumps({"managed": str(Path(args.managed).absolute()), "written": written}, indent=2))
        elif args.format == "text":
            print(f"wrote {len(written)} managed file(s) under {args.managed} (install paths in README.txt):")
            for rel in written:
                print(f"  {rel}")
        if not args.explain:
            return EXIT_OK

    the_plan = plan(root, config, hook_command=args.hook_command,
                    repo_ref=None if (args.check or args.explain) else repo_ref(root), tools=only)

    if args.check or args.explain:
        result: dict[str, Any] = {"root": str(root)}
        code = EXIT_OK
        if args.check:
            drift = check(the_plan)
            result["drift"] = [d.to_json() for d in drift]
            if drift:
                code = EXIT_FINDINGS
            if args.format == "text":
                if drift:
                    print(f"{len(drift)} generated file(s) differ from the zone config "
                          "(run `pavedroad sync`):")
                    for d in drift:
                        print(f"  {d}")
                else:
                    print(f"all {len(the_plan.targets)} generated files are current")
        if args.explain:
            e = explain(config, the_plan)
            if args.format == "text":
                sys.stdout.write(e.to_text())
            else:
                result["explain"] = e.to_json()
        if args.format == "json":
            if args.explain and not args.check:
                sys.stdout.write(to_json_text(explain(config, the_plan)))
            else:
                print(json.dumps(result, indent=2))
        return code

    applied = apply(the_plan)
    if args.format == "json":
        print(json.dumps({"root": str(root), **applied.to_json(), "printed": the_plan.printed}, indent=2))
    else:
        for rel in applied.written:
            print(f"wrote {rel}")
        for rel in applied.removed:
            print(f"removed {rel}")
        if not applied.written and not applied.removed:
            print(f"all {len(applied.unchanged)} generated files were already current")
        for key in ("copilot-content-exclusion-repo", "copilot-content-exclusion-org"):
            if key in the_plan.printed:
                print()
                sys.stdout.write(the_plan.printed[key])  # patterns JSON-quoted: no raw control characters
        if ".codex/hooks.json" in applied.written:
            print("\nnote: Codex runs the new or changed hooks only after you trust them (/hooks in Codex).",
                  file=sys.stderr)
        if ".geminiignore" in applied.written:
            print("note: restart Gemini CLI to pick up .geminiignore.", file=sys.stderr)
    for rel, message in applied.errors:
        _err(f"{rel}: {message} (left unchanged)")
    return EXIT_USAGE if applied.errors else EXIT_OK

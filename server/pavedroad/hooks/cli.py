"""`pavedroad hook TOOL EVENT`: one agent hook call, stdin JSON in, the tool's answer out.

How a call runs:

1. Read the payload (bounded), sniff the host's dialect and turn it into actions (`dialects`).
2. Find the workspace root from the call's cwd and load the config in force, central maps from
   the machine included (a broken repo config: the central maps and every layer that loaded still
   apply, and the answer says so).
3. Decide (`decide`), record the lines an agent writes into `review` zones in the local range
   store (so the editor and `check` show PR102 until someone signs off), log denials, AI code in
   zones and prompt verdicts to the decision log, and answer in the host's dialect.

Failing safe: hosts let an action through when a hook crashes or times out, so the hook catches
its own errors. On a pre-read or pre-edit event it then denies if the target could be in a
`deny` zone or `sensitive` (judged by path rules alone, which need no parsing), and allows
otherwise, saying so on stderr. Input that is not a hook payload denies a pre-event outright.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pavedroad.hooks.dialects import TOOLS, Answer, HookInputError, parse, render
from pavedroad.hooks.model import Decision, EditAction, HookCall, ReadAction

log = logging.getLogger(__name__)

#: Largest payload read (a 10 MB Write fits with room).
MAX_INPUT_BYTES = 64 << 20
_PRE_EVENTS = ("pretooluse", "beforetool", "beforereadfile", "beforetabfileread",
               "beforeshellexecution", "pre_read_code", "pre_write_code", "pre_run_command")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("hook", help="answer an AI tool's hook (stdin: the tool's JSON)")
    p.add_argument("tool", help=f"the AI tool: {', '.join(TOOLS)}")
    p.add_argument("event", help="the tool's own event name, e.g. PreToolUse, beforeReadFile")
    p.set_defaults(handler=run)
    return p


def run(args: argparse.Namespace) -> int:
    raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    answer = answer_hook(args.tool, args.event, raw)
    if answer.stdout:
        sys.stdout.write(answer.stdout)
        sys.stdout.flush()
    if answer.stderr:
        sys.stderr.write(answer.stderr)
        sys.stderr.flush()
    return answer.code


def answer_hook(tool: str, event: str, raw: bytes, *, now: dt.datetime | None = None,
                environ: Mapping[str, str] | None = None) -> Answer:
    """The whole hook call as a pure function of its input (the tests' and the daemon's entry
    point); `environ` stands in for the caller's environment (central map variables)."""
    pre = event.replace("-", "_").lower() in _PRE_EVENTS
    if tool not in TOOLS:
        return Answer("", f"pavedroad hook: unknown tool {tool!r} (known: {', '.join(TOOLS)}); "
                          "nothing checked\n", 1)
    if len(raw) > MAX_INPUT_BYTES:
        return _refuse_input(pre, f"the hook input is larger than {MAX_INPUT_BYTES >> 20} MB")
    try:
        call = parse(tool, event, raw.decode("utf-8", "replace"))
    except HookInputError as exc:
        return _refuse_input(pre, str(exc))
    if _runs_natively(tool, call):
        return Answer("", "", 0)
    try:
        decision = _decide_and_record(call, now, environ)
    except Exception as exc:  # never let a bug open the gate silently
        log.debug("hook failed", exc_info=True)
        decision = _fail_safe(call, exc)
    return render(call, decision)


def _runs_natively(tool: str, call: HookCall) -> bool:
    """Cursor, Copilot and VS Code also run `.claude/settings.json` hooks. When the host's own
    hook file already runs pavedroad for this event, the imported Claude entry steps aside, so
    each action is checked (and recorded) once."""
    if tool != "claude" or call.dialect not in ("cursor", "copilot", "copilot-pascal",
                                                "copilot-vscode"):
        return False
    try:
        from pavedroad.config import find_root
        from pavedroad.sync import native_entry_present

        host = "copilot" if call.dialect == "copilot-pascal" else call.dialect
        return native_entry_present(find_root(call.cwd), host, call.host_event or None)
    except Exception:
        return False  # when in doubt, answer


def _refuse_input(pre: bool, why: str) -> Answer:
    if pre:
        message = (f"pavedroad: {why}; the action is denied to be safe (this hook could not "
                   "see what it would do). Check the hook configuration (`pavedroad sync`).")
        return Answer("", message + "\n", 2)
    return Answer("", f"pavedroad: {why}; nothing checked\n", 0)


#: root -> (fingerprint, config, classifier, aliases, note): reused across calls in the resident
#: daemon (`daemon.py`) while none of the files the config came from changed
_LOADED: dict[Path, tuple[tuple[Any, ...], Any, Any, Any, str, Any]] = {}


def _fingerprint(root: Path, files: Sequence[str], central: Sequence[str]) -> tuple[Any, ...]:
    """What a cached config depends on: the central specs and the state of every file it was
    read from, of the root directory (a new `.pavedroad.yaml`) and of the git index (a new nested
    config)."""
    def state(path: str | Path) -> tuple[int, int, int] | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size, st.st_ino

    return (tuple(central), tuple((f, state(f)) for f in files), state(root),
            state(root / ".pavedroad.yaml"), state(root / ".git" / "index"))


def _workspace(call: HookCall, now: dt.datetime | None,
               environ: Mapping[str, str] | None = None) -> tuple[Any, str]:
    """The workspace of the call, and a note when the repo's config is broken."""
    from pavedroad.analysis.classify import Classifier
    from pavedroad.config import find_root, load_config, machine_central
    from pavedroad.config.approvals import is_approved
    from pavedroad.config.discover import path_aliases
    from pavedroad.hooks.decide import Workspace
    from pavedroad.repoview import DiskRepo

    root = Path(os.path.abspath(find_root(call.cwd)))
    central = machine_central(environ=environ)
    cached = _LOADED.get(root)
    if cached is not None and cached[0] == _fingerprint(root, [f for f, _ in cached[0][1]], central):
        _key, config, classifier, aliases, note, files = cached
    else:
        result = load_config(root, central=central, url_approved=is_approved)
        config = result.usable
        note = ""
        if result.config is None:
            errors = [p for p in result.errors][:1]
            note = (" (Note: the zone config has errors, so only the central maps and the layers "
                    "that loaded apply" + (f": {errors[0]}" if errors else "") + ".)")
        assert config is not None
        classifier, aliases = Classifier(config), path_aliases(root, walk=False)
        # a resident daemon remembers the other files' exports until they change
        files = DiskRepo(root, classifier, aliases)
        _LOADED[root] = (_fingerprint(root, result.files, central), config, classifier, aliases,
                         note, files)
    ws = Workspace(root, config, classifier, aliases, now or dt.datetime.now(dt.timezone.utc), files)
    return ws, note


def _decide_and_record(call: HookCall, now: dt.datetime | None,
                       environ: Mapping[str, str] | None = None) -> Decision:
    from pavedroad.hooks.decide import decide

    ws, note = _workspace(call, now, environ)
    if call.phase == "post":
        return _record_post(call, ws)
    decision = decide(call, ws)
    if decision.record:
        _record(call, ws, decision.record)
    try:
        _log(call, ws, decision)
    except Exception:  # the log never changes a decision (a path it refuses once turned a deny
        log.debug("could not log a hook decision", exc_info=True)  # into the fail-safe answer)
    if note and decision.message:
        decision = dataclasses.replace(decision, message=decision.message + note)
    elif note and call.phase == "pre":
        decision = Decision("warn", "pavedroad:" + note, record=decision.record)
    return decision


def _record_post(call: HookCall, ws: Any) -> Decision:
    """After an edit: record the lines it wrote that lie in `review` zones (the pre-edit hook
    recorded the same lines when there was one; recording twice merges)."""
    from pavedroad.hooks.decide import decide

    edits = [a for a in call.actions if isinstance(a, EditAction)]
    if not edits:
        return Decision("allow")
    record: dict[str, tuple[tuple[int, int], ...]] = {}
    for action in edits:
        lines = _written_lines(action, call, ws)
        if lines:
            rel = ws.rel(action.path, call.cwd)
            probe = decide(HookCall(call.tool, call.event, "pre", (EditAction(
                action.path, content=ws.read_text(rel)[0]),), call.cwd, call.session,
                call.model, call.dialect), ws) if rel else Decision("allow")
            if rel and probe.record:
                record[rel] = lines
    if record:
        _record(call, ws, record)
    return Decision("allow")


def _written_lines(action: EditAction, call: HookCall, ws: Any) -> tuple[tuple[int, int], ...]:
    """Lines of the file on disk that the (already applied) edit wrote."""
    rel = ws.rel(action.path, call.cwd)
    if rel is None:
        return ()
    text, _whole = ws.read_text(rel)
    if action.content is not None:
        return ((1, max(1, text.count("\n") + (0 if text.endswith("\n") else 1))),)
    out = []
    for edit in action.edits:
        start = text.find(edit.new) if edit.new else -1
        if start >= 0:
            first = text.count("\n", 0, start) + 1
            last = text.count("\n", 0, start + max(0, len(edit.new) - 1)) + 1
            out.append((first, last))
    return tuple(out)


def _record(call: HookCall, ws: Any, record: dict[str, tuple[tuple[int, int], ...]]) -> None:
    """Add the written lines to the local range store, against the text they will have."""
    from pavedroad.provenance.notes import session_key
    from pavedroad.provenance.ranges import AiRange, LineIndex
    from pavedroad.provenance.store import RangeStore

    store = RangeStore(ws.root)
    created = ws.now.isoformat(timespec="seconds")
    session = session_key(call.tool, call.session) if call.session else None
    for rel, lines in record.items():
        text = _text_after(call, ws, rel)
        if text is None:
            continue
        index = LineIndex(text)
        ranges = []
        for first, last in lines:
            first, last = max(1, first), min(index.line_count, last)
            if first > last:
                continue
            start, end = index.line_start(first - 1), index.line_end(last - 1)
            if end > start:
                ranges.append(AiRange(start, end, "explicit", call.tool, created=created,
                                      session=session, model=call.model, recorder="hook"))
        if ranges:
            store.merge(rel, text, ranges)


def _text_after(call: HookCall, ws: Any, rel: str) -> str | None:
    """The text the file will have once the call's edit is applied (or has now, after it)."""
    from pavedroad.hooks.decide import _change

    if call.phase == "post":
        return ws.read_text(rel)[0]
    for action in call.actions:
        if isinstance(action, EditAction) and ws.rel(action.path, call.cwd) == rel:
            change = _change(action, rel, ws)
            return change.new_text if change.applied is not None else None
    return None


def _log(call: HookCall, ws: Any, decision: Decision) -> None:
    """Denials, AI code recorded in zones and prompt verdicts go to the decision log (never a
    prompt's text or a secret: the log's own checks refuse those)."""
    try:
        from pavedroad import audit
    except ImportError:
        return
    events = []
    policy = ws.config.digest
    session = None
    if call.session:
        from pavedroad.provenance.notes import session_key

        session = session_key(call.tool, call.session)
    if decision.verdict == "deny" and call.phase == "pre":
        target = next((a for a in call.actions if isinstance(a, (EditAction, ReadAction))), None)
        path = None
        if isinstance(target, EditAction):
            path = ws.rel(target.path, call.cwd)
        elif isinstance(target, ReadAction):
            path = decision.denied_path  # the file denied, not the first word the command reads
        reason = "sensitive" if "PR304" in decision.codes else "zone-deny"
        fields = {"tool": call.tool, "hook_event": call.event, "reason": reason,
                  "zone": (decision.zones or (None,))[0], "session": session, "policy": policy}
        try:
            events.append(audit.hook_denied(path=path, **fields))
        except audit.EventError:  # a path the log refuses (a backslash): the deny is logged without it
            events.append(audit.hook_denied(**fields))
    for rel, lines in decision.record.items():
        count = sum(b - a + 1 for a, b in lines)
        events.append(audit.ai_code_landed(
            source="hook", zone=(decision.zones or ("",))[0] or "unknown", path=rel, lines=count,
            start_line=lines[0][0], end_line=lines[-1][1], tool=call.tool, model=call.model,
            session=session, policy=policy))
    if call.phase == "prompt" and decision.report is not None:
        report: Any = decision.report
        events.append(audit.prompt_event(
            _prompt_text(call), report.findings, key=audit.log_key(ws.root),
            blocked=decision.verdict == "deny", source="hook", tool=call.tool, session=session,
            policy=policy))
    for event in events:
        try:
            audit.append_event(ws.root, event)
        except Exception:  # the log must never be the reason an agent is blocked
            log.debug("could not log a hook decision", exc_info=True)


def _prompt_text(call: HookCall) -> str:
    from pavedroad.hooks.model import PromptAction

    for action in call.actions:
        if isinstance(action, PromptAction):
            return action.text
    return ""


def _fail_safe(call: HookCall, exc: Exception) -> Decision:
    """The decision when deciding failed (see the module docstring)."""
    reason = f"{type(exc).__name__}"
    if call.phase != "pre":
        return Decision("allow", f"pavedroad: internal error ({reason}); nothing checked",
                        internal_error=True)
    if _could_be_protected(call):
        return Decision("deny", f"pavedroad: internal error ({reason}) while checking this action "
                                "on a file that may be in a deny zone or sensitive; denied to be "
                                "safe. Run `pavedroad zones` on it, or report the error.",
                        internal_error=True)
    return Decision("allow", f"pavedroad: internal error ({reason}); allowed (no deny zone or "
                             "sensitive pattern names this file)", internal_error=True)


def _could_be_protected(call: HookCall) -> bool:
    """Path rules only: could any target be sensitive or in a deny/context-deny zone? True when
    even that cannot be told."""
    try:
        import pathspec

        from pavedroad.analysis.classify import Classifier
        from pavedroad.config import find_root, load_config, machine_central
        from pavedroad.config.model import Level

        root = Path(os.path.abspath(find_root(call.cwd)))
        config = load_config(root, central=machine_central()).usable
        if config is None:
            return True
        classifier = Classifier(config)
        sensitive = pathspec.PathSpec.from_lines("gitignore", config.sensitive)
        paths: list[str] = []
        for action in call.actions:
            if isinstance(action, EditAction):
                paths.append(action.path)
            elif isinstance(action, ReadAction):
                if (action.tree_searches or action.credential_lines or action.history_reads
                        or action.env_prints or action.env_writes):
                    return True  # a search, a diff or a print of what may hold a credential: only deciding clears it
                paths.extend(action.paths)
        for path in paths:
            absolute = path if os.path.isabs(path) else os.path.join(call.cwd, path)
            try:
                rel = Path(os.path.normpath(absolute)).relative_to(root).as_posix()
            except ValueError:
                continue
            if sensitive.match_file(rel):
                return True
            for zone_id in classifier.path_zones(rel):
                zone = config.zone(zone_id)
                if zone is not None and (zone.ai >= Level.DENY or zone.context >= Level.DENY):
                    return True
            if any(z.ai >= Level.DENY for z in config.zones if z.match.imports or z.match.calls
                   or z.match.symbols or z.match.decorators or z.match.queries):
                return True  # a content rule could put it in a deny zone: cannot tell
        return False
    except Exception:
        return True


def main(argv: Sequence[str]) -> int:
    """`pavedroad hook ...` in this process (the client falls back to it without a daemon)."""
    parser = argparse.ArgumentParser(prog="pavedroad hook")
    parser.add_argument("tool")
    parser.add_argument("event")
    return run(parser.parse_args(list(argv)))

"""The hook engine: what pavedroad answers when an agent reads, edits or prompts.

It decides with the same pieces as the editor and CI, so all three agree:

1. **Read** (a read tool, a glob, a shell command that reads): a file matching a `sensitive`
   pattern, or holding code of a zone with `context: deny`, is denied; `context: warn` is allowed
   with a warning the user sees. A directory is judged by what its path rules say of files in it.
2. **Edit** (Edit/MultiEdit/Write/NotebookEdit, an apply_patch, a shell write): the change is
   applied to the file in memory (`edits`, `patch`), the old and the new text are classified with
   the workspace's classifier, and the changed lines become AI-written spans evaluated by
   `policy.verdicts.evaluate` with the repo's sign-offs and exceptions, exactly as `check` does.
   A PR103 (`ai: deny`) anywhere the change touches, in the new text or in what it replaces,
   denies; PR102 (`review`) allows and records the lines as AI-written, so the editor and `check`
   show PR102 until someone signs off; PR101 (`warn`) allows with a message. A change that cannot
   be placed (a shell redirect, a patch that does not apply) is judged by the whole file.
3. **Prompt**: the prompt engine's verdict (`promptcheck`), with masked values only.

Tools that `ai_tools.approved` does not list get `ai_tools.unapproved` on every edit.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pathspec

from pavedroad import codes
from pavedroad.analysis.classify import Classifier
from pavedroad.analysis.model import FileZones
from pavedroad.config.discover import PathAliases
from pavedroad.config.model import EffectiveConfig, Level, Zone
from pavedroad.fileio import read_regular
from pavedroad.hooks.edits import Applied, EditDoesNotApply, apply_edits, whole_content
from pavedroad.hooks.githistory import HistoryRead
from pavedroad.hooks.gitlisting import HistoryTooLarge, HistoryUnchecked, listed_files
from pavedroad.hooks.grepsyntax import MAX_TESTED
from pavedroad.hooks.model import (
    Decision,
    EditAction,
    HookCall,
    PromptAction,
    ReadAction,
)
from pavedroad.hooks.treelisting import (
    MAX_SEARCHED_FILES,
    TooManyFiles,
    committed_bytes,
    searched_files,
    skipped_by_git,
)
from pavedroad.hooks.treesearch import TreeSearch
from pavedroad.policy.records import Records, load_records
from pavedroad.policy.verdicts import Finding, evaluate
from pavedroad.provenance.ranges import AiSpan
from pavedroad.repoview import DiskRepo
from pavedroad.searchcmd import home_expanded
from pavedroad.templates import covers

#: Largest file an edit is computed on (larger: judged by the whole file's zones).
MAX_EDIT_BYTES = 16 << 20


@dataclass
class Workspace:
    """One root's config in force, with what deciding needs, built once per hook call."""

    root: Path
    config: EffectiveConfig
    classifier: Classifier
    aliases: PathAliases = field(default_factory=PathAliases)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    #: the root's other files as a resident process remembers them across calls (None: a new one)
    known_files: DiskRepo | None = None

    @cached_property
    def records(self) -> Records:
        return load_records(self.root, self.config, self.now)

    @cached_property
    def repo(self) -> DiskRepo:
        """The root's other files: an edit calling another file's zone function is in its zone."""
        return self.known_files or DiskRepo(self.root, self.classifier, self.aliases)

    @cached_property
    def sensitive(self) -> list[tuple[str, pathspec.PathSpec]]:
        return [(p, pathspec.PathSpec.from_lines("gitignore", [p])) for p in self.config.sensitive]

    def rel(self, path: str, cwd: str) -> str | None:
        """`path` relative to the root as the agent named it, or None when outside the root."""
        absolute = os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd, path))
        try:
            return Path(absolute).relative_to(self.root).as_posix()
        except ValueError:
            pass
        try:  # the agent may see the root through a symlink (macOS /private/tmp, ...)
            real = Path(os.path.realpath(absolute)).relative_to(os.path.realpath(self.root))
            return real.as_posix()
        except ValueError:
            return None

    def names(self, rel: str) -> tuple[str, ...]:
        """Other names of `rel`: its real path through symlinks, and the root's aliases."""
        out = list(self.aliases.of(rel))
        try:
            real = Path(os.path.realpath(self.root / rel)).relative_to(os.path.realpath(self.root))
            if real.as_posix() != rel:
                out.extend([real.as_posix(), *self.aliases.of(real.as_posix())])
        except ValueError:
            pass
        return tuple(dict.fromkeys(out))

    @cached_property
    def _sensitive_union(self) -> pathspec.PathSpec:
        return pathspec.PathSpec.from_lines("gitignore", self.config.sensitive)

    @cached_property
    def _sensitive_prefilter(self) -> re.Pattern[str] | None:
        """One regex that every sensitive path matches (any include glob's; negations are left to
        `sensitive_pattern`), for files listed by the ten thousand; None if one will not join."""
        parts = [p.regex.pattern.replace("(?P<ps_d>", "(?:") for p in self._sensitive_union.patterns
                 if p.include and getattr(p, "regex", None) is not None]
        # pathspec searches: a regex it leaves unanchored (`**/` is `/`) may match past the start
        parts = [part if part.startswith("^") else f"[\\s\\S]*?(?:{part})" for part in parts]
        try:
            return re.compile("|".join(f"(?:{part})" for part in parts)) if parts else None
        except re.error:
            return None

    def quick_names(self, rel: str) -> tuple[str, ...]:
        """`rel` and its names through the root's aliases (the git top's prefix, links inside the
        root), without the per-file `realpath` of `names`."""
        if not (self.aliases.prefix or self.aliases.links):
            return (rel,)
        return (rel, *self.aliases.of(rel))

    def maybe_sensitive(self, rel: str) -> bool:
        """A necessary test for `sensitive_any`, one C-level match (a tree search asks it of every
        file it lists)."""
        prefilter = self._sensitive_prefilter
        if prefilter is None:
            return self.sensitive_any(rel)
        return prefilter.match(rel) is not None

    def sensitive_any(self, rel: str) -> bool:
        """A quick test by `rel` alone (one match for all globs, for files listed by the
        thousand); `sensitive_pattern` gives the answer that counts."""
        return self._sensitive_union.match_file(rel)

    def sensitive_pattern(self, rel: str) -> str | None:
        """The `sensitive` glob matching `rel` or one of its other names, if any (a template,
        `.env.example`, only by a glob that names one: `templates`)."""
        for name in (rel, *self.names(rel)):
            for pattern, spec in self.sensitive:
                if spec.match_file(name) and covers(pattern, name):
                    return pattern
        return None

    def classify(self, rel: str, data: bytes) -> FileZones:
        return self.classifier.classify(rel, data, aliases=self.names(rel), repo=self.repo)

    def read_text(self, rel: str) -> tuple[str, bool]:
        """(the file's text, whether it was read whole); "" for a missing file."""
        try:
            data, size = read_regular(self.root / rel, MAX_EDIT_BYTES)
        except FileNotFoundError:
            return "", True
        except OSError:
            return "", False
        return data.decode("utf-8", "surrogateescape"), size <= MAX_EDIT_BYTES


def decide(call: HookCall, ws: Workspace) -> Decision:
    """The decision on every action of `call`, combined: any deny denies (its reasons joined),
    else any warning warns; what to record is merged."""
    decisions = [_decide_one(action, call, ws) for action in call.actions]
    if not decisions:
        return Decision("allow")
    for verdict in ("deny", "warn"):
        picked = [d for d in decisions if d.verdict == verdict]
        if picked:
            record: dict[str, tuple[tuple[int, int], ...]] = {}
            for d in decisions:
                record.update(d.record)
            return Decision(
                verdict,
                " ".join(dict.fromkeys(d.message for d in picked if d.message)),
                tuple(dict.fromkeys(c for d in picked for c in d.codes)),
                tuple(dict.fromkeys(z for d in picked for z in d.zones)),
                record if verdict != "deny" else {},
                report=next((d.report for d in decisions if d.report is not None), None),
                denied_path=next((d.denied_path for d in picked if d.denied_path), None),
            )
    record = {}
    for d in decisions:
        record.update(d.record)
    return Decision("allow", record=record)


def _decide_one(action: object, call: HookCall, ws: Workspace) -> Decision:
    if isinstance(action, ReadAction):
        return decide_read(action, call, ws)
    if isinstance(action, EditAction):
        guarded = _policy_file(action, call, ws)
        return guarded if guarded is not None else decide_edit(action, call, ws)
    if isinstance(action, PromptAction):
        return decide_prompt(action, ws)
    return Decision("allow")


#: Files that hold the policy itself or the AI tools' controls: an agent that could edit them
#: could sign off its own code, grant itself an exception or switch its hooks off.
POLICY_FILES = pathspec.PathSpec.from_lines("gitignore", [
    ".pavedroad.yaml", ".pavedroad/", ".claude/settings.json", ".claude/settings.local.json",
    ".cursor/hooks.json", ".cursor/hooks/", ".github/hooks/", ".gemini/settings.json",
    ".codex/", ".windsurf/hooks.json", "CODEOWNERS",
])


def _policy_file(action: EditAction, call: HookCall, ws: Workspace) -> Decision | None:
    for path in (action.path, action.move_to):
        if path is None:
            continue
        rel = ws.rel(path, call.cwd)
        if rel is not None and POLICY_FILES.match_file(rel):
            return Decision("deny", f"pavedroad: `{rel}` holds the repository's AI policy or an AI "
                                    "tool's controls (sign-offs, exceptions, zones, hooks): it is "
                                    "changed by a person, not by an agent.", ("PR103",))
    return None


# --- reads ------------------------------------------------------------------------------------


def _zone_line(zone: Zone) -> str:
    why = f" {zone.why.strip()}" if zone.why else ""
    who = f" Reviewers: {', '.join(zone.reviewers)}." if zone.reviewers else ""
    return f"zone '{zone.display_name}' ({zone.id}){':' if why else '.'}{why}{who}"


def decide_read(action: ReadAction, call: HookCall, ws: Workspace) -> Decision:
    denied: list[str] = []
    warned: list[str] = []
    found_codes: list[str] = []
    zones: list[str] = []
    denied_inside: list[str] = []  # repository files among the denied, for the log
    for path in action.credential_lines:
        denied.append(f"the command prints the lines of `{path}` that name a credential: they hold "
                      "its value. Check that it is set without printing it "
                      "(`test -n \"$NAME\" && echo set`).")
        found_codes.append(codes.PROMPT_SENSITIVE_FILE)
    if action.env_prints:
        denied.append(f"the command prints the environment ({', '.join(action.env_prints[:3])}): a "
                      "credential's value would reach the assistant. Check that it is set without "
                      "printing it (`test -n \"$NAME\" && echo set`, or its length: `${#NAME}`), or list "
                      "names only (`env | cut -d= -f1`).")
        found_codes.append(codes.PROMPT_SENSITIVE_FILE)
    for what, target in action.env_writes:
        written = home_expanded(target)
        rel = ws.rel(written, call.cwd)
        protected = _outside_pattern(ws, written, call.cwd) if rel is None else ws.sensitive_pattern(rel)
        if protected is None:
            denied.append(f"the command writes the environment ({what}) into `{target}`, a file the "
                          "assistant may read next. Write credentials only into a file it may not read "
                          "(a sensitive one, such as `.npmrc` or `.env`), or check that the variable is "
                          "set without its value (`test -n \"$NAME\" && echo set`).")
            found_codes.append(codes.PROMPT_SENSITIVE_FILE)
            break
    for search in action.tree_searches:
        refusal = _tree_search_refusal(search, call, ws)
        if refusal is not None:
            denied.append(refusal)
            found_codes.append(codes.PROMPT_SENSITIVE_FILE)
    for history in action.history_reads:
        refusal = _history_refusal(history, call, ws)
        if refusal is not None:
            denied.append(refusal)
            found_codes.append(codes.PROMPT_SENSITIVE_FILE)
    for path in action.paths:
        path = home_expanded(path)  # `~/x`, `$HOME/x`: the home directory, not a folder named `~`
        rel = ws.rel(path, call.cwd)
        if rel is None:
            # outside the repository (`~/.aws/credentials`, another checkout's `.env`): matched
            # by name, as a prompt's reference is; zones are the repository's own
            pattern = _outside_pattern(ws, path, call.cwd)
            if pattern is not None:
                denied.append(_sensitive_denial(path, pattern))
                found_codes.append(codes.PROMPT_SENSITIVE_FILE)
            continue
        real = os.path.realpath(ws.root / rel)
        if ws.rel(real, call.cwd) is None:  # a link in the repository to a file outside it
            pattern = _outside_pattern(ws, real, call.cwd)
            if pattern is not None:
                denied.append(_sensitive_denial(rel, pattern))
                denied_inside.append(rel)
                found_codes.append(codes.PROMPT_SENSITIVE_FILE)
                continue
        if rel in ("", "."):
            continue
        pattern = ws.sensitive_pattern(rel)
        if pattern is None and os.path.isdir(ws.root / rel):
            pattern = ws.sensitive_pattern(rel.rstrip("/") + "/x")
        if pattern is not None:
            denied.append(_sensitive_denial(rel, pattern))
            denied_inside.append(rel)
            found_codes.append(codes.PROMPT_SENSITIVE_FILE)
            continue
        for zone in _read_zones(rel, ws):
            if zone.context >= Level.DENY:
                denied.append(f"`{rel}` holds code of {_zone_line(zone)} Its code must not be "
                              "sent to AI tools (context: deny): describe what you need instead, "
                              "or ask its reviewers.")
                denied_inside.append(rel)
            elif zone.context >= Level.WARN:
                warned.append(f"`{rel}` holds code of {_zone_line(zone)} Send only what the task "
                              "needs (context: warn).")
            else:
                continue
            zones.append(zone.id)
            found_codes.append(codes.PROMPT_SENSITIVE_FILE)
    if denied:
        return Decision("deny", "pavedroad: " + " ".join(denied[:5]), tuple(found_codes),
                        tuple(dict.fromkeys(zones)), denied_path=next(iter(denied_inside), None))
    if warned:
        return Decision("warn", "pavedroad: " + " ".join(warned[:5]), tuple(found_codes),
                        tuple(dict.fromkeys(zones)))
    return Decision("allow")


def _tree_search_refusal(search: TreeSearch, call: HookCall, ws: Workspace) -> str | None:
    """Why a recursive search that prints what matches a credential's name (or every line) must
    not run: a sensitive file it would read under its folders, or a tree too large to check."""
    root = str(ws.root).rstrip("/") + "/"
    for folder in search.folders:
        if not os.path.isdir(folder):
            continue  # a file operand is a plain read, checked with the others
        real_dirs: dict[str, str] = {}
        # by far the most files: a plain one, reached through no link, whose name is nothing
        # sensitive (the full test below costs path objects and realpath calls per file)
        plain_names = (not search.follow and (folder.rstrip("/") + "/").startswith(root)
                       and not _under_link(folder, real_dirs))
        links: set[str] = set()
        try:
            for listed in searched_files(search, folder, links):
                # the name the full test reads (`_readable`: `secret\xe2\x82.txt` is one `?`)
                if plain_names and listed not in links and listed.startswith(root) and not any(
                        ws.maybe_sensitive(name) for name in ws.quick_names(_readable(listed[len(root):]))):
                    continue
                found = _listed_sensitive(listed, call, ws, real_dirs)
                if found is None or skipped_by_git(search, listed) or not _prints_lines_of(search, listed):
                    continue
                name, pattern = found
                printed = (f"the text of `{name}`" if search.prints.regex is None
                           else f"lines of `{name}` (they match its pattern)")
                return (f"the command reads `{_readable(folder)}` recursively and would print {printed}, "
                        f"a file that matches the sensitive pattern `{pattern}`. Exclude it (`grep "
                        "--exclude=...`, `rg -g '!...'`, `find ... ! -name ...`) or read only the files you need.")
        except TooManyFiles:
            if not search.leaky:
                continue  # a word no credential line holds, over a tree too large to list
            return (f"the command searches `{_readable(folder)}` recursively for a credential's name (or "
                    f"every line): more than {MAX_SEARCHED_FILES} files, too many to check for sensitive "
                    "ones. Search only the folders you need.")
    return None


def _history_refusal(read: HistoryRead, call: HookCall, ws: Workspace) -> str | None:
    """Why a git command that prints diffs or objects (`git log -p`, `git show`, `git diff
    HEAD~3`) must not run: a sensitive file whose text it would print, or too long a history."""
    if read.unchecked:
        return (f"the command (`{read.shown}`) prints diffs or files from git, and which files cannot "
                f"be checked before it runs: {read.unchecked}. Name the revisions literally (run "
                "`git rev-parse ...` first), or run the commands that change the repository separately.")
    try:
        listed = listed_files(read)
    except HistoryTooLarge:
        return (f"the command (`{read.shown}`) prints a history too long to check in time for "
                "sensitive files. Limit it (`-n 20`, a revision range, `-- <paths>`).")
    except HistoryUnchecked:
        return (f"the command (`{read.shown}`) prints diffs or files from git, and git could not list "
                "which for the same revisions and options, so they cannot be checked for sensitive files. "
                "Name the revisions literally, or ask for names only (`--stat`, `--name-only`).")
    if listed is None:
        return None  # not a repository, or nothing git can list: the command prints nothing either
    top, names = listed
    for name in names:
        path = os.path.join(top, _readable(name))
        rel = ws.rel(path, call.cwd)
        if rel is None:
            pattern = _outside_pattern(ws, path, call.cwd)
        elif any(ws.maybe_sensitive(n) for n in ws.quick_names(rel)):
            pattern = ws.sensitive_pattern(rel)
        else:
            continue
        if pattern is not None:
            shown = rel or _readable(name)
            names_only = "" if read.objects or read.everything or read.shown == "git archive" else (
                " or ask for names only (`--stat`, `--name-only`)")
            return (f"the command (`{read.shown}`) would print the text of `{shown}` from git's "
                    f"history or a diff, a file that matches the sensitive pattern `{pattern}`. Leave "
                    f"it out with a pathspec (`-- . ':(exclude){shown}'`){names_only}.")
    return None


def _real_dir(folder: str, real_dirs: dict[str, str]) -> str:
    """`folder`'s real path, cached: a tree search asks it for every file's folder."""
    real = real_dirs.get(folder)
    if real is None:
        real = real_dirs[folder] = os.path.realpath(folder)
    return real


def _under_link(folder: str, real_dirs: dict[str, str]) -> bool:
    """Whether the searched folder is reached through a link (then every name is judged by its
    real path too)."""
    return _real_dir(folder, real_dirs).rstrip("/") != folder.rstrip("/")


def _prints_lines_of(search: TreeSearch, path: str) -> bool:
    """Whether the search's pattern finds a line in the file (read by this trusted process; its
    text goes nowhere). A file that cannot be read cannot be printed by the search either; one of
    a commit (`git grep KEY HEAD`) is read from it, and counts as printed when git cannot say."""
    try:
        data: bytes | None = read_regular(path, MAX_TESTED)[0]
    except OSError:
        data = None
    if search.revisions:  # the file as each commit holds it; the working tree's when git cannot say
        blobs = [committed_bytes(revision, path, MAX_TESTED) or data for revision in search.revisions]
        return any(blob is None or search.prints.prints_from(blob) for blob in blobs)
    return data is not None and search.prints.prints_from(data)


def _listed_sensitive(listed: str, call: HookCall, ws: Workspace,
                      real_dirs: dict[str, str]) -> tuple[str, str] | None:
    """(name, sensitive pattern) of a file a tree search reads, judged by the name it is found
    under and by what it really is: a link (`notes.txt -> ~/.aws/credentials`) or a file in a
    linked folder (`creds/ -> ~/.aws/`). `real_dirs` caches each folder's real path."""
    folder, name = os.path.split(listed)
    real = os.path.realpath(listed) if os.path.islink(listed) else os.path.join(_real_dir(folder, real_dirs), name)
    for path in dict.fromkeys((_readable(listed), _readable(real))):
        rel = ws.rel(path, call.cwd)
        if rel is None:
            pattern = _outside_pattern(ws, path, call.cwd)
        else:
            pattern = ws.sensitive_pattern(rel) if ws.sensitive_any(rel) else None
        if pattern is not None:
            return rel or path, pattern
    return None


def _readable(path: str) -> str:
    """`path` with bytes that are not UTF-8 (`caf\\xe9.txt`, read with surrogate escapes) replaced:
    the matchers (RE2) and the message take only text that encodes."""
    return path if path.isascii() else os.fsencode(path).decode("utf-8", "replace")


def _sensitive_denial(name: str, pattern: str) -> str:
    return (f"`{name}` matches the sensitive pattern `{pattern}`: its contents must never reach an "
            "AI assistant. Work from a redacted sample (e.g. a `.example` file) or ask a person for "
            "the values you need.")


def _outside_pattern(ws: Workspace, path: str, cwd: str) -> str | None:
    """The `sensitive` glob a path outside the root matches, by any of its names: lexical and
    through symlinks. Relative to the home directory every glob applies (`.aws/credentials`);
    by the absolute name only floating ones (`**/*.pem`, `.env`), since an anchored glob
    (`tmp/**`, `data/**`) names a folder of the repository, not `/tmp` or `/data`."""
    lexical = os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd, path))
    home = os.path.expanduser("~").rstrip("/")
    for absolute in dict.fromkeys([lexical, os.path.realpath(lexical)]):
        names: list[tuple[str, bool]] = []
        if home not in ("", "~") and (absolute + "/").startswith(home + "/"):
            names.append((os.path.relpath(absolute, home).replace(os.sep, "/"), True))
        names.append((absolute.lstrip("/").replace(os.sep, "/"), False))
        for name, anchored_ok in names:
            for pattern, spec in ws.sensitive:
                floating = pattern.startswith("**/") or "/" not in pattern.rstrip("/")
                if (anchored_ok or floating) and spec.match_file(name) and covers(pattern, name):
                    return pattern
    return None


def _read_zones(rel: str, ws: Workspace) -> list[Zone]:
    target = ws.root / rel
    if target.is_dir():
        ids = ws.classifier.path_zones(rel.rstrip("/") + "/x", ws.names(rel))
    else:
        try:
            data, size = read_regular(target, MAX_EDIT_BYTES)
        except OSError:
            return []
        found = ws.classifier.classify(rel, data if size <= MAX_EDIT_BYTES else data[:8192],
                                       aliases=ws.names(rel), size=size, repo=ws.repo)
        ids = found.zone_ids
    return [z for z in (ws.config.zone(i) for i in ids) if z is not None]


# --- edits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    rel: str
    old_text: str
    new_text: str
    applied: Applied | None  # None: cannot be placed (judge the whole file)


def _change(action: EditAction, rel: str, ws: Workspace) -> _Change:
    old_text, whole = ws.read_text(rel)
    if action.opaque or not whole:
        return _Change(rel, old_text, old_text, None)
    if action.delete:
        return _Change(rel, old_text, "", whole_content(old_text, ""))
    try:
        if action.content is not None:
            applied = whole_content(old_text, action.content)
        else:
            applied = apply_edits(old_text, action.edits)
    except EditDoesNotApply:
        return _Change(rel, old_text, old_text, None)
    return _Change(rel, old_text, applied.new_text, applied)


def _spans(lines: Sequence[tuple[int, int]], tool: str | None) -> list[AiSpan]:
    return [AiSpan(first, last, "explicit", tool) for first, last in lines]


def _all_lines(text: str) -> tuple[tuple[int, int], ...]:
    return ((1, max(1, text.count("\n") + (0 if text.endswith("\n") else 1))),)


def _findings(rel: str, text: str, lines: Sequence[tuple[int, int]], call: HookCall,
              ws: Workspace) -> list[Finding]:
    if not lines:
        return []
    zones = ws.classify(rel, text.encode("utf-8", "surrogateescape"))
    records = ws.records
    return evaluate(rel, text, zones, _spans(lines, call.tool), ws.config, records.reviews,
                    records.exceptions, ws.now)


def decide_edit(action: EditAction, call: HookCall, ws: Workspace) -> Decision:
    rel = ws.rel(action.path, call.cwd)
    if rel is None:
        return Decision("allow")
    change = _change(action, rel, ws)
    if change.applied is None:
        new_findings: list[Finding] = []
        old_findings = _findings(rel, change.old_text, _all_lines(change.old_text), call, ws)
        if not change.old_text:
            old_findings = _path_findings(rel, call, ws)
        placed = False
    else:
        new_findings = _findings(rel, change.new_text, change.applied.new_lines, call, ws)
        old_findings = _findings(rel, change.old_text, change.applied.old_lines, call, ws)
        placed = True
    if action.move_to:
        dest = ws.rel(action.move_to, call.cwd)
        if dest is not None:
            new_findings += _findings(dest, change.new_text, _all_lines(change.new_text), call, ws)
    decision = _edit_decision(rel, new_findings, old_findings, placed, change, call, ws)
    if decision.verdict != "deny" and change.applied is not None:
        return _with_dependencies(decision, rel, change, ws)
    return decision


def _with_dependencies(decision: Decision, rel: str, change: _Change, ws: Workspace) -> Decision:
    """A manifest edit: the packages it adds, checked as `check` and the editor check them.
    Denied when one is deny-listed, not on the central allow list, missing from its registry or
    a look-alike name; warned for a likely typo, a vulnerable version or a non-default source."""
    from pavedroad.deps.ai_change import BLOCKING, check_ai_change, default_registry, is_manifest
    from pavedroad.deps.check import ZONE_ID

    if not is_manifest(rel) or ws.config.zone(ZONE_ID) is None:
        return decision
    report = check_ai_change(ws.root, rel, change.old_text, change.new_text, ws.config, None,
                             registry=default_registry(), budget=2.0)
    blocking = [f for f in report.findings if f.code in BLOCKING]
    if blocking:
        text = " ".join(f.message for f in blocking[:3])
        return Decision("deny", f"pavedroad: {text}", tuple(dict.fromkeys(f.code for f in blocking)),
                        (ZONE_ID,))
    warnings = [f for f in report.findings if f.severity in ("warning", "error")]
    if not warnings:
        return decision
    text = " ".join(f.message for f in warnings[:3])
    message = f"{decision.message} {text}".strip() if decision.message else f"pavedroad: {text}"
    return Decision("warn", message, decision.codes + tuple(f.code for f in warnings),
                    decision.zones, decision.record)


def _path_findings(rel: str, call: HookCall, ws: Workspace) -> list[Finding]:
    """A change we cannot see into, on a file that does not exist yet or a directory (`rm -r`):
    the zones its path rules give it, or any file in it."""
    names = [rel] + ([rel.rstrip("/") + "/x"] if (ws.root / rel).is_dir() else [])
    found: list[Finding] = []
    for name in names:
        found += evaluate(name, "\n", ws.classify(name, b"\n"), _spans(((1, 1),), call.tool),
                          ws.config, ws.records.reviews, ws.records.exceptions, ws.now)
    return found


def _edit_decision(rel: str, new: list[Finding], old: list[Finding], placed: bool,
                   change: _Change, call: HookCall, ws: Workspace) -> Decision:
    findings = new + [f for f in old if f.code == codes.AI_DENY]
    tool_level = _tool_level(call.tool, ws.config)
    deny = [f for f in findings if f.code == codes.AI_DENY]
    zones = tuple(dict.fromkeys(f.zone for f in findings))
    found_codes = tuple(dict.fromkeys(f.code for f in findings))
    where = "" if placed else " (the change could not be placed in the file, so the whole file counts)"
    if deny:
        f = deny[0]
        symbol = f" in `{f.data['symbol']}`" if f.data.get("symbol") else ""
        # the finding's message (policy.verdicts) already names the ways out
        return Decision("deny", f"pavedroad: this edit of `{rel}`{symbol} lands in a zone where "
                                f"AI-written code is not allowed{where}. {f.message}",
                        found_codes, zones)
    if tool_level >= Level.DENY:
        return Decision("deny", f"pavedroad: {call.tool or 'this tool'} is not on the approved AI "
                                "tools of this repository (ai_tools.approved); its edits are not "
                                "allowed here.", found_codes, zones)
    review = [f for f in new if f.code == codes.AI_REVIEW]
    record: dict[str, tuple[tuple[int, int], ...]] = {}
    if change.applied is not None and (review or tool_level >= Level.REVIEW):
        record[rel] = change.applied.new_lines
    if review:
        f = review[0]
        zone = ws.config.zone(f.zone)
        who = ", ".join(zone.reviewers) if zone is not None else ""
        return Decision("warn", f"pavedroad: allowed; lines {f.start_line}-{f.end_line} of `{rel}` "
                                f"are in zone '{f.zone}' and are recorded as AI-written: they need "
                                f"a review sign-off{' by ' + who if who else ''} before merge "
                                f"(`pavedroad signoff {rel}:{f.start_line}`, or the editor's "
                                "code action).", found_codes, zones, record)
    warn = [f for f in new if f.code == codes.AI_WARN]
    if warn or tool_level >= Level.WARN:
        text = warn[0].message if warn else (f"{call.tool or 'this tool'} is not on the approved "
                                             "AI tools of this repository.")
        return Decision("warn", f"pavedroad: {text}", found_codes, zones, record)
    return Decision("allow", "", found_codes, zones, record)


def _tool_level(tool: str | None, config: EffectiveConfig) -> Level:
    policy = config.ai_tools
    return Level.ALLOW if policy.is_approved(tool) else policy.unapproved


# --- prompts ----------------------------------------------------------------------------------


def decide_prompt(action: PromptAction, ws: Workspace) -> Decision:
    from pavedroad.promptcheck import check_workspace_prompt

    report = check_workspace_prompt(action.text, root=ws.root, config=ws.config,
                                    classifier=ws.classifier, references=action.attachments)
    if report.verdict == "allow":
        return Decision("allow")
    lines = [f"{f.rule} ({f.masked})" for f in report.findings[:6]]
    found_codes = tuple(dict.fromkeys(_prompt_code(f.kind) for f in report.findings))
    if report.verdict == "block":
        return Decision("deny", "pavedroad: this prompt was not sent: it contains "
                                + "; ".join(lines) + ". Remove or redact these (nothing of them "
                                "was logged) and send it again.", found_codes, report=report)
    return Decision("warn", "pavedroad: this prompt contains " + "; ".join(lines)
                            + ". Check that the assistant really needs them.", found_codes,
                    report=report)


def _prompt_code(kind: str) -> str:
    return {"secret": codes.PROMPT_SECRET, "pii": codes.PROMPT_PII,
            "internal": codes.PROMPT_INTERNAL}.get(kind, codes.PROMPT_SENSITIVE_FILE)


__all__ = ["Workspace", "decide", "decide_edit", "decide_prompt", "decide_read"]

"""Decide which file references point at sensitive files or at zones closed to prompt context.

1. Only references that attach a file or ask for it count (`FileReference.attaches`); mentions and
   front-matter scopes do not.
2. A path is resolved against `root` and matched against the config's gitignore-style `sensitive`
   patterns (pathspec). Templates and public keys (`.env.example`, `app.sample.yaml`,
   `*.template`, `*.dist`, `id_rsa.pub`) are not sensitive unless a pattern names them explicitly
   (its last segment spells the template word, e.g. `**/.env.example` or `*.sample`).
3. Zones: a file reference asks the caller's `zones_for_path(rel)` (which may read and classify
   the file); the files a folder or glob covers ask `glob_zones(rel)` (cheap, e.g. path rules
   only), at most `MAX_ZONE_CALLS` of them.
4. Globs and folders are answered from a `FileIndex` of the root (built at most once per check,
   or handed in by a long-lived shell) and, statically, by overlap with the patterns. No walk
   per reference.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pathspec

from pavedroad.templates import is_template, names_template

from .fileindex import FileIndex, Target, fs_safe, resolve_reference
from .findings import moved, register
from .model import BLOCK, KIND_SENSITIVE_FILE, WARN, FileReference, PromptFinding, severity_rank

ZonesForPath = Callable[[str], Sequence[tuple[str, int]]]
#: A ready index, a function that builds (or returns a cached) one on first need, or None.
IndexSource = FileIndex | Callable[[], FileIndex | None] | None

PATTERN = register(
    "sensitive_file.pattern",
    KIND_SENSITIVE_FILE,
    BLOCK,
    "a reference to a file matched by a `sensitive` pattern",
)
ZONE_DENY = register(
    "sensitive_file.zone-deny",
    KIND_SENSITIVE_FILE,
    BLOCK,
    "a reference to a file in a zone with `context: deny`",
)
ZONE_WARN = register(
    "sensitive_file.zone-warn",
    KIND_SENSITIVE_FILE,
    WARN,
    "a reference to a file in a zone with `context: warn`",
)
GLOB = register(
    "sensitive_file.glob",
    KIND_SENSITIVE_FILE,
    BLOCK,
    "a glob that matches sensitive files in this workspace",
)
CREDENTIAL_LINES = register(
    "sensitive_file.credential-lines",
    KIND_SENSITIVE_FILE,
    BLOCK,
    "a search that prints the credential lines of a shell start-up file",
)
GLOB_MAY = register(
    "sensitive_file.glob-may-match",
    KIND_SENSITIVE_FILE,
    WARN,
    "a glob that could match sensitive files",
)

#: Context levels as in `pavedroad.config.model.Level` (kept as ints so this stays pure).
LEVEL_WARN = 1
LEVEL_DENY = 3
#: Upper bound on zone callbacks for the files one glob or folder matches.
MAX_ZONE_CALLS = 200
_BRACES = re.compile(r"\{([^{}]*)\}")
#: Name parts that make a file a committed template rather than the real thing.
@dataclass(frozen=True)
class _Spec:
    patterns: tuple[str, ...]
    spec: pathspec.GitIgnoreSpec | None
    singles: tuple[tuple[str, pathspec.GitIgnoreSpec], ...]

    def match(self, rel: str) -> bool:
        if self.spec is None or not self.spec.match_file(rel):
            return False
        return not is_template(rel) or bool(self.which(rel))

    def which(self, rel: str) -> str:
        """The pattern that makes `rel` sensitive ("" if none; templates need an explicit one)."""
        template = is_template(rel)
        for pattern, single in self.singles:
            if single.match_file(rel) and (not template or names_template(pattern)):
                return pattern
        return ""


@lru_cache(maxsize=64)
def compile_patterns(patterns: tuple[str, ...]) -> _Spec:
    """Compile gitignore-style patterns, dropping (not raising on) malformed ones."""
    singles: list[tuple[str, pathspec.GitIgnoreSpec]] = []
    for pattern in patterns:
        if not pattern.strip() or pattern.lstrip().startswith("#"):
            continue
        try:
            singles.append((pattern, pathspec.GitIgnoreSpec.from_lines([pattern])))
        except Exception:
            continue
    valid = [p for p, _ in singles]
    spec = pathspec.GitIgnoreSpec.from_lines(valid) if valid else None
    return _Spec(tuple(valid), spec, tuple(s for s in singles if not s[0].startswith("!")))


def expand_braces(glob: str, limit: int = 16) -> list[str]:
    """`src/**/*.{ts,tsx}` -> both globs (VS Code globs allow braces, gitignore does not)."""
    out = [glob]
    for _ in range(4):
        nxt: list[str] = []
        changed = False
        for g in out:
            m = _BRACES.search(g)
            if m is None:
                nxt.append(g)
                continue
            changed = True
            for alt in m.group(1).split(","):
                nxt.append(g[: m.start()] + alt + g[m.end() :])
        out = nxt[:limit]
        if not changed:
            break
    return out


def pattern_samples(pattern: str) -> list[str]:
    """A few concrete paths a gitignore/glob pattern matches, for static overlap tests.

    `**` becomes nothing or one directory, `*` nothing or one character, so `**/.env*` yields
    `.env`, `.envx`, `a/.env`, ... and `**/*.env` yields `.env`, `x.env`, `a/x.env`, ...
    """
    p = pattern.strip().lstrip("/")
    if not p or p.startswith("!"):
        return []
    out: list[str] = []
    for variant in (p.replace("**/", ""), p.replace("**/", "a/"), p):
        base = variant.replace("/**", "/x").replace("**", "x")
        base = re.sub(r"\[!?([^\]])[^\]]*\]", r"\1", base).replace("?", "x")
        for star in ("", "x"):
            s = base.replace("*", star).rstrip("/")
            if s and not s.endswith("/"):
                out.append(s)
                if "/" not in p.rstrip("/"):
                    out.append("a/" + s)
    return list(dict.fromkeys(out))


def _finding(info_rule: str, ref: FileReference, message: str) -> PromptFinding:
    info = {
        PATTERN.rule: PATTERN,
        ZONE_DENY.rule: ZONE_DENY,
        ZONE_WARN.rule: ZONE_WARN,
        GLOB.rule: GLOB,
        GLOB_MAY.rule: GLOB_MAY,
        CREDENTIAL_LINES.rule: CREDENTIAL_LINES,
    }[info_rule]
    return PromptFinding(
        kind=KIND_SENSITIVE_FILE,
        rule=info.rule,
        message=message + f" [{info.rule}]",
        start=ref.start,
        end=ref.end,
        severity=info.severity,
        masked=ref.path_or_glob,
    )


def _max_zone(zones_for_path: ZonesForPath | None, rels: Sequence[str]) -> tuple[str, int]:
    best = ("", 0)
    if zones_for_path is None:
        return best
    for rel in rels[:MAX_ZONE_CALLS]:
        for zone_id, level in zones_for_path(rel):
            if int(level) > best[1]:
                best = (zone_id, int(level))
        if best[1] >= LEVEL_DENY:
            break
    return best


def _zone_finding(ref: FileReference, shown: str, zone: tuple[str, int]) -> PromptFinding | None:
    zone_id, level = zone
    if level >= LEVEL_DENY:
        return _finding(
            ZONE_DENY.rule,
            ref,
            f"`{shown}` is in zone `{zone_id}` (context: deny): its code must not be "
            "sent to an AI assistant. Remove the reference, or ask the zone's "
            "reviewers for an exception.",
        )
    if level >= LEVEL_WARN:
        return _finding(
            ZONE_WARN.rule,
            ref,
            f"`{shown}` is in zone `{zone_id}` (context: warn): send it only if the "
            "assistant really needs it, and never with credentials in it.",
        )
    return None


class _LazyIndex:
    """The index of one check: handed in, or built on first need and then reused."""

    def __init__(self, source: IndexSource, root: str | None) -> None:
        self._source = source
        self._root = root
        self._index: FileIndex | None = None
        self._done = False

    def get(self) -> FileIndex | None:
        if not self._done:
            self._done = True
            if isinstance(self._source, FileIndex):
                self._index = self._source
            elif self._source is not None:
                self._index = self._source()
            elif self._root and fs_safe(self._root):
                self._index = FileIndex.build(self._root)
        return self._index


def check_references(
    refs: Sequence[FileReference],
    *,
    root: str | None,
    sensitive: Sequence[str],
    zones_for_path: ZonesForPath | None,
    glob_zones: ZonesForPath | None = None,
    index: IndexSource = None,
    near: str | None = None,
) -> Iterator[PromptFinding]:
    """A finding for every attaching reference that names a sensitive file or a warn/deny zone.

    `near` is the prompt file's own directory (relative to `root`): a relative path that exists
    there is checked there too (`see assets/policy.yaml` in a skill names the skill's file), and
    the stricter of that answer and the root's stands."""
    spec = compile_patterns(tuple(sensitive))
    lazy = _LazyIndex(index, root)
    many = glob_zones if glob_zones is not None else zones_for_path
    # A prompt that repeats a reference (`src/**/*.py` in every paragraph) is answered once.
    memo: dict[tuple[str, bool, str], PromptFinding | None] = {}
    for ref in refs:
        if not ref.attaches:
            continue
        key = (ref.path_or_glob, ref.is_glob, ref.syntax if ref.syntax in _OWN_ANSWER else "")
        if key in memo:
            known = memo[key]
            finding = None if known is None else moved(known, ref.start, ref.end)
        elif ref.syntax == "credential-search":
            finding = memo[key] = _finding(
                CREDENTIAL_LINES.rule,
                ref,
                f"Searches `{ref.path_or_glob}` for a credential's name: the lines it prints hold "
                "the value (`export ..._KEY=...`), which would reach the assistant. Ask whether "
                "the variable is set (`test -n \"$NAME\"`) instead of printing it.",
            )
        elif ref.is_glob:
            finding = memo[key] = _check_glob(ref, spec, lazy, many)
        else:
            finding = memo[key] = _check_path(ref, spec, lazy, root, zones_for_path, many, near)
        if finding is not None:
            yield finding


#: Syntaxes whose answer differs from a plain reference to the same path (a folder; a search
#: that prints a file's credential lines), so they are remembered apart.
_OWN_ANSWER = frozenset({"hash-folder", "credential-search"})


def _check_path(
    ref: FileReference,
    spec: _Spec,
    lazy: _LazyIndex,
    root: str | None,
    zones_for_path: ZonesForPath | None,
    many: ZonesForPath | None,
    near: str | None = None,
) -> PromptFinding | None:
    # A relative path may mean the file next to the prompt or the one at the root (a skill's
    # `examples/`, or the root's, which an agent resolving from its working directory reads):
    # both are checked and the stricter answer stands, so a decoy next to the prompt file
    # cannot hide the root's `secrets/`.
    targets: dict[str, Target] = {}  # one per path: the two readings may be the same file
    for target in (_near_target(ref.path_or_glob, root, near), resolve_reference(ref.path_or_glob, root)):
        if target is not None:
            targets.setdefault(target.rel, target)
    found = [f for t in targets.values()
             if (f := _check_target(ref, t, spec, lazy, zones_for_path, many)) is not None]
    return max(found, key=lambda f: severity_rank(f.severity)) if found else None


def _check_target(
    ref: FileReference,
    target: Target,
    spec: _Spec,
    lazy: _LazyIndex,
    zones_for_path: ZonesForPath | None,
    many: ZonesForPath | None,
) -> PromptFinding | None:
    rel = target.rel
    is_dir = target.is_dir or ref.syntax == "hash-folder"
    # A folder is as sensitive as anything in it: probe a child path and the files it holds.
    contents: list[str] = []
    if is_dir and target.inside_root:
        index = lazy.get()
        contents = index.under(rel) if index is not None else []
    candidates = [rel + "/", rel + "/_", *contents] if is_dir else [rel]
    for cand in candidates:
        if spec.match(cand):
            pattern = spec.which(cand)
            inner = f" (it contains `{cand}`)" if cand in contents else ""
            return _finding(
                PATTERN.rule,
                ref,
                f"References `{ref.path_or_glob}`{inner}, which matches the sensitive "
                f"pattern `{pattern}`: its contents must never reach an AI assistant. "
                "Remove the reference; share a redacted excerpt or a sample file "
                "instead.",
            )
    if not target.inside_root or not fs_safe(rel):
        return None
    zone = _max_zone(many, contents or [rel + "/_"]) if is_dir else _max_zone(zones_for_path, [rel])
    return _zone_finding(ref, ref.path_or_glob, zone)


@lru_cache(maxsize=512)
def _overlapping_pattern(globs: tuple[str, ...], patterns: tuple[str, ...]) -> str:
    """The sensitive pattern the globs could match by shape alone, whatever the tree holds: a
    path the glob matches is sensitive, or a sensitive path the glob matches. Cached: a server
    re-checks the same prompt's globs on every edit, and this is the dearest part of a check."""
    spec = compile_patterns(patterns)
    pattern = next((spec.which(s) for g in globs for s in pattern_samples(g) if spec.match(s)), "")
    if pattern:
        return pattern
    glob_spec = pathspec.GitIgnoreSpec.from_lines(globs)
    return next(
        (
            p
            for p in spec.patterns
            if not p.startswith("!")
            and any(glob_spec.match_file(s) and not is_template(s) for s in pattern_samples(p))
        ),
        "",
    )


def _near_target(path: str, root: str | None, near: str | None) -> Target | None:
    """`path` read from the prompt's own directory, if it is relative and exists there."""
    if not near or not root or path.startswith(("/", "~", "\\")) or ":" in path:
        return None
    local = resolve_reference(posixpath.join(near, path.replace("\\", "/")), root)
    if local is None or not local.inside_root or not fs_safe(local.rel):
        return None
    return local if os.path.lexists(os.path.join(root, local.rel)) else None


def _check_glob(
    ref: FileReference, spec: _Spec, lazy: _LazyIndex, many: ZonesForPath | None
) -> PromptFinding | None:
    globs = [g[2:] if g.startswith("./") else g for g in expand_braces(ref.path_or_glob)]
    try:
        glob_spec = pathspec.GitIgnoreSpec.from_lines(globs)
    except Exception:
        return None
    index = lazy.get()
    matched: list[str] = []
    if index is not None:
        fast = index.glob_matches(globs)
        matched = fast if fast is not None else index.matching(glob_spec)
    hits = [f for f in matched if spec.match(f)]
    if hits:
        shown = ", ".join(f"`{h}`" for h in hits[:3]) + (" ..." if len(hits) > 3 else "")
        return _finding(
            GLOB.rule,
            ref,
            f"The glob `{ref.path_or_glob}` matches sensitive files here ({shown}): an "
            "assistant that follows it would read them. Narrow the glob so it "
            "excludes them.",
        )
    zone = _max_zone(many, matched)
    if zone[1] >= LEVEL_DENY:
        return _finding(
            GLOB.rule,
            ref,
            f"The glob `{ref.path_or_glob}` matches files in zone `{zone[0]}` "
            "(context: deny). Narrow the glob so it excludes them.",
        )
    pattern = _overlapping_pattern(tuple(globs), spec.patterns)
    if pattern:
        return _finding(
            GLOB_MAY.rule,
            ref,
            f"The glob `{ref.path_or_glob}` could match files covered by the "
            f"sensitive pattern `{pattern}`. Narrow it so it cannot.",
        )
    if zone[1] >= LEVEL_WARN:
        return _finding(
            GLOB_MAY.rule,
            ref,
            f"The glob `{ref.path_or_glob}` matches files in zone `{zone[0]}` "
            "(context: warn): check that the assistant needs them.",
        )
    return None

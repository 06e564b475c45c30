"""Decide which file references point at sensitive files or at zones closed to prompt context.

Pure apart from an optional, bounded look at the workspace: paths are resolved against `root`,
matched against the config's gitignore-style `sensitive` patterns (pathspec), and passed to the
caller's `zones_for_path` callback for zone context levels. Globs are checked against the files
that exist under the root (at most `MAX_WALK_FILES`) and, statically, against the patterns.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote, urlparse

import pathspec

from .findings import register
from .model import BLOCK, KIND_SENSITIVE_FILE, WARN, FileReference, PromptFinding

ZonesForPath = Callable[[str], Sequence[tuple[str, int]]]

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
GLOB_MAY = register(
    "sensitive_file.glob-may-match",
    KIND_SENSITIVE_FILE,
    WARN,
    "a glob that could match sensitive files",
)

#: Context levels as in `pavedroad.config.model.Level` (kept as ints so this stays pure).
LEVEL_WARN = 1
LEVEL_DENY = 3
#: Upper bound on files listed under a root for glob and folder checks.
MAX_WALK_FILES = 5000
#: Upper bound on zone callbacks for the files one glob or folder matches.
MAX_ZONE_CALLS = 200
_SKIP_DIRS = frozenset(
    [
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".gradle",
        ".idea",
    ]
)
_BRACES = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class _Spec:
    patterns: tuple[str, ...]
    spec: pathspec.GitIgnoreSpec | None
    singles: tuple[tuple[str, pathspec.GitIgnoreSpec], ...]

    def match(self, rel: str) -> bool:
        return self.spec is not None and self.spec.match_file(rel)

    def which(self, rel: str) -> str:
        for pattern, single in self.singles:
            if single.match_file(rel):
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


@dataclass(frozen=True)
class Target:
    rel: str  # posix path used for matching (relative to root when inside it)
    inside_root: bool
    is_dir: bool


def resolve(path: str, root: str | None) -> Target | None:
    """Where a referenced path points, relative to `root`; None for non-file URIs."""
    raw = path.strip().strip("\"'")
    if raw.startswith("file:"):
        parsed = urlparse(raw)
        raw = unquote(parsed.path)
    elif re.match(r"[A-Za-z][A-Za-z0-9+.-]{1,20}://", raw):
        return None
    raw = raw.replace("\\", "/")
    is_dir = raw.endswith("/")
    if raw.startswith("~"):  # the user's home: never inside the workspace
        rel = raw.lstrip("~").lstrip("/")
        return Target(posixpath.normpath(rel), False, is_dir) if rel else None
    root_posix = os.path.abspath(root).replace("\\", "/") if root else None
    if raw.startswith("/"):
        norm = posixpath.normpath(raw)
        if root_posix and (norm == root_posix or norm.startswith(root_posix.rstrip("/") + "/")):
            rel = posixpath.relpath(norm, root_posix)
            inside = True
        else:
            rel, inside = norm.lstrip("/"), False
    else:
        rel = posixpath.normpath(raw)
        inside = not (rel == ".." or rel.startswith("../"))
        while rel.startswith("../"):
            rel = rel[3:]
    if rel in ("", ".", ".."):
        return None
    if inside and root and not is_dir:
        is_dir = os.path.isdir(os.path.join(root, rel))
    return Target(rel, inside, is_dir)


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


@dataclass
class _Workspace:
    """Lazily listed files under the root (bounded), shared by all references of one check."""

    root: str | None
    _files: list[str] | None = field(default=None)
    truncated: bool = False

    def files(self) -> list[str]:
        if self._files is None:
            self._files = []
            if self.root and os.path.isdir(self.root):
                self._files, self.truncated = _walk(self.root, "")
        return self._files

    def under(self, rel_dir: str) -> list[str]:
        if not self.root:
            return []
        prefix = rel_dir.rstrip("/") + "/"
        if self._files is not None and not self.truncated:
            return [f for f in self._files if f.startswith(prefix)]
        files, _ = _walk(self.root, rel_dir)
        return files


def _walk(root: str, rel_dir: str) -> tuple[list[str], bool]:
    out: list[str] = []
    base = os.path.join(root, rel_dir) if rel_dir else root
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        rel_base = os.path.relpath(dirpath, root).replace(os.sep, "/")
        for name in sorted(filenames):
            out.append(name if rel_base == "." else f"{rel_base}/{name}")
            if len(out) >= MAX_WALK_FILES:
                return out, True
    return out, False


def _finding(info_rule: str, ref: FileReference, message: str) -> PromptFinding:
    info = {
        PATTERN.rule: PATTERN,
        ZONE_DENY.rule: ZONE_DENY,
        ZONE_WARN.rule: ZONE_WARN,
        GLOB.rule: GLOB,
        GLOB_MAY.rule: GLOB_MAY,
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


def check_references(
    refs: Sequence[FileReference],
    *,
    root: str | None,
    sensitive: Sequence[str],
    zones_for_path: ZonesForPath | None,
) -> Iterator[PromptFinding]:
    """A finding for every reference that names a sensitive file or a warn/deny zone."""
    spec = compile_patterns(tuple(sensitive))
    ws = _Workspace(root)
    for ref in refs:
        if ref.is_glob:
            finding = _check_glob(ref, spec, ws, zones_for_path)
        else:
            finding = _check_path(ref, spec, ws, root, zones_for_path)
        if finding is not None:
            yield finding


def _check_path(
    ref: FileReference,
    spec: _Spec,
    ws: _Workspace,
    root: str | None,
    zones_for_path: ZonesForPath | None,
) -> PromptFinding | None:
    target = resolve(ref.path_or_glob, root)
    if target is None:
        return None
    rel = target.rel
    is_dir = target.is_dir or ref.syntax == "hash-folder"
    # A folder is as sensitive as anything in it: probe a child path and the files it holds.
    contents = ws.under(rel) if is_dir and target.inside_root else []
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
    if not target.inside_root:
        return None
    files = (contents or [rel + "/_"]) if is_dir else [rel]
    return _zone_finding(ref, ref.path_or_glob, _max_zone(zones_for_path, files))


def _check_glob(
    ref: FileReference, spec: _Spec, ws: _Workspace, zones_for_path: ZonesForPath | None
) -> PromptFinding | None:
    globs = [g[2:] if g.startswith("./") else g for g in expand_braces(ref.path_or_glob)]
    try:
        glob_spec = pathspec.GitIgnoreSpec.from_lines(globs)
    except Exception:
        return None
    matched = [f for f in ws.files() if glob_spec.match_file(f)]
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
    zone = _max_zone(zones_for_path, matched)
    if zone[1] >= LEVEL_DENY:
        return _finding(
            GLOB.rule,
            ref,
            f"The glob `{ref.path_or_glob}` matches files in zone `{zone[0]}` "
            "(context: deny). Narrow the glob so it excludes them.",
        )
    # Static overlap: a path the glob matches is sensitive, or a sensitive path the glob matches.
    pattern = next((spec.which(s) for g in globs for s in pattern_samples(g) if spec.match(s)), "")
    if not pattern:
        pattern = next(
            (p for p in spec.patterns if any(glob_spec.match_file(s) for s in pattern_samples(p))),
            "",
        )
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

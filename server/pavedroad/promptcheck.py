"""Prompt checks against a workspace: the pure prompt engine plus this repo's zones and sensitive files.

Shared by `pavedroad prompt`, the `pavedroad/checkPrompt` request and prompt-file diagnostics, so a
chat integration, an agent hook and the editor agree on every verdict.

How one root is consulted (`PromptWorkspace`):
1. References are resolved against a `FileIndex` of the root, built on first need (only when the
   text attaches a folder or a glob) and then kept: the CLI builds it at most once per run, the
   language server keeps one per root and refreshes it from file events (`files_changed`).
2. A referenced *file* is classified like `pavedroad zones` would (content rules included), and the
   answer is cached per (path, mtime, size). The files a *folder or glob* covers are judged by the
   zones' path rules plus any content zones already cached, never parsed on the prompt path.
3. Templates (`.env.example`, `*.sample`, ...) do not inherit a zone from a path rule that does not
   name them explicitly, as for `sensitive` patterns.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

from pavedroad.analysis.classify import Classifier
from pavedroad.analysis.model import FileZones
from pavedroad.config.model import EffectiveConfig, Level
from pavedroad.prompts import (
    DEFAULT_PROMPT_FILE_PATTERNS,
    FileIndex,
    PromptReport,
    check_prompt,
    is_prompt_file,
    is_template,
)
from pavedroad.prompts.fileindex import fs_safe
from pavedroad.zonemap import classify_path

#: Only files this large or smaller are classified to learn their zones' `context` level.
MAX_REFERENCED_BYTES = 2 * 1024 * 1024
#: Cached per-file zone answers per root (a prompt names few files; this bounds a long session).
MAX_ZONE_CACHE = 4096

Zones = tuple[tuple[str, int], ...]


def reference_bases(root: Path, prompt_file: Path) -> list[str]:
    """Where relative references in `prompt_file` may be written from (relative to `root`): its
    own directory and each enclosing project directory (one holding a `.pavedroad.yaml`)."""
    out: list[str] = []
    try:
        here = prompt_file.resolve().parent.relative_to(root.resolve())
    except (ValueError, OSError):
        return out
    for directory in (here, *here.parents):
        rel = directory.as_posix()
        if rel in ("", "."):
            break
        if directory == here or (root / directory / ".pavedroad.yaml").is_file():
            out.append(rel)
    return out[1:] + out[:1]  # projects first, then the file's own directory


def prompt_directory(root: Path, prompt_file: Path) -> str | None:
    """The prompt file's directory relative to `root` (None at the root or outside it): relative
    references that exist there are checked there as well as at the root (`check_prompt`'s
    `near`; the stricter answer stands)."""
    try:
        here = prompt_file.resolve().parent.relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return None
    return None if here in ("", ".") else here


def prompt_file_patterns(config: EffectiveConfig) -> tuple[str, ...]:
    return (*DEFAULT_PROMPT_FILE_PATTERNS, *config.prompt_files)


def is_prompt_document(rel_path: str, config: EffectiveConfig) -> bool:
    return is_prompt_file(rel_path, prompt_file_patterns(config))


def reference_path(reference: str, root: Path) -> str:
    """A `file:` URI or path as the prompt engine wants it: relative to `root` when inside it.

    Never raises: a path no file system can hold (NUL byte, lone surrogate) is passed on as text
    and matched by name only.
    """
    if reference.startswith("file:"):
        reference = unquote(urlparse(reference).path)
    if not fs_safe(reference):
        return reference
    path = Path(reference)
    if path.is_absolute():
        try:
            return path.resolve().relative_to(root).as_posix()
        except (ValueError, OSError, RuntimeError):
            return path.as_posix()
    return reference


class PromptWorkspace:
    """One root's config, classifier, file index and zone cache, for checking prompts."""

    def __init__(
        self,
        root: Path,
        config: EffectiveConfig,
        classifier: Classifier,
        *,
        index: FileIndex | None = None,
        bases: Sequence[str] = (),
    ) -> None:
        self.root = root.resolve() if fs_safe(str(root)) else root
        #: directories (relative to the root) that relative references may be written from: a
        #: prompt file in a nested project names files relative to that project
        self.bases = tuple(b for b in bases if b and b != ".")
        self.config = config
        self.classifier = classifier
        self._index = index
        self._lock = threading.Lock()
        #: rel -> ((mtime_ns, size), zones with a context level above allow)
        self._zones: dict[str, tuple[tuple[int, int], Zones]] = {}
        #: rel -> zones from path rules alone (depends only on the path and this config)
        self._path_zones: dict[str, Zones] = {}

    # --- the index ----------------------------------------------------------------------------
    @property
    def index_built(self) -> bool:
        return self._index is not None

    @property
    def built_index(self) -> FileIndex | None:
        """The index if built (it does not depend on the config, so a new workspace may reuse it)."""
        return self._index

    def index(self) -> FileIndex:
        """The root's file index, built on first call (thread-safe: a prewarm thread may race)."""
        index = self._index
        if index is None:
            with self._lock:
                if self._index is None:
                    self._index = FileIndex.build(str(self.root))
                index = self._index
        return index

    def prewarm(self) -> None:
        """Build the index, the path-rule zones of every indexed file and the classifier's plans
        for their languages (a background job for a long-lived server, so the first reference in
        a prompt does not pay for them)."""
        files = list(self.index().files())
        for rel in files:
            self._path_rule_zones(rel)
        self.classifier.prepare(files)

    def files_changed(self, paths: Iterable[str]) -> None:
        """File events (absolute paths or `file:` URIs): refresh the index and the zone cache."""
        paths = list(paths)
        for path in paths:
            rel = reference_path(path, self.root)
            self._zones.pop(rel, None)
            prefix = rel.rstrip("/") + "/"
            for key in [k for k in self._zones if k.startswith(prefix)]:
                del self._zones[key]
        if self._index is not None:
            self._index.update(paths)

    # --- zones --------------------------------------------------------------------------------
    def _levels(self, zones: FileZones, rel: str) -> Zones:
        template = is_template(rel)
        result = []
        for zone_id in zones.zone_ids:
            zone = self.config.zone(zone_id)
            if zone is None or zone.context <= Level.ALLOW:
                continue
            if template and not self._names_template(zones, zone_id):
                continue
            result.append((zone.id, int(zone.context)))
        return tuple(result)

    @staticmethod
    def _names_template(zones: FileZones, zone_id: str) -> bool:
        """A template is in a zone only by content, or by a path rule that spells it out."""
        for region in zones.regions:
            if region.zone != zone_id:
                continue
            for reason in region.reasons:
                if not reason.startswith("path ") or is_template(reason[5:].replace("*", "x")):
                    return True
        return False

    def zones_for_path(self, rel: str, bases: Sequence[str] | None = None) -> Zones:
        """Zones (context above allow) of one referenced file, classified with content rules; a
        path that is not a file at the root is also tried below each of `bases`."""
        if not fs_safe(rel):
            return ()
        bases = self.bases if bases is None else bases
        if bases and not os.path.isfile(os.path.join(self.root, rel)):
            for base in bases:
                candidate = f"{base}/{rel}"
                if os.path.isfile(os.path.join(self.root, candidate)):
                    rel = candidate
                    break
        target = os.path.normpath(os.path.join(self.root, rel))
        try:
            st = os.stat(target)
            real = Path(target).resolve()
        except (OSError, ValueError, RuntimeError):
            return ()
        if not real.is_relative_to(self.root) or not os.path.isfile(target):
            return ()
        key = (st.st_mtime_ns, st.st_size)
        cached = self._zones.get(rel)
        if cached is not None and cached[0] == key:
            return cached[1]
        zones = classify_path(self.classifier, self.root, real.relative_to(self.root).as_posix())
        levels = () if zones is None else self._levels(zones, rel)
        if len(self._zones) >= MAX_ZONE_CACHE:
            self._zones.clear()
        self._zones[rel] = (key, levels)
        return levels

    def _path_rule_zones(self, rel: str) -> Zones:
        cached = self._path_zones.get(rel)
        if cached is not None:
            return cached
        ids = self.classifier.path_zones(rel)
        levels: Zones = ()
        if ids:
            if is_template(rel):
                levels = self._levels(self.classifier.classify(rel, b"\0"), rel)
            else:
                levels = tuple(
                    (z.id, int(z.context))
                    for z in (self.config.zone(i) for i in sorted(set(ids)))
                    if z is not None and z.context > Level.ALLOW
                )
        indexed = len(self._index) if self._index is not None else 0
        if len(self._path_zones) >= MAX_ZONE_CACHE + indexed:
            self._path_zones.clear()
        self._path_zones[rel] = levels
        return levels

    def glob_zones(self, rel: str) -> Zones:
        """Zones of a file a folder or glob covers: path rules, plus content zones if cached."""
        levels = self._path_rule_zones(rel)
        cached = self._zones.get(rel)
        if cached is None or not cached[1]:
            return levels
        return tuple(sorted(set(levels) | set(cached[1])))

    # --- the check ----------------------------------------------------------------------------
    def check(self, text: str, references: Sequence[str] = (),
              bases: Sequence[str] | None = None, near: str | None = None) -> PromptReport:
        return check_prompt(
            text,
            root=str(self.root),
            sensitive=self.config.sensitive,
            internal_domains=self.config.internal_domains,
            zones_for_path=lambda rel: self.zones_for_path(rel, bases),
            glob_zones=self.glob_zones,
            index=self.index,
            references=[reference_path(r, self.root) for r in references],
            near=near,
        )


def check_workspace_prompt(
    text: str,
    *,
    root: Path,
    config: EffectiveConfig,
    classifier: Classifier,
    references: Sequence[str] = (),
    workspace: PromptWorkspace | None = None,
    bases: Sequence[str] = (),
    near: str | None = None,
) -> PromptReport:
    """Check `text` (and attached `references`) against the workspace's zones and sensitive files.

    Pass a long-lived `workspace` to reuse its index and zone cache; without one, a fresh one
    serves this call only (the index is still built at most once, and only if needed).
    """
    if workspace is None or workspace.config is not config:
        workspace = PromptWorkspace(root, config, classifier, bases=bases)
    return workspace.check(text, references, near=near)

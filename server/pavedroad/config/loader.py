"""Loading a workspace's zone config: find the root, read the repo file and everything it extends,
validate each file, and layer them into an `EffectiveConfig`.

Order of layers: the `central` maps handed in by the editor setting or a CLI flag (each preceded by
whatever it extends), then the repo file's `extends` entries (depth first, each preceded by what it
extends), then the repo file itself. A file reached twice (e.g. a preset extended both by the
central map and by the repo) is applied once, at its first position.

Problems are located in the file that contains them. A fatal problem (PR001-PR004: syntax, schema,
pattern, extends) makes `LoadResult.config` None, but `LoadResult.fallback` still carries the config
of every layer that did load, so a repo cannot switch central rules off by committing a broken file.
Refused weakenings of locked zones (PR005) are not fatal: the central value stays in force.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pavedroad import codes
from pavedroad.config.layer import ExtendsEntry, Layer
from pavedroad.config.layering import merge_layers
from pavedroad.config.model import ConfigProblem, EffectiveConfig, LoadResult, SourceRef
from pavedroad.config.presets import preset_names, preset_path
from pavedroad.config.urlcache import FetchError, default_cache_dir, get_pinned
from pavedroad.config.validate import SHA256, did_you_mean, parse_layer
from pavedroad.config.yamlpos import decode_config_bytes

REPO_FILE = ".pavedroad.yaml"
#: How deep `extends` may nest (a central map extending a preset is depth 2).
MAX_EXTENDS_DEPTH = 16
#: Largest config file read (bytes).
MAX_FILE_BYTES = 1 << 20

FATAL_CODES = frozenset(
    {codes.CONFIG_SYNTAX, codes.CONFIG_SCHEMA, codes.CONFIG_PATTERN, codes.CONFIG_EXTENDS}
)

Status = Literal["ok", "unreadable", "broken"]


def find_root(path: str | Path) -> Path:
    """The workspace root for a file or directory.

    Walks up from `path` (its directory if it is a file, or does not exist yet) to the first
    directory holding `.pavedroad.yaml`. The walk stops at the git top level (a directory containing
    `.git`), which is returned when no config was found below it; with neither, the path's own
    directory is returned.
    """
    start = Path(os.path.abspath(os.fspath(path)))
    if not start.is_dir():
        start = start.parent
    for directory in (start, *start.parents):
        if (directory / REPO_FILE).exists():
            return directory
        if (directory / ".git").exists():
            return directory
    return start


@dataclass(frozen=True)
class _Source:
    kind: Literal["file", "preset", "url"]
    identity: str
    label: str
    file: str  # shown in SourceRef: absolute path, or the url
    path: Path | None = None
    url: str = ""
    sha256: str = ""
    text: str | None = None  # content given by the caller (unsaved editor buffer)


def _read_error(exc: OSError, shown: str) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"no such file: {shown}"
    if isinstance(exc, IsADirectoryError):
        return f"{shown} is a directory, not a zone map"
    if exc.errno == errno.ELOOP:
        return f"cannot read {shown}: symlink loop"
    if isinstance(exc, PermissionError):
        return f"cannot read {shown}: permission denied"
    return f"cannot read {shown}: {exc.strerror or exc}"


class _Loader:
    def __init__(self, root: Path, cache_dir: Path, fetch: Callable[[str], bytes] | None) -> None:
        self.root = root
        self.cache_dir = cache_dir
        self.fetch = fetch
        self.layers: list[Layer] = []
        self.status: dict[str, Status] = {}
        self.problems: list[ConfigProblem] = []
        self.files: list[str] = []
        self.labels: dict[str, str] = {}
        #: identity -> first error in that file or anything it extends ("file:line:col: message")
        self.nested_error: dict[str, str] = {}

    # --- sources ------------------------------------------------------------------------------
    def label_for(self, path: str) -> str:
        try:
            rel = os.path.relpath(path, self.root)
        except ValueError:  # another drive on Windows
            return Path(path).as_posix()
        return Path(rel).as_posix()

    def file_source(self, path: str, label: str | None = None, text: str | None = None) -> _Source:
        path = os.path.normpath(path)
        try:
            identity = os.path.realpath(path)
        except (OSError, RuntimeError, ValueError):
            identity = path
        return _Source("file", "file:" + identity, label or self.label_for(path), path, Path(path),
                       text=text)

    def preset_source(self, name: str) -> _Source:
        path = preset_path(name)  # KeyError if unknown
        return _Source("preset", "preset:" + name, "preset:" + name, str(path), path)

    def url_source(self, url: str, digest: str) -> _Source:
        return _Source("url", "sha256:" + digest.lower(), url, url, url=url, sha256=digest.lower())

    def resolve(self, entry: ExtendsEntry, parent: _Source) -> _Source | None:
        """The source an `extends` entry names, or None (problem reported at the entry)."""
        if entry.kind == "preset":
            try:
                return self.preset_source(entry.target)
            except KeyError:
                names = preset_names()
                self.report_entry(entry, f"unknown preset {entry.target!r}"
                                         f"{did_you_mean(entry.target, names)} "
                                         f"(available: {', '.join(names) or 'none'})")
                return None
        if entry.kind == "url":
            return self.url_source(entry.target, entry.sha256 or "")
        if parent.kind == "url":
            self.report_entry(entry, f"{parent.url} was fetched from a url and cannot extend the "
                                     f"local path {entry.target!r}; use a preset or a pinned url")
            return None
        base = os.path.dirname(parent.file)
        target = os.path.expanduser(entry.target)
        return self.file_source(os.path.join(base, target))

    def report_entry(self, entry: ExtendsEntry, message: str) -> None:
        self.problems.append(ConfigProblem(codes.CONFIG_EXTENDS, message, entry.where, "error",
                                           entry.end_column))

    # --- reading ------------------------------------------------------------------------------
    def read(self, source: _Source) -> tuple[str | None, str | None]:
        """(text, None) or (None, reason)."""
        if source.text is not None:
            return source.text, None
        data: bytes
        if source.kind == "url":
            try:
                data = get_pinned(source.url, source.sha256, self.cache_dir, self.fetch)
            except FetchError as exc:
                return None, str(exc)
        else:
            assert source.path is not None
            shown = source.label if source.kind == "file" else source.file
            try:
                if source.path.is_dir():
                    raise IsADirectoryError(errno.EISDIR, "is a directory")
                with open(source.path, "rb") as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
            except OSError as exc:
                return None, _read_error(exc, shown)
            if len(data) > MAX_FILE_BYTES:
                return None, f"{shown} is larger than {MAX_FILE_BYTES} bytes"
            if source.kind == "file":
                self.files.append(source.file)
        text, problems = decode_config_bytes(data, source.file)
        if text is None:
            self.problems.extend(problems)
            return None, None  # reported inside the file itself
        return text, None

    @staticmethod
    def _at(source: _Source, ext: ExtendsEntry, target: str) -> str:
        return f"{source.label}:{ext.where.line}:{ext.where.column}: cannot load {target}"

    def include(self, source: _Source, chain: tuple[str, ...], entry: ExtendsEntry | None,
                depth: int) -> Status:
        if source.identity in chain:
            names = " -> ".join([*chain_labels(self, chain, source)])
            self.problems.append(ConfigProblem(
                codes.CONFIG_EXTENDS, f"`extends` cycle: {names}",
                entry.where if entry else SourceRef(source.file, 1, 1), "error",
                entry.end_column if entry else None))
            return "unreadable"
        if source.identity in self.status:
            return self.status[source.identity]
        if depth > MAX_EXTENDS_DEPTH:
            self.problems.append(ConfigProblem(
                codes.CONFIG_EXTENDS,
                f"`extends` nests deeper than {MAX_EXTENDS_DEPTH} levels at {source.label}",
                entry.where if entry else SourceRef(source.file, 1, 1), "error",
                entry.end_column if entry else None))
            return "unreadable"
        self.labels[source.identity] = source.label
        text, reason = self.read(source)
        if text is None:
            if reason is not None:
                where = entry.where if entry else SourceRef(source.file, 1, 1)
                code = codes.CONFIG_EXTENDS if entry else codes.CONFIG_SYNTAX
                self.problems.append(ConfigProblem(code, reason, where, "error",
                                                   entry.end_column if entry else None))
                self.status[source.identity] = "unreadable"
                return "unreadable"
            self.status[source.identity] = "broken"
            self.nested_error.setdefault(source.identity, f"{source.label}: not valid UTF-8")
            return "broken"
        try:
            layer, problems = parse_layer(text, source.file, source.label)
        except Exception as exc:  # a bug must not take the editor down: report it in the file
            layer = Layer(source.label, source.file, fatal=True)
            problems = [ConfigProblem(codes.CONFIG_SYNTAX, f"internal error reading this file: "
                                                           f"{type(exc).__name__}: {exc}",
                                      SourceRef(source.file, 1, 1))]
        self.problems.extend(problems)
        first = next((p for p in problems if p.severity == "error"), None)
        if first is not None:
            self.nested_error.setdefault(
                source.identity,
                f"{source.label}:{first.where.line}:{first.where.column}: {first.message}")
        for ext in layer.extends:
            child = self.resolve(ext, source)
            if child is None:
                self.nested_error.setdefault(source.identity, self._at(source, ext, ext.target))
                continue
            status = self.include(child, (*chain, source.identity), ext, depth + 1)
            detail = self.nested_error.get(child.identity, "")
            if status == "unreadable":
                self.nested_error.setdefault(source.identity, self._at(source, ext, child.label))
            elif status == "broken":
                self.report_entry(ext, f"{child.label} has errors and is not applied"
                                       + (f" (first: {detail})" if detail else ""))
                self.nested_error.setdefault(source.identity, detail)
            elif detail:
                self.report_entry(ext, f"{child.label} could not be loaded completely "
                                       f"(first: {detail})")
                self.nested_error.setdefault(source.identity, detail)
        self.layers.append(layer)
        result: Status = "broken" if layer.fatal else "ok"
        self.status[source.identity] = result
        return result


def chain_labels(loader: _Loader, chain: tuple[str, ...], source: _Source) -> list[str]:
    out = [loader.labels.get(identity, identity) for identity in chain]
    out.append(source.label)
    return out


def _central_source(loader: _Loader, spec: str) -> _Source | None:
    where = SourceRef(spec, 1, 1)
    text = spec.strip()
    if text.startswith("preset:"):
        name = text[len("preset:"):].strip()
        try:
            return loader.preset_source(name)
        except KeyError as exc:
            loader.problems.append(ConfigProblem(codes.CONFIG_EXTENDS, str(exc.args[0]), where))
            return None
    if text.lower().startswith(("http://", "https://")):
        url, _, fragment = text.partition("#")
        digest = fragment[len("sha256="):] if fragment.startswith("sha256=") else ""
        if not SHA256.match(digest):
            loader.problems.append(ConfigProblem(
                codes.CONFIG_EXTENDS,
                f"central map url {url} needs a pinned digest: write it as URL#sha256=<64 hex>",
                where))
            return None
        return loader.url_source(url, digest)
    path = os.path.join(loader.root, os.path.expanduser(text))
    return loader.file_source(path)


def _new_loader(root: Path, cache_dir: str | Path | None,
                fetch: Callable[[str], bytes] | None) -> _Loader:
    return _Loader(root, Path(cache_dir) if cache_dir is not None else default_cache_dir(), fetch)


def _sorted(problems: list[ConfigProblem]) -> list[ConfigProblem]:
    """Grouped by file (in the order files were first reported), then by position."""
    order: dict[str, int] = {}
    for problem in problems:
        order.setdefault(problem.where.file, len(order))
    return sorted(problems, key=lambda p: (order[p.where.file], p.where.line, p.where.column))


def _result(loader: _Loader, root: Path, config_file: str | None) -> LoadResult:
    problems = list(loader.problems)
    config_all, refusals = merge_layers(loader.layers, str(root), config_file)
    problems.extend(refusals)
    problems = _sorted(problems)
    fatal = any(p.severity == "error" and p.code in FATAL_CODES for p in problems)
    if not fatal:
        config: EffectiveConfig | None = config_all
        fallback: EffectiveConfig | None = config_all
    else:
        config = None
        good = [layer for layer in loader.layers if not layer.fatal]
        fallback, _ = merge_layers(good, str(root), config_file)
    return LoadResult(config=config, problems=tuple(problems), fallback=fallback,
                      files=tuple(dict.fromkeys(loader.files)))


def load_config(
    root: str | Path,
    *,
    central: Sequence[str] = (),
    cache_dir: str | Path | None = None,
    repo_text: str | None = None,
    fetch: Callable[[str], bytes] | None = None,
) -> LoadResult:
    """Load the effective zone config of the workspace at `root`. Never raises on bad input.

    `central`: extra central maps applied first (editor setting / CLI flag), each `preset:NAME`, a
    local path (relative paths resolve against `root`) or `URL#sha256=<hex>`. Their own `locked`
    flags apply as written: a central map that should bind the repo must say `locked: true`.
    `cache_dir`: where pinned url maps are cached (default `$XDG_CACHE_HOME/pavedroad/zones`).
    `repo_text`: content to use instead of `<root>/.pavedroad.yaml` (an unsaved editor buffer).
    `fetch`: replaces the http(s) fetcher (url -> bytes).
    A missing `.pavedroad.yaml` is fine: the config then comes from `central` alone (or is empty).
    """
    root = Path(os.path.abspath(os.fspath(root)))
    loader = _new_loader(root, cache_dir, fetch)
    for spec in central:
        source = _central_source(loader, spec)
        if source is not None:
            loader.include(source, (), None, 0)
    repo_path = root / REPO_FILE
    config_file: str | None = None
    if repo_text is not None or os.path.lexists(repo_path):
        config_file = str(repo_path)
        source = loader.file_source(str(repo_path), REPO_FILE, repo_text)
        loader.include(source, (), None, 0)
    return _result(loader, root, config_file)


def load_zone_map_text(
    text: str,
    filename: str = REPO_FILE,
    *,
    root: str | Path | None = None,
    label: str | None = None,
    follow_extends: bool = False,
    cache_dir: str | Path | None = None,
    fetch: Callable[[str], bytes] | None = None,
) -> LoadResult:
    """Parse one config file from `text` (tests, presets, editor previews).

    With `follow_extends=False` (default) `extends` entries are checked for form but not loaded, so
    the result is the config of this one layer. With `follow_extends=True` they are loaded as by
    `load_config`, relative paths resolving against `filename`'s directory. Problems are located in
    `filename`; `root` (default: `filename`'s directory) becomes `EffectiveConfig.root`.
    """
    path = os.path.abspath(filename)
    root_path = Path(os.path.abspath(os.fspath(root))) if root is not None else Path(path).parent
    loader = _new_loader(root_path, cache_dir, fetch)
    shown_label = label or (REPO_FILE if Path(path).name == REPO_FILE else loader.label_for(path))
    source = _Source("file", "text:" + path, shown_label, filename if not follow_extends else path,
                     Path(path), text=text)
    if follow_extends:
        loader.include(source, (), None, 0)
    else:
        try:
            layer, problems = parse_layer(text, source.file, source.label)
        except Exception as exc:
            layer = Layer(source.label, source.file, fatal=True)
            problems = [ConfigProblem(codes.CONFIG_SYNTAX, f"internal error: {exc}",
                                      SourceRef(source.file, 1, 1))]
        loader.problems.extend(problems)
        loader.layers.append(layer)
    return _result(loader, root_path, None)

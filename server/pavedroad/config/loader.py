"""Loading a workspace's zone config: find the root, read the repo file and everything it extends,
validate each file, and layer them into an `EffectiveConfig`.

Order of layers: the central maps (machine-level sources: the system map, `PAVEDROAD_CENTRAL`, the
editor's initialization options, `--central`; then maps a later client setting added), each
preceded by whatever it extends; then the repo file's `extends` entries (depth first), the repo
file itself, and nested `.pavedroad.yaml` files below the root (their globs rebased onto their
directory, see `discover`). A file reached twice is applied once, at its first position.

Trust follows the source, never the file: layers from central sources (and what they extend) are
`central`; everything reached from the repository is `repo` (see `layering` for what that allows).
A repository may only extend files inside it (a path outside, `~` or an absolute path is refused
without reading it), and pinned url maps it names are fetched only from the cache or when the user
approved that url and digest (`url_approved`); central url maps are fetched, with a total time
bound. Only regular files are read, bounded in size (a config symlinked to `/dev/stdin` or
`/dev/zero` is refused, not read).

Problems are located in the file that contains them. A fatal problem (PR001-PR004: syntax, schema,
pattern, extends) makes `LoadResult.config` None, but `LoadResult.fallback` still carries the config
of every layer that did load, so a repo cannot switch central rules off by committing a broken file.
Refused weakenings of locked zones (PR005) are not fatal: the central value stays in force.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from pavedroad import codes
from pavedroad.config.discover import REPO_FILE, find_root, git_top, nested_configs, rebase_glob
from pavedroad.config.layer import ExtendsEntry, Layer, ZoneEntry
from pavedroad.config.layering import merge_layers
from pavedroad.config.model import ConfigProblem, EffectiveConfig, LoadResult, SourceRef, Trust
from pavedroad.config.presets import preset_names, preset_path
from pavedroad.config.urlcache import FetchError, default_cache_dir, get_pinned, read_cached
from pavedroad.config.validate import SHA256, did_you_mean, parse_layer
from pavedroad.config.yamlpos import decode_config_bytes
from pavedroad.fileio import NotRegularFile, is_within, read_regular

#: Decides whether a url map that a repository (not a central source) names may be fetched.
UrlApproval = Callable[[str, str], bool]

__all__ = ["REPO_FILE", "UrlApproval", "find_root", "load_config", "load_zone_map_text"]
#: How deep `extends` may nest (a central map extending a preset is depth 2).
MAX_EXTENDS_DEPTH = 16
#: Largest config file read (bytes).
MAX_FILE_BYTES = 1 << 20
#: Largest total of all local config files of one load (parsing is the cost: ~3 s per MB).
MAX_TOTAL_BYTES = 1 << 20

FATAL_CODES = frozenset(
    {codes.CONFIG_SYNTAX, codes.CONFIG_SCHEMA, codes.CONFIG_PATTERN, codes.CONFIG_EXTENDS}
)

Status = Literal["ok", "unreadable", "broken"]


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
    trust: Trust = "repo"
    #: for nested repo configs: their directory relative to the root (globs are rebased onto it)
    base: str = ""
    #: extended by a locked central map: its zones are locked too (`locked: true` plus
    #: `extends: [preset:auth]` must not leave the preset's zones open to the repository)
    locked_by: str = ""  # the label of that map


def _read_error(exc: OSError, shown: str) -> str:
    if isinstance(exc, NotRegularFile):
        return f"{shown} is {exc.what}, not a zone map: refused without reading it"
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
    def __init__(self, root: Path, cache_dir: Path, fetch: Callable[[str], bytes] | None,
                 url_approved: UrlApproval | None = None) -> None:
        self.root = root
        #: repo-trust paths must stay inside this directory (the git top level, else the root)
        self.repo_top = git_top(root) or root
        self.cache_dir = cache_dir
        self.fetch = fetch
        self.url_approved = url_approved
        self.layers: list[Layer] = []
        self.status: dict[str, Status] = {}
        self.problems: list[ConfigProblem] = []
        self.files: list[str] = []
        self.labels: dict[str, str] = {}
        #: identity -> first error in that file or anything it extends ("file:line:col: message")
        self.nested_error: dict[str, str] = {}
        #: (url, sha256) of repo url maps not fetched for want of the user's approval
        self.needs_approval: list[tuple[str, str]] = []
        self.total_bytes = 0
        #: identity -> ids of the zones that file and everything it extends define
        self.zone_ids: dict[str, tuple[str, ...]] = {}

    # --- sources ------------------------------------------------------------------------------
    def label_for(self, path: str) -> str:
        try:
            rel = os.path.relpath(path, self.root)
        except ValueError:  # another drive on Windows
            return Path(path).as_posix()
        return Path(rel).as_posix()

    def file_source(self, path: str, label: str | None = None, text: str | None = None,
                    trust: Trust = "repo", base: str = "") -> _Source:
        path = os.path.normpath(path)
        try:
            identity = os.path.realpath(path)
        except (OSError, RuntimeError, ValueError):
            identity = path
        return _Source("file", "file:" + identity, label or self.label_for(path), path, Path(path),
                       text=text, trust=trust, base=base)

    def preset_source(self, name: str, trust: Trust = "repo", base: str = "") -> _Source:
        path = preset_path(name)  # KeyError if unknown
        return _Source("preset", "preset:" + name, "preset:" + name, str(path), path,
                       trust=trust, base=base)

    def url_source(self, url: str, digest: str, trust: Trust = "repo", base: str = "") -> _Source:
        return _Source("url", "sha256:" + digest.lower(), url, url, url=url, sha256=digest.lower(),
                       trust=trust, base=base)

    def resolve(self, entry: ExtendsEntry, parent: _Source) -> _Source | None:
        """The source an `extends` entry names, or None (problem reported at the entry).

        What a file extends inherits its trust and its base directory: a map a central map
        extends is central; whatever a repo file extends is the repo's.
        """
        trust, base = parent.trust, parent.base
        if entry.kind == "preset":
            try:
                return self.preset_source(entry.target, trust, base)
            except KeyError:
                names = preset_names()
                self.report_entry(entry, f"unknown preset {entry.target!r}"
                                         f"{did_you_mean(entry.target, names)} "
                                         f"(available: {', '.join(names) or 'none'})")
                return None
        if entry.kind == "url":
            return self.url_source(entry.target, entry.sha256 or "", trust, base)
        if parent.kind == "url":
            self.report_entry(entry, f"{parent.url} was fetched from a url and cannot extend the "
                                     f"local path {entry.target!r}; use a preset or a pinned url")
            return None
        if parent.kind == "preset":
            self.report_entry(entry, f"a preset cannot extend the local path {entry.target!r}")
            return None
        target = entry.target
        if trust == "repo" and (target.startswith("~") or os.path.isabs(target)):
            self.report_entry(entry, "a repository's config can only extend files inside the "
                                     "repository (relative paths); central maps are given on the "
                                     "machine or with --central. Not read.")
            return None
        path = os.path.join(os.path.dirname(parent.file), os.path.expanduser(target))
        if trust == "repo" and not is_within(path, self.repo_top):
            self.report_entry(entry, f"{entry.target!r} is outside the repository: a repository's "
                                     "config can only extend files inside it (central maps are "
                                     "given on the machine or with --central). Not read.")
            return None
        return self.file_source(path, trust=trust, base=base)

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
            approved = source.trust == "central" or (
                self.url_approved is not None and self.url_approved(source.url, source.sha256))
            if not approved and read_cached(self.cache_dir, source.sha256) is None:
                self.needs_approval.append((source.url, source.sha256))
                return None, (f"{source.url} not fetched: url maps named by a repository are "
                              "fetched only once you approve them (the editor asks; on the "
                              "command line pass --fetch-repo-maps), or give the map as a "
                              "central map")
            try:
                data = get_pinned(source.url, source.sha256, self.cache_dir, self.fetch)
            except FetchError as exc:
                return None, str(exc)
        else:
            assert source.path is not None
            shown = source.label if source.kind == "file" and source.trust == "repo" else source.file
            if (source.kind == "file" and source.trust == "repo"
                    and not is_within(source.path, self.repo_top)):
                return None, (f"{shown} leads outside the repository (a symlink?): a repository's "
                              "config can only come from files inside it. Not read.")
            try:
                data, _size = read_regular(source.path, MAX_FILE_BYTES)
            except OSError as exc:
                return None, _read_error(exc, shown)
            if len(data) > MAX_FILE_BYTES:
                return None, f"{shown} is larger than {MAX_FILE_BYTES} bytes"
            self.total_bytes += len(data)
            if self.total_bytes > MAX_TOTAL_BYTES:
                return None, (f"not loaded: the config files together exceed {MAX_TOTAL_BYTES} "
                              "bytes (a zone config is a few kilobytes; presets and a central "
                              "map a few dozen)")
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

    def lock_again(self, source: _Source) -> None:
        """A locked central map extends a file that was already applied unlocked (another central
        map extended it first): lock the zones that file and what it extends define, without
        applying their values a second time (that would undo what came in between)."""
        if not (source.locked_by and source.trust == "central"):
            return
        ids = self.zone_ids.get(source.identity, ())
        if ids:
            self.layers.append(Layer(
                self.labels.get(source.identity, source.label), source.file, locked=True,
                zones=tuple(ZoneEntry(zone_id, SourceRef(source.file, 1, 1)) for zone_id in ids),
                trust="central", locked_via=source.locked_by))

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
            self.lock_again(source)
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
                central_map = source.trust == "central"
                code = codes.CONFIG_EXTENDS if entry or central_map else codes.CONFIG_SYNTAX
                self.problems.append(ConfigProblem(code, reason, where, "error",
                                                   entry.end_column if entry else None))
                self.status[source.identity] = "unreadable"
                return "unreadable"
            self.status[source.identity] = "broken"
            self.nested_error.setdefault(source.identity, f"{source.label}: not valid UTF-8")
            return "broken"
        try:
            layer, problems = parse_layer(text, source.file, source.label,
                                          check_queries=source.kind != "preset")
        except Exception as exc:  # a bug must not take the editor down: report it in the file
            layer = Layer(source.label, source.file, fatal=True)
            problems = [ConfigProblem(codes.CONFIG_SYNTAX, f"internal error reading this file: "
                                                           f"{type(exc).__name__}",
                                      SourceRef(source.file, 1, 1))]
        layer = replace(layer, trust=source.trust,
                        locked=layer.locked or (source.trust == "central" and bool(source.locked_by)),
                        locked_via="" if layer.locked else source.locked_by)
        if source.base:
            layer = _rebased(layer, source.base)
        self.problems.extend(problems)
        first = next((p for p in problems if p.severity == "error"), None)
        if first is not None:
            self.nested_error.setdefault(
                source.identity,
                f"{source.label}:{first.where.line}:{first.where.column}: {first.message}")
        children: list[str] = []
        for ext in layer.extends:
            child = self.resolve(ext, source)
            if child is not None and layer.trust == "central" and layer.locked:
                child = replace(child, locked_by=layer.locked_via or source.label)
            if child is None:
                self.nested_error.setdefault(source.identity, self._at(source, ext, ext.target))
                continue
            status = self.include(child, (*chain, source.identity), ext, depth + 1)
            children.append(child.identity)
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
        # what this file and everything it extends define, for `lock_again`
        own = [zone_id for child in children for zone_id in self.zone_ids.get(child, ())]
        own.extend(zone.id for zone in layer.zones)
        self.zone_ids[source.identity] = tuple(dict.fromkeys(own))
        result: Status = "broken" if layer.fatal else "ok"
        self.status[source.identity] = result
        return result


def chain_labels(loader: _Loader, chain: tuple[str, ...], source: _Source) -> list[str]:
    out = [loader.labels.get(identity, identity) for identity in chain]
    out.append(source.label)
    return out


def _central_source(loader: _Loader, spec: str, *, from_client: bool = False) -> _Source | None:
    """The source of one central map spec: `preset:NAME`, `URL#sha256=HEX` or an absolute path.

    Relative paths are refused: a relative central path would resolve inside the repository, and
    then the repository would write its own "central" map. Maps a client added after start-up
    (`workspace/configuration`) must also live outside the repository.
    """
    where = SourceRef(spec, 1, 1)
    text = spec.strip()
    if text.startswith("preset:"):
        name = text[len("preset:"):].strip()
        try:
            return loader.preset_source(name, "central")
        except KeyError as exc:
            loader.problems.append(ConfigProblem(codes.CONFIG_EXTENDS,
                                                 f"central map: {exc.args[0]}", where))
            return None
    if text.lower().startswith(("http://", "https://")):
        url, _, fragment = text.partition("#")
        digest = fragment[len("sha256="):] if fragment.startswith("sha256=") else ""
        if not SHA256.match(digest):
            loader.problems.append(ConfigProblem(
                codes.CONFIG_EXTENDS,
                f"central map url {url} needs a pinned digest: write it as URL#sha256=<64 hex>",
                SourceRef(url, 1, 1)))
            return None
        return loader.url_source(url, digest, "central")
    path = os.path.expanduser(text)
    if not os.path.isabs(path):
        loader.problems.append(ConfigProblem(
            codes.CONFIG_EXTENDS,
            f"central map {text!r}: central map paths must be absolute (a relative path would "
            "point into the repository); not loaded", where))
        return None
    if from_client and is_within(path, loader.repo_top):
        loader.problems.append(ConfigProblem(
            codes.CONFIG_EXTENDS,
            f"central map {text} is inside the repository: a map the repository can edit cannot "
            "be central (set central maps in the machine-level setting); not loaded", where))
        return None
    inside = is_within(path, loader.root)
    label = loader.label_for(path) if inside else os.path.normpath(path)
    return loader.file_source(path, label=label, trust="central")


def _new_loader(root: Path, cache_dir: str | Path | None,
                fetch: Callable[[str], bytes] | None,
                url_approved: UrlApproval | None = None) -> _Loader:
    return _Loader(root, Path(cache_dir) if cache_dir is not None else default_cache_dir(), fetch,
                   url_approved)


def _rebased(layer: Layer, base: str) -> Layer:
    """A nested config's layer with its globs rewritten as if written at the root."""
    def globs(patterns: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(rebase_glob(p, base) for p in patterns)

    zones = tuple(
        replace(z, match=replace(z.match, paths=globs(z.match.paths))) for z in layer.zones
    )
    return replace(layer, zones=zones, sensitive=globs(layer.sensitive),
                   prompt_files=globs(layer.prompt_files))


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
                      files=tuple(dict.fromkeys(loader.files)),
                      needs_approval=tuple(dict.fromkeys(loader.needs_approval)))


def load_config(
    root: str | Path,
    *,
    central: Sequence[str] = (),
    client_central: Sequence[str] = (),
    cache_dir: str | Path | None = None,
    repo_text: str | None = None,
    fetch: Callable[[str], bytes] | None = None,
    url_approved: UrlApproval | None = None,
    nested: bool = True,
) -> LoadResult:
    """Load the effective zone config of the workspace at `root`. Never raises on bad input.

    `central`: machine-level central maps applied first (system map, `PAVEDROAD_CENTRAL`, the
    editor's initialization options, `--central`), each `preset:NAME`, an absolute path or
    `URL#sha256=<hex>`. `client_central`: maps a client setting added later; they must also lie
    outside the repository. Central maps' own `locked` flags apply as written.
    `cache_dir`: where pinned url maps are cached (default `$XDG_CACHE_HOME/pavedroad/zones`).
    `repo_text`: content to use instead of `<root>/.pavedroad.yaml` (an unsaved editor buffer).
    `fetch`: replaces the http(s) fetcher (url -> bytes). `url_approved(url, sha256)`: whether a
    url map the repository names may be fetched (default: only from the cache).
    `nested`: also load `.pavedroad.yaml` files below the root as nested layers.
    A missing `.pavedroad.yaml` is fine: the config then comes from `central` alone (or is empty).
    """
    root = Path(os.path.abspath(os.fspath(root)))
    loader = _new_loader(root, cache_dir, fetch, url_approved)
    specs = [(spec, False) for spec in central] + [(spec, True) for spec in client_central]
    for spec, from_client in specs:
        source = _central_source(loader, spec, from_client=from_client)
        if source is not None:
            loader.include(source, (), None, 0)
    repo_path = root / REPO_FILE
    config_file: str | None = None
    if repo_text is not None or os.path.lexists(repo_path):
        config_file = str(repo_path)
        source = loader.file_source(str(repo_path), REPO_FILE, repo_text)
        loader.include(source, (), None, 0)
    if nested:
        for rel_dir in nested_configs(root):
            path = root / rel_dir / REPO_FILE
            source = loader.file_source(str(path), f"{rel_dir}/{REPO_FILE}", base=rel_dir)
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
    loader = _new_loader(root_path, cache_dir, fetch, lambda _url, _digest: True)
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

"""The zone map of a whole repository (`pavedroad zones`, and the editor's "show zone map" command)."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import re2

from pavedroad.analysis import crossfile
from pavedroad.analysis.classify import MAX_PARSE_BYTES, Classifier
from pavedroad.analysis.crossfile import RepoView
from pavedroad.analysis.languages import language_for_path
from pavedroad.analysis.model import FileZones
from pavedroad.analysis.prefilter import SCANNER_OPTIONS
from pavedroad.config.discover import PathAliases, path_aliases
from pavedroad.config.model import EffectiveConfig
from pavedroad.fileio import read_regular
from pavedroad.repoview import DiskRepo
from pavedroad.shown import shown
from pavedroad.workspace import SNIFF_BYTES, iter_files

#: Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 200


def classify_path(
    classifier: Classifier, root: Path, rel_path: str, aliases: PathAliases | None = None,
    repo: RepoView | None = None,
) -> FileZones | None:
    """Classify one file from disk; None when it vanished, cannot be read or is not a regular
    file (a committed symlink to a device is never read). `repo`: see `Classifier.classify`."""
    names = aliases.of(rel_path) if aliases is not None else ()
    try:
        data, size = read_regular(root / rel_path, MAX_PARSE_BYTES)
    except OSError:
        return None
    if size <= MAX_PARSE_BYTES:
        return classifier.classify(rel_path, data, aliases=names, repo=repo)
    zones = classifier.classify(rel_path, data[:SNIFF_BYTES], aliases=names, size=size)
    if not zones.regions:
        return zones
    lines, size = _count_lines(root / rel_path)
    regions = tuple(replace(r, end_line=lines, end_byte=size) for r in zones.regions)
    return FileZones(rel_path, zones.language, regions, zones.skipped, zones.notes, zones.exports)


def _count_lines(path: Path) -> tuple[int, int]:
    """Lines and bytes of a file, streamed in 1 MB chunks (huge files are never held in memory)."""
    lines = size = 0
    last = b"\n"
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                lines += chunk.count(b"\n")
                size += len(chunk)
                last = chunk[-1:]
    except OSError:
        return 1, 0
    return max(1, lines + (last != b"\n")), size


_worker_classifier: Classifier | None = None
_worker_root: Path | None = None
_worker_aliases: PathAliases | None = None
_worker_repo: DiskRepo | None = None


def _init_worker(config: EffectiveConfig, root: str, aliases: PathAliases) -> None:
    global _worker_classifier, _worker_root, _worker_aliases
    _worker_classifier, _worker_root, _worker_aliases = Classifier(config), Path(root), aliases


def _classify_chunk(paths: Sequence[str]) -> list[FileZones]:
    assert _worker_classifier is not None and _worker_root is not None
    results = (classify_path(_worker_classifier, _worker_root, p, _worker_aliases) for p in paths)
    return [r for r in results if r is not None and r.regions]


def _link_chunk(job: tuple[Sequence[str], list[FileZones], frozenset[str]]) -> list[FileZones]:
    """Second pass in a worker: the files of `job[0]` again, with the repository's exports."""
    global _worker_repo
    paths, exported, known = job
    assert _worker_classifier is not None and _worker_root is not None
    if _worker_repo is None:
        _worker_repo = DiskRepo(_worker_root, _worker_classifier, _worker_aliases)
        _worker_repo.preload(exported, known)
    results = (classify_path(_worker_classifier, _worker_root, p, _worker_aliases, _worker_repo) for p in paths)
    return [r for r in results if r is not None]


def _may_call(
    root: Path, paths: Sequence[str], exported: Sequence[FileZones], classifier: Classifier | None = None
) -> list[str]:
    """Files that may call an export of another file, found without parsing: of the exporter's
    language family, holding an export's name, and either naming a word that reaches its file
    (its module, Go package directory or Java class, anywhere: an import line, an aliased Go
    import inside `import ( ... )`), importing relatively (`from . import x`, `from "."`), or
    sitting in an exporter's Go package directory. A superset of what single-file classification
    links: every candidate is classified again, so a miss here would be a disagreement."""
    needs: dict[str, tuple[set[str], set[str]]] = {}  # family -> (export names, reaching words)
    go_dirs: set[str] = set()
    for f in exported:
        family = crossfile.family(f.language)
        if family is None:
            continue
        names, reach = needs.setdefault(family, (set(), set()))
        for export in f.exports:
            if export.owner is not None and family != "java":
                continue  # only Java methods are reached from other files (static, inherited)
            names.add(export.name)
            reach.add(export.owner if export.owner is not None else crossfile.module_word(f.path))
        if family == "go":
            go_dirs.add(posixpath.dirname(f.path))
    scanners = {family: (_words(names), _literals(reach)) for family, (names, reach) in needs.items() if names}
    # a file an exclusive zone's path rules claim (tests) keeps only that zone: linking cannot
    # change it, unless a propagating zone is locked (locked zones survive `exclusive`)
    config = classifier.config if classifier is not None else None
    exclusive = {z.id for z in config.zones if z.exclusive} if config is not None else set()
    if config is not None and any(z.locked and z.propagate for z in config.zones):
        exclusive = set()
    out = []
    for rel in paths:
        family = crossfile.family(language_for_path(rel))
        scanner = scanners.get(family) if family is not None else None
        if scanner is None:
            continue
        if exclusive and classifier is not None and exclusive.intersection(classifier.path_zones(rel)):
            continue
        try:
            data, size = read_regular(root / rel, MAX_PARSE_BYTES)
        except OSError:
            continue
        if size > MAX_PARSE_BYTES or scanner[0].search(data) is None:
            continue
        if (
            (family == "go" and posixpath.dirname(rel) in go_dirs)
            or scanner[1].search(data) is not None
            or _RELATIVE_IMPORT.search(data) is not None
        ):
            out.append(rel)
    return out


#: `from . import x`, `from .auth import y`, `from "./auth"`, `require('..')`
_RELATIVE_IMPORT = re2.compile(rb"\bfrom[ \t]+\.|[\"'`]\.\.?(?:/[^\"'`\n]*)?[\"'`]")
_NEVER = re2.compile(rb"\b\B")


def _literals(words: Iterable[str]) -> Any:
    """Any of `words` (module words may hold `-` or `.`: `go-auth`, `auth-utils`) standing alone."""
    usable = sorted({w for w in words if w})
    if not usable:
        return _NEVER
    alternatives = b"|".join(re2.escape(w.encode("utf-8", "surrogateescape")) for w in usable)
    return re2.compile(rb"(?:^|[^\w$-])(?:" + alternatives + rb")(?:[^\w$-]|$)", options=SCANNER_OPTIONS)


def _words(words: Iterable[str]) -> Any:
    """Any of `words` (identifiers) as a whole word."""
    usable = sorted({w for w in words if w and w.replace("$", "_").isidentifier()})
    if not usable:
        return _NEVER
    alternatives = b"|".join(re2.escape(w.encode()) for w in usable)
    return re2.compile(rb"(?:^|[^\w$])(?:" + alternatives + rb")(?:[^\w$]|$)", options=SCANNER_OPTIONS)


def _scan_serial(root: Path, classifier: Classifier, paths: Sequence[str], aliases: PathAliases) -> list[FileZones]:
    found = (classify_path(classifier, root, p, aliases) for p in paths)
    results = [f for f in found if f is not None and f.regions]
    exported = [f for f in results if f.exports]
    callers = _may_call(root, paths, exported, classifier)
    if not callers:
        return results
    repo = DiskRepo(root, classifier, aliases)
    repo.preload(exported, paths)
    linked = (classify_path(classifier, root, p, aliases, repo) for p in callers)
    return sorted(_merge(results, [f for f in linked if f is not None]), key=lambda f: f.path)


def _merge(first: list[FileZones], second: list[FileZones]) -> list[FileZones]:
    """The first pass's results with the second pass's in place of the files it classified again."""
    by_path = {f.path: f for f in first}
    for f in second:
        if f.regions:
            by_path[f.path] = f
        else:
            by_path.pop(f.path, None)
    return list(by_path.values())


def paths_under(root: Path, start: Path | None = None) -> list[str]:
    """The files `scan` looks at under `start` (default: `root`), relative to `root`, sorted."""
    if start is None or start == root:
        return sorted(iter_files(root))
    prefix = start.relative_to(root).as_posix()
    return sorted(f"{prefix}/{p}" for p in iter_files(start))


def scan(
    root: Path, config: EffectiveConfig, *, jobs: int | None = None, start: Path | None = None
) -> list[FileZones]:
    """Every file under `start` (default: `root`) that is in at least one zone, sorted by path.

    Paths are relative to `root`, where the config lives. A directory the user names explicitly is
    scanned even when a `.gitignore` above it ignores it; ignore files at and below it apply.

    Two passes: every file on its own, then the files that may call a zone function of another
    file (they contain its name) again with the first pass's exports (see `analysis.crossfile`).
    """
    paths = paths_under(root, start)
    aliases = path_aliases(root)
    jobs = jobs if jobs is not None else min(os.cpu_count() or 1, 4)
    if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
        return _scan_serial(root, Classifier(config), paths, aliases)
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(config, str(root), aliases)) as pool:
        chunk = max(16, len(paths) // (jobs * 8))
        chunks = [paths[i : i + chunk] for i in range(0, len(paths), chunk)]
        results = [f for part in pool.map(_classify_chunk, chunks) for f in part]
        exported = [f for f in results if f.exports]
        callers = _may_call(root, paths, exported, Classifier(config))
        if callers:
            known = frozenset(paths)
            size = max(8, len(callers) // (jobs * 4))
            work = [(callers[i : i + size], exported, known) for i in range(0, len(callers), size)]
            results = _merge(results, [f for part in pool.map(_link_chunk, work) for f in part])
    return sorted(results, key=lambda f: f.path)


def to_json(root: Path, files: Iterable[FileZones]) -> dict[str, Any]:
    """Exactly the documented `pavedroad zones --format json` shape."""
    return {
        "root": str(root),
        "files": [
            {
                "path": f.path,
                "zones": list(f.zone_ids),
                "regions": [
                    {
                        "zone": r.zone,
                        "start_line": r.start_line,
                        "end_line": r.end_line,
                        "symbol": r.symbol,
                        "reasons": list(r.reasons),
                    }
                    for r in f.regions
                ],
            }
            for f in files
        ],
    }


def to_text(root: Path, files: Sequence[FileZones], config: EffectiveConfig,
            under: str = "") -> str:
    """A readable table: one row per region, grouped by file. `under`: the directory the user
    named, relative to the root; paths are shown relative to it (the JSON keeps root-relative
    paths)."""
    where = shown(f"{root}/{under}" if under else str(root))
    if not files:
        return f"No file under {where} is in a zone ({len(config.zones)} zones configured).\n"
    prefix = f"{under}/" if under else ""
    rows = [("FILE", "LINES", "ZONE", "AI", "SYMBOL", "WHY IT MATCHED")]
    for f in files:
        for r in f.regions:
            zone = config.zone(r.zone)
            rows.append(
                (
                    shown(f.path[len(prefix):] if prefix and f.path.startswith(prefix) else f.path),
                    f"{r.start_line}-{r.end_line}",
                    r.zone,
                    str(zone.ai) if zone else "?",
                    shown(r.symbol or "(file)"),
                    shown("; ".join(r.reasons)),
                )
            )
    widths = [min(max(len(row[i]) for row in rows), 48) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(widths[i]) if len(cell) <= widths[i] else cell for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    zones_used = sorted({z for f in files for z in f.zone_ids})
    lines.append("")
    lines.append(f"{len(files)} file(s) in {len(zones_used)} zone(s): {', '.join(zones_used)}")
    if under:
        lines.append(shown(f"(paths relative to {under}/ in the repository at {root})"))
    return "\n".join(lines) + "\n"

"""Popularity lists per ecosystem: shipped as package data, refreshable from their public sources.

Each list is `data/<ecosystem>.txt`: `#` header lines (`# key: value`: source, source-url,
source-date, built, ranked, count) then one package name per line, most popular first when
`ranked: true`. The typo check treats every listed name as popular (never flagged) and the first
`TARGETS` names as the names a typo might imitate.

    python -m pavedroad.deps.popular show                 # what is shipped, with dates and sources
    python -m pavedroad.deps.popular refresh [ECO ...]    # rebuild from the public sources (online)
    python -m pavedroad.deps.popular refresh pypi --from FILE [--format FMT]   # from a saved copy

`refresh` writes into the package's data directory (a source checkout: review and commit the
result) or `--output DIR`; set `PAVEDROAD_POPULAR_DIR` to make the engine read lists from a
directory of your own first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import re
import sys
import tarfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from pavedroad.deps.model import ECOSYSTEMS, Ecosystem

#: How many of the most popular names a typo is checked against.
TARGETS = 1000
#: How many names a refreshed list keeps.
KEEP = 5000
#: Largest download accepted by `refresh` (a ranking is a few MB at most).
MAX_DOWNLOAD = 64 << 20


@dataclass(frozen=True)
class PopularList:
    ecosystem: str
    names: tuple[str, ...]
    header: tuple[tuple[str, str], ...] = ()

    def meta(self, key: str) -> str:
        return dict(self.header).get(key, "")


def data_dir() -> Path:
    return Path(str(resources.files("pavedroad.deps") / "data"))


def parse_list(ecosystem: str, text: str) -> PopularList:
    header: list[tuple[str, str]] = []
    names: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if sep:
                header.append((key.strip(), value.strip()))
            continue
        names.append(line)
    return PopularList(ecosystem, tuple(dict.fromkeys(names)), tuple(header))


@cache
def load(ecosystem: str) -> PopularList:
    """The popularity list of `ecosystem` (empty when none is shipped)."""
    for directory in (os.environ.get("PAVEDROAD_POPULAR_DIR"), str(data_dir())):
        if not directory:
            continue
        path = Path(directory) / f"{ecosystem}.txt"
        try:
            return parse_list(ecosystem, path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    return PopularList(ecosystem, ())


def render_list(plist: PopularList) -> str:
    lines = ["# pavedroad popularity list (one package name per line, most popular first)"]
    lines += [f"# {k}: {v}" for k, v in plist.header]
    lines += list(plist.names)
    return "\n".join(lines) + "\n"


# --- sources and their formats -------------------------------------------------------------------
def _hugovk(data: bytes) -> list[str]:
    return [row["project"] for row in json.loads(data)["rows"]]


def _json_names(data: bytes) -> list[str]:
    value = json.loads(data)
    if isinstance(value, dict):
        value = value.get("packages") or value.get("names") or []
    return [v if isinstance(v, str) else str(v.get("name", "")) for v in value]


def _lines(data: bytes) -> list[str]:
    return [ln.strip() for ln in data.decode("utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]


def _csv_first(data: bytes) -> list[str]:
    return [ln.split(",")[0].strip() for ln in data.decode("utf-8").splitlines() if ln.strip()]


def _npm_high_impact(data: bytes) -> list[str]:
    """The `topDownload` array of the npm-high-impact package tarball (lib/top-download.js)."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        member = archive.extractfile("package/lib/top-download.js")
        if member is None:
            raise ValueError("package/lib/top-download.js missing from the tarball")
        source = member.read(MAX_DOWNLOAD).decode("utf-8")
    return re.findall(r"^\s*'((?:[^'\\]|\\.)+)',?\s*$", source, re.MULTILINE)


def _crates_api(data: bytes) -> list[str]:
    return [c["id"] for c in json.loads(data)["crates"]]


FORMATS: dict[str, Callable[[bytes], list[str]]] = {
    "hugovk": _hugovk, "json-names": _json_names, "lines": _lines, "csv-first": _csv_first,
    "npm-high-impact": _npm_high_impact, "crates-api": _crates_api,
}


@dataclass(frozen=True)
class Source:
    description: str
    url: str
    format: str
    pages: int = 1


SOURCES: dict[str, Source] = {
    "pypi": Source("hugovk/top-pypi-packages: PyPI downloads over 30 days (public BigQuery/"
                   "ClickHouse data)",
                   "https://hugovk.github.io/top-pypi-packages/top-pypi-packages.min.json",
                   "hugovk"),
    "npm": Source("npm-high-impact (wooorm, MIT): npm packages by weekly downloads "
                  "(`topDownload`)", "https://registry.npmjs.org/npm-high-impact/latest",
                  "npm-high-impact"),
    "cargo": Source("crates.io API, crates sorted by all-time downloads",
                    "https://crates.io/api/v1/crates?sort=downloads&per_page=100&page={page}",
                    "crates-api", pages=50),
    "gem": Source("ecosyste.ms critical RubyGems packages (the list DataDog/guarddog ships)",
                  "https://packages.ecosyste.ms/api/v1/registries/rubygems.org/package_names"
                  "?critical=true&per_page=1000", "json-names"),
    "maven": Source("sormuras/modules Top1000: Maven Central artifacts by download popularity",
                    "https://raw.githubusercontent.com/sormuras/modules/main/doc/"
                    "Top1000-{year}.txt", "lines"),
    "go": Source("DataDog/guarddog top_go_packages.json: Go modules by how many top-starred "
                 "repositories require them",
                 "https://raw.githubusercontent.com/DataDog/guarddog/main/guarddog/analyzer/"
                 "metadata/resources/top_go_packages.json", "json-names"),
}


def _download(url: str, timeout: float = 30.0) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "pavedroad-popular-refresh"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body: bytes = response.read(MAX_DOWNLOAD + 1)
    if len(body) > MAX_DOWNLOAD:
        raise ValueError(f"{url} is larger than {MAX_DOWNLOAD} bytes")
    return body


def fetch_names(ecosystem: str, source: Source, download: Callable[[str], bytes]) -> list[str]:
    if ecosystem == "npm":
        meta = json.loads(download(source.url))
        return FORMATS[source.format](download(meta["dist"]["tarball"]))
    if ecosystem == "maven":
        year = dt.date.today().year
        for candidate in range(year, year - 4, -1):
            try:
                return FORMATS[source.format](download(source.url.format(year=candidate)))
            except OSError:
                continue
        raise OSError("no Top1000 list of the last four years could be downloaded")
    names: list[str] = []
    for page in range(1, source.pages + 1):
        names += FORMATS[source.format](download(source.url.format(page=page)))
        if source.pages > 1:
            time.sleep(1.0)  # crates.io asks for at most one request per second
    return names


def build(ecosystem: str, names: list[str], *, description: str, url: str, source_date: str,
          ranked: bool = True, keep: int = KEEP) -> PopularList:
    clean = [n.strip() for n in names if n and n.strip() and not n.startswith("#")]
    kept = tuple(dict.fromkeys(clean))[:keep]
    header = (("ecosystem", ecosystem), ("source", description), ("source-url", url),
              ("source-date", source_date), ("built", dt.date.today().isoformat()),
              ("ranked", "true" if ranked else "false"), ("count", str(len(kept))))
    return PopularList(ecosystem, kept, header)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pavedroad.deps.popular")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("show", help="list the shipped popularity lists")
    refresh = sub.add_parser("refresh", help="rebuild lists from their public sources")
    refresh.add_argument("ecosystems", nargs="*", default=[], help=", ".join(SOURCES))
    refresh.add_argument("--from", dest="from_file", help="read this saved copy instead")
    refresh.add_argument("--format", choices=sorted(FORMATS), help="format of --from")
    refresh.add_argument("--source-url", help="where --from came from (recorded in the header)")
    refresh.add_argument("--source-date", help="date of the ranking (recorded in the header)")
    refresh.add_argument("--description", help="source description (recorded in the header)")
    refresh.add_argument("--unranked", action="store_true", help="the source is not ordered")
    refresh.add_argument("--keep", type=int, default=KEEP)
    refresh.add_argument("--output", help="directory to write to (default: package data)")
    args = parser.parse_args(argv)
    if args.command == "show":
        for shown in ECOSYSTEMS:
            plist = load(shown)
            print(f"{shown:10} {len(plist.names):6} names  {plist.meta('source-date') or '-':12} "
                  f"{plist.meta('source') or '(none shipped)'}")
        return 0
    wanted: list[str] = args.ecosystems or list(SOURCES)
    unknown = [e for e in wanted if e not in SOURCES]
    if unknown:
        parser.error(f"no refreshable source for {', '.join(unknown)} (known: {', '.join(SOURCES)})")
    if args.from_file and len(wanted) != 1:
        parser.error("--from needs exactly one ecosystem")
    out_dir = Path(args.output) if args.output else data_dir()
    status = 0
    for eco in wanted:
        source = SOURCES[eco]
        try:
            if args.from_file:
                data = Path(args.from_file).read_bytes()
                names = FORMATS[args.format or source.format](data)
            else:
                names = fetch_names(eco, source, _download)
        except (OSError, ValueError, KeyError, json.JSONDecodeError, tarfile.TarError) as exc:
            print(f"{eco}: not refreshed: {exc}", file=sys.stderr)
            status = 1
            continue
        if len(names) < 100:
            print(f"{eco}: not refreshed: only {len(names)} names in the source", file=sys.stderr)
            status = 1
            continue
        plist = build(eco, names, description=args.description or source.description,
                      url=args.source_url or source.url,
                      source_date=args.source_date or dt.date.today().isoformat(),
                      ranked=not args.unranked, keep=args.keep)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / f"{eco}.txt").write_text(render_list(plist), encoding="utf-8")
        print(f"{eco}: {len(plist.names)} names -> {out_dir / (eco + '.txt')}")
    load.cache_clear()
    return status


def ecosystems_with_lists() -> list[Ecosystem]:
    return [eco for eco in ECOSYSTEMS if load(eco).names]


if __name__ == "__main__":
    raise SystemExit(main())

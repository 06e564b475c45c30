"""Zone precision and recall on real applications, from hand labels, per language and per zone.

The labels (`benchmarks/corpus/labels/*.yaml`, format in `benchmarks/corpus/README.md`) name a
pinned release of each application and, per file, lines that must be in a zone (`+zone`) and hard
negatives next to them that must not (`-zone`). The code itself is not in this repository: it is
fetched from its package registry (PyPI, npm, Debian) on first use with the registry's own client,
its sha256 checked against the pin, and unpacked into a cache directory.

1. Every labelled file is classified with the bundled presets (all but `docs` and
   `dependencies`), as `pavedroad zones` would with a central map extending them.
2. A `+zone` line inside a region of that zone is a true positive, outside one a false negative;
   a `-zone` line inside one is a false positive, outside one a true negative.
3. Each label carries the text of its line; a label whose line no longer holds that text is
   looked for nearby and otherwise reported as stale and left out (never silently mis-scored).

Figures are printed per language and zone, then per application. The labelled lines of the
misses are printed by position only (some labelled lines hold credentials).

With `--team APP=FILE`, FILE is applied as the application's committed `.pavedroad.yaml` on top
of the presets: the vocabulary its own team would name (see `benchmarks/corpus/team/`).

Usage: python benchmarks/bench_corpus.py [--cache DIR] [--only APP] [--misses] [--json FILE]
       [--tree APP=DIR] [--team APP=FILE]
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pavedroad.analysis.classify import Classifier
from pavedroad.analysis.languages import language_for_path
from pavedroad.config import load_config
from pavedroad.repoview import DiskRepo

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "benchmarks" / "corpus" / "labels"
PRESETS = ["auth", "secrets", "crypto", "iac", "pii", "payments", "tests"]
#: a label line: `LINE +zone text` or `LINE -zone text`, optionally `  # comment`
_LABEL = re.compile(r"^(\d+)\s+([+-])([a-z_][a-z0-9_-]*)\s+(.*)$")
_COMMENT = re.compile(r"\s{2,}#\s.*$")
#: how far a label's text is looked for when its line moved
_DRIFT = 25
#: file languages grouped as the targets are stated
_GROUPS = {"javascript": "typescript/js", "typescript": "typescript/js", "tsx": "typescript/js", "hcl": "terraform"}


@dataclass(frozen=True)
class Label:
    path: str
    line: int
    zone: str
    expected: bool
    text: str


@dataclass
class App:
    name: str
    language: str
    source: dict[str, str]
    labels: list[Label]
    file: Path

    @property
    def tree_name(self) -> str:
        return f"{self.name}-{self.source['version']}"


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, expected: bool, found: bool) -> None:
        if expected and found:
            self.tp += 1
        elif expected:
            self.fn += 1
        elif found:
            self.fp += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def merge(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn


@dataclass
class Outcome:
    app: str
    label: Label
    group: str
    found: bool | None  # None: stale label
    zones_at_line: tuple[str, ...] = ()
    moved_to: int | None = None


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def tallies(self, key: str) -> dict[tuple[str, str], Tally]:
        out: dict[tuple[str, str], Tally] = {}
        for o in self.outcomes:
            if o.found is None:
                continue
            head = o.group if key == "group" else o.app
            for k in ((head, o.label.zone), (head, "*")):
                out.setdefault(k, Tally()).add(o.label.expected, o.found)
        return out


# --- labels ----------------------------------------------------------------------------------------
def load_app(path: Path) -> App:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("labels"), dict):
        raise SystemExit(f"{path}: expected a mapping with `app`, `source` and `labels`")
    labels: list[Label] = []
    for rel, block in data["labels"].items():
        if not isinstance(block, str):
            raise SystemExit(f"{path}: labels of {rel} must be a literal block of lines")
        for number, raw in enumerate(block.splitlines(), 1):
            line = _COMMENT.sub("", raw).strip()
            if not line:
                continue
            match = _LABEL.match(line)
            if match is None:
                raise SystemExit(f"{path}: {rel}: label {number} is not `LINE +zone text`: {raw[:40]!r}")
            labels.append(Label(rel, int(match.group(1)), match.group(3), match.group(2) == "+", match.group(4)))
    source = {k: str(v) for k, v in data["source"].items()}
    return App(str(data["app"]), str(data["language"]), source, labels, path)


def load_apps() -> list[App]:
    return [load_app(Path(p)) for p in sorted(glob.glob(str(LABELS / "*.yaml")))]


# --- fetching ----------------------------------------------------------------------------------------
def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} ... failed (exit {done.returncode}): {done.stderr[-600:]}")


def _debian_source_list() -> str:
    """deb-src lines for the Debian archive this machine already uses (from its apt sources), so
    the benchmark names no host of its own."""
    lines: list[str] = []
    for path in glob.glob("/etc/apt/sources.list.d/*.sources"):
        for stanza in Path(path).read_text().split("\n\n"):
            fields = dict(
                (k.strip(), v.strip()) for k, _, v in (ln.partition(":") for ln in stanza.splitlines())
                if k.strip() and not k.startswith("#")
            )
            if "deb" in fields.get("Types", "").split() and "debian-archive-keyring" in fields.get("Signed-By", ""):
                for uri in fields.get("URIs", "").split():
                    for suite in fields.get("Suites", "").split():
                        lines.append(f"deb-src {uri} {suite} {fields.get('Components', 'main')}")
    if Path("/etc/apt/sources.list").exists():
        for line in Path("/etc/apt/sources.list").read_text().splitlines():
            parts = line.split()
            if parts and parts[0] == "deb" and "debian" in line:
                lines.append("deb-src " + " ".join(p for p in parts[1:] if not p.startswith("[")))
    if not lines:
        raise RuntimeError("no Debian archive found in this machine's apt sources")
    return "\n".join(dict.fromkeys(lines)) + "\n"


def _apt_source(package: str, version: str, artifact: str, cache: Path, into: Path) -> None:
    state = cache / "apt"
    for sub in ("lists/partial", "cache/archives/partial"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    (state / "sources.list").write_text(_debian_source_list())
    options = [
        "-o", f"Dir::Etc::SourceList={state / 'sources.list'}", "-o", "Dir::Etc::SourceParts=/dev/null",
        "-o", f"Dir::State::Lists={state / 'lists'}", "-o", f"Dir::Cache={state / 'cache'}",
    ]
    _run(["apt-get", *options, "update"], into)
    try:
        _run(["apt-get", *options, "source", "--download-only", f"{package}={version}"], into)
    except RuntimeError:
        # some mirrors serve the upstream tarball but 404 the Debian packaging one; the pinned
        # artifact is all the corpus needs, and its sha256 is checked next
        if not (into / artifact).exists():
            raise


def fetch(app: App, cache: Path) -> Path:
    """The unpacked tree of `app`'s pinned artifact (fetched and checked on first use)."""
    source = app.source
    tree = cache / "trees" / app.tree_name
    if (tree / ".complete").exists():
        return tree
    artifacts = cache / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    artifact = artifacts / source["artifact"]
    if not artifact.exists() or sha256(artifact) != source["sha256"]:
        with tempfile.TemporaryDirectory(dir=artifacts) as tmp:
            work = Path(tmp)
            registry, name, version = source["registry"], source["package"], source["version"]
            print(f"  fetching {name} {version} from {registry} ...", file=sys.stderr)
            if registry == "pypi":
                kind = ["--only-binary", ":all:"] if source["artifact"].endswith(".whl") else ["--no-binary", ":all:"]
                _run([sys.executable, "-m", "pip", "download", "--no-deps", "--ignore-requires-python", *kind,
                      "-d", str(work), f"{name}=={version}"], work)
            elif registry == "npm":
                _run(["npm", "pack", f"{name}@{version}", "--pack-destination", str(work), "--silent"], work)
            elif registry == "debian":
                _run(["apt-get", "download", f"{name}={version}"], work)
            elif registry == "debian-source":
                _apt_source(name, version, source["artifact"], cache, work)
            else:
                raise RuntimeError(f"unknown registry {registry!r}")
            got = work / source["artifact"]
            if not got.exists():
                raise RuntimeError(f"{registry} gave no {source['artifact']} (got {sorted(p.name for p in work.iterdir())})")
            digest = sha256(got)
            if digest != source["sha256"]:
                raise RuntimeError(f"{source['artifact']}: sha256 {digest} does not match the pin {source['sha256']}")
            got.replace(artifact)
    unpack(artifact, tree)
    (tree / ".complete").write_text(source["sha256"])
    return tree


def unpack(artifact: Path, tree: Path) -> None:
    tree.mkdir(parents=True, exist_ok=True)
    name = artifact.name
    if name.endswith(".whl") or name.endswith(".zip"):
        with zipfile.ZipFile(artifact) as archive:
            for member in archive.namelist():  # refuse paths that leave the tree
                if member.startswith("/") or ".." in Path(member).parts:
                    raise RuntimeError(f"{name}: unsafe member {member!r}")
            archive.extractall(tree)
    elif name.endswith(".deb"):
        _run(["dpkg-deb", "-x", str(artifact), str(tree)], tree)
    else:
        with tarfile.open(artifact) as archive:
            archive.extractall(tree, filter="data")


# --- evaluation -------------------------------------------------------------------------------------
def central_map(directory: Path) -> Path:
    path = directory / "corpus-central.yaml"
    path.write_text("version: 1\nextends:\n" + "".join(f"  - preset:{p}\n" for p in PRESETS))
    return path


def classifier_for(root: Path, central: Path, team_config: str | None = None) -> Classifier:
    """The presets as the central map, plus `team_config` as the repository's committed
    `.pavedroad.yaml` when given (a config that does not load cleanly stops the run: a figure
    measured without the config it claims would be wrong)."""
    loaded = load_config(root, central=[str(central)], repo_text=team_config)
    if loaded.config is None or (team_config is not None and loaded.problems):
        raise SystemExit("config did not load: " + "; ".join(str(p) for p in loaded.problems))
    return Classifier(loaded.config)


def _locate(lines: list[str], label: Label) -> int | None:
    """1-based line holding the label's text: its own line, else the nearest one within _DRIFT."""
    wanted = " ".join(label.text.split())

    def holds(number: int) -> bool:  # whitespace-insensitive: alignment runs are not content
        return 1 <= number <= len(lines) and wanted in " ".join(lines[number - 1].split())

    if holds(label.line):
        return label.line
    for delta in range(1, _DRIFT + 1):
        for number in (label.line - delta, label.line + delta):
            if holds(number):
                return number
    return None


def evaluate(app: App, tree: Path, central: Path, team_config: str | None = None) -> list[Outcome]:
    root = tree / app.source.get("root", "")
    # the repository the labelled files belong to (default: `root`): calls into its other files
    # count (same-repository propagation), as `pavedroad zones` run at its top would see them
    repository = tree / app.source.get("repository", app.source.get("root", ""))
    prefix = root.relative_to(repository).as_posix() if root != repository else ""
    classifier = classifier_for(repository, central, team_config)
    repo = DiskRepo(repository, classifier)
    outcomes: list[Outcome] = []
    by_file: dict[str, list[Label]] = {}
    for label in app.labels:
        by_file.setdefault(label.path, []).append(label)
    for rel, labels in by_file.items():
        path = root / rel
        group = _GROUPS.get(language_for_path(rel) or "", language_for_path(rel) or app.language)
        if not path.is_file():
            outcomes.extend(Outcome(app.name, label, group, None) for label in labels)
            continue
        data = path.read_bytes()
        result = classifier.classify(f"{prefix}/{rel}" if prefix else rel, data, repo=repo)
        lines = data.decode("utf-8", "replace").splitlines()
        for label in labels:
            where = _locate(lines, label)
            if where is None:
                outcomes.append(Outcome(app.name, label, group, None))
                continue
            zones = tuple(sorted({r.zone for r in result.regions_at(where)}))
            outcomes.append(Outcome(app.name, label, group, label.zone in zones, zones,
                                    where if where != label.line else None))
    return outcomes


# --- output -----------------------------------------------------------------------------------------
def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.2f}"


def print_table(title: str, tallies: dict[tuple[str, str], Tally]) -> None:
    print(f"\n{title}")
    print(f"  {'':16s} {'zone':9s} {'labels':>6s} {'TP':>4s} {'FP':>4s} {'FN':>4s} {'TN':>4s}  precision  recall")
    for (head, zone) in sorted(tallies, key=lambda k: (k[0], k[1] != "*", k[1])):
        t = tallies[(head, zone)]
        name = head if zone == "*" else ""
        shown = "all" if zone == "*" else zone
        print(f"  {name:16s} {shown:9s} {t.tp + t.fp + t.fn + t.tn:6d} {t.tp:4d} {t.fp:4d} {t.fn:4d} {t.tn:4d}"
              f"  {_fmt(t.precision):>9s}  {_fmt(t.recall):>6s}")


def parse_trees(parser: argparse.ArgumentParser, specs: list[str]) -> dict[str, Path]:
    """`--tree APP=DIR` options: the unpacked trees to use instead of the cache."""
    trees: dict[str, Path] = {}
    for spec in specs:
        name, _, directory = spec.partition("=")
        if not directory or not Path(directory).is_dir():
            parser.error(f"--tree {spec!r}: expected APP=DIR with an existing directory")
        trees[name] = Path(directory)
    return trees


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cache_home = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    parser.add_argument("--cache", type=Path, default=cache_home / "pavedroad" / "corpus")
    parser.add_argument("--only", action="append", default=[], help="only this app (repeatable)")
    parser.add_argument("--misses", action="store_true", help="list false positives/negatives by position")
    parser.add_argument("--json", type=Path, help="write every outcome and tally to this file")
    parser.add_argument(
        "--tree", action="append", default=[], metavar="APP=DIR",
        help="measure APP on an unpacked tree of your own instead of the pinned artifact (for when the "
             "registry cannot serve it; the result is marked unverified)",
    )
    parser.add_argument(
        "--team", action="append", default=[], metavar="APP=FILE",
        help="also apply FILE as APP's committed .pavedroad.yaml (the vocabulary a team adds on top "
             "of the central presets; see benchmarks/corpus/team/)",
    )
    parser.add_argument(
        "--teams", type=Path, metavar="DIR",
        help="apply DIR/APP.yaml as each app's committed .pavedroad.yaml where DIR has one (an "
             "explicit --team wins); e.g. benchmarks/corpus/team-advised",
    )
    options = parser.parse_args()
    own_trees = parse_trees(parser, options.tree)
    team_configs: dict[str, str] = {}
    team_files: dict[str, str] = {}
    if options.teams is not None:
        if not options.teams.is_dir():
            parser.error(f"--teams {options.teams}: not a directory")
        options.team[:0] = [f"{f.stem}={f}" for f in sorted(options.teams.glob("*.yaml"))]
    for spec in options.team:
        name, _, file = spec.partition("=")
        if not file or not Path(file).is_file():
            parser.error(f"--team {spec!r}: expected APP=FILE with an existing file")
        try:
            team_configs[name] = Path(file).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            parser.error(f"--team {spec!r}: not UTF-8 ({exc.reason} at byte {exc.start})")
        team_files[name] = file
    every = load_apps()
    known = {a.name for a in every}
    for option, names in (("--tree", own_trees), ("--team", team_configs), ("--only", options.only)):
        unknown = sorted(set(names) - known)
        if unknown:  # a typo would silently measure without it
            parser.error(f"{option}: no corpus app named {', '.join(unknown)}")

    apps = [a for a in every if not options.only or a.name in options.only]
    report = Report()
    with tempfile.TemporaryDirectory() as tmp:
        central = central_map(Path(tmp))
        for app in apps:
            if app.name in team_configs:
                print(f"{app.name}: team config {team_files[app.name]} applied", file=sys.stderr)
            if app.name in own_trees:
                print(f"{app.name}: measured on {own_trees[app.name]}, NOT checked against the pinned "
                      f"{app.source['artifact']} (unverified)", file=sys.stderr)
                report.outcomes.extend(evaluate(app, own_trees[app.name], central, team_configs.get(app.name)))
                continue
            try:
                tree = fetch(app, options.cache)
            except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
                print(f"{app.name}: not measured: {exc}", file=sys.stderr)
                continue
            report.outcomes.extend(evaluate(app, tree, central, team_configs.get(app.name)))

    stale = [o for o in report.outcomes if o.found is None]
    moved = [o for o in report.outcomes if o.moved_to is not None]
    counts: dict[str, int] = {}
    for o in report.outcomes:
        counts[o.app] = counts.get(o.app, 0) + 1
    print("Corpus: " + ", ".join(
        f"{a.name} {a.source['version']} ({a.source['registry']}, {counts.get(a.name, 0)} labels)" for a in apps))
    print(f"{len(report.outcomes)} labels, {sum(1 for o in report.outcomes if o.label.expected)} in-zone, "
          f"{sum(1 for o in report.outcomes if not o.label.expected)} hard negatives; "
          f"{len(stale)} stale, {len(moved)} found on a moved line")
    print_table("By language", report.tallies("group"))
    print_table("By application", report.tallies("app"))
    if options.misses:
        print("\nMisses (file:line, zone, expected, zones found at that line):")
        for o in report.outcomes:
            if o.found is None:
                print(f"  STALE {o.app} {o.label.path}:{o.label.line} {o.label.zone}")
            elif o.found != o.label.expected:
                kind = "FN" if o.label.expected else "FP"
                line = o.moved_to or o.label.line
                print(f"  {kind} {o.app} {o.label.path}:{line} {o.label.zone} (found: {', '.join(o.zones_at_line) or '-'})")
    if options.json:
        payload = {
            "team": team_files,
            "outcomes": [
                {"app": o.app, "path": o.label.path, "line": o.moved_to or o.label.line, "zone": o.label.zone,
                 "expected": o.label.expected, "found": o.found, "group": o.group}
                for o in report.outcomes
            ],
            "by_language": {f"{h}/{z}": vars(t) for (h, z), t in report.tallies("group").items()},
            "by_app": {f"{h}/{z}": vars(t) for (h, z), t in report.tallies("app").items()},
        }
        options.json.write_text(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Python manifests: requirements/constraints files, pyproject.toml (PEP 621, PEP 735, Poetry, uv,
PDM), setup.cfg, setup.py, Pipfile, Pipfile.lock, poetry.lock, uv.lock.

requirements.txt follows pip's file format: `\\` continuations, `#` comments (at the start or after
whitespace), options (`-r`, `-c`, `-e`, `-i/--index-url`, `--extra-index-url`, `-f`, `--hash`,
...), PEP 508 requirements (extras, version specifiers, `name @ url`, `; markers`), and bare URLs
or paths (VCS `git+https://...#egg=name`, archives, local directories). A requirement in a file
whose index is not PyPI resolves from that index (`registry`); an `--extra-index-url` makes every
requirement ambiguous between two indexes, which is reported the same way (dependency confusion).
"""

from __future__ import annotations

import ast
import configparser
import re
from typing import Any

from pavedroad.deps.manifests.common import (
    MAX_LOCKFILE_BYTES,
    MAX_MANIFEST_BYTES,
    Collector,
    quoted,
    toml_key_needles,
    toml_section_offset,
)
from pavedroad.deps.model import SourceKind

PYPI_INDEXES = ("https://pypi.org/simple", "https://pypi.python.org/simple",
                "https://files.pythonhosted.org")

#: A requirement's name token: anything up to a PEP 508 delimiter. Deliberately wider than PEP 508
#: names so that look-alike (non-ASCII) names are read and reported, not dropped as syntax errors.
_NAME = re.compile(r"[^\s\[\]<>=!~;@(),'\"]+")
_VCS = ("git+", "hg+", "svn+", "bzr+")
_EGG = re.compile(r"[#&]egg=([^&#\s]+)")
_FLAGS = {"--no-index", "--pre", "--prefer-binary", "--require-hashes", "--no-deps",
          "--only-deps", "--upgrade", "-U", "--user"}
_OPTIONS_WITH_ARG = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i",
                     "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host",
                     "--no-binary", "--only-binary", "--use-feature", "--global-option",
                     "--config-settings", "-C", "--hash", "--install-option", "--progress-bar"}


def is_default_index(url: str) -> bool:
    return url.rstrip("/").lower() in PYPI_INDEXES


class Requirement:
    """A parsed PEP 508 requirement (or a bare URL/path requirement)."""

    def __init__(self, name: str, spec: str = "", url: str = "", marker: str = "",
                 extras: str = "") -> None:
        self.name, self.spec, self.url, self.marker, self.extras = name, spec, url, marker, extras

    @property
    def source(self) -> tuple[SourceKind, str]:
        return url_source(self.url) if self.url else ("default", "")

    @property
    def pinned(self) -> str | None:
        match = re.fullmatch(r"\s*===?\s*([^\s,;*]+)\s*", self.spec)
        return match.group(1) if match else None


def url_source(url: str) -> tuple[SourceKind, str]:
    lowered = url.lower()
    if lowered.startswith(_VCS) or lowered.startswith("git://"):
        return "git", url
    if lowered.startswith(("http://", "https://", "ftp://")):
        return "url", url
    return "path", url


def parse_requirement(text: str) -> Requirement | str:
    """A PEP 508 requirement, a bare URL/path requirement, or an error message."""
    text = text.strip()
    if not text:
        return "empty requirement"
    lowered = text.lower()
    looks_like_url = (lowered.startswith(_VCS) or "://" in text.split(";")[0].split(" ")[0]
                      or text.startswith((".", "/", "~")) or lowered.endswith((".whl", ".zip",
                                                                               ".tar.gz")))
    if looks_like_url and not re.match(r"^[^\s@]+\s*@\s", text):
        url, _, marker = text.partition(" ;")
        url = url.split(";", 1)[0].strip() if " ;" not in text else url.strip()
        egg = _EGG.search(url)
        name = egg.group(1) if egg else _name_from_archive(url)
        if not name and url.startswith((".", "/", "~")):
            name = url.rstrip("/").split("/")[-1]  # a local project directory
        if not name:
            return f"cannot tell which package {url!r} provides (add #egg=NAME or use NAME @ URL)"
        return Requirement(name, url=url, marker=marker.strip())
    match = _NAME.match(text)
    if not match:
        return f"expected a package name at {text[:40]!r}"
    name = match.group(0)
    rest = text[match.end():].lstrip()
    extras = ""
    if rest.startswith("["):
        close = rest.find("]")
        if close < 0:
            return "unclosed '[' in extras"
        extras, rest = rest[1:close], rest[close + 1:].lstrip()
    marker = ""
    if rest.startswith("@"):
        url_part = rest[1:].strip()
        url, sep, marker = url_part.partition(" ;")
        if not sep:
            url, _, marker = url_part.partition(";") if "://" not in url_part else (url_part, "", "")
        if not url.strip():
            return "missing URL after '@'"
        return Requirement(name, url=url.strip(), marker=marker.strip(), extras=extras)
    spec, _, marker = rest.partition(";")
    spec = spec.strip()
    if spec.startswith("(") and spec.endswith(")"):
        spec = spec[1:-1].strip()
    if spec and not re.fullmatch(r"(\s*(===|==|!=|~=|<=|>=|<|>)\s*[^\s,;<>=!~]+\s*,?)+", spec):
        return f"invalid version specifier {spec[:40]!r} for {name!r}"
    return Requirement(name, spec=spec, marker=marker.strip(), extras=extras)


def _name_from_archive(url: str) -> str:
    last = url.rstrip("/").split("/")[-1].split("#")[0].split("?")[0]
    for suffix in (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"):
        if last.lower().endswith(suffix):
            stem = last[: -len(suffix)]
            return stem.split("-")[0] if stem else ""
    return ""


# --- requirements.txt -------------------------------------------------------------------------------
def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first physical line, joined text) with continuations joined and comments removed."""
    out: list[tuple[int, str]] = []
    buffer, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        if buffer.strip():
            out.append((start, buffer.strip()))
        buffer = ""
    if buffer.strip():
        out.append((start, buffer.strip()))
    return out


def parse_requirements(path: str, text: str) -> Collector:
    c = Collector(path, "requirements", text)
    if c.too_large(MAX_MANIFEST_BYTES):
        return c
    index_url = ""
    extra_indexes: list[str] = []
    entries: list[tuple[int, str, bool]] = []  # line, requirement text, editable
    for line, logical in _logical_lines(text):
        if logical.startswith("-"):
            match = re.match(r"(--?[A-Za-z][A-Za-z-]*)(?:[=\s]\s*(.*))?$", logical)
            if not match:
                c.problem(line, f"cannot read option {logical[:40]!r}")
                continue
            opt, arg = match.group(1), (match.group(2) or "").strip()
            if opt in ("-i", "--index-url"):
                index_url = arg
            elif opt == "--extra-index-url":
                extra_indexes.append(arg)
            elif opt in ("-e", "--editable"):
                entries.append((line, arg, True))
            elif opt not in _OPTIONS_WITH_ARG and opt not in _FLAGS:
                c.problem(line, f"unknown option {opt!r}")
            continue
        requirement, _, options = logical.partition(" --")
        if options and not re.match(r"(hash|global-option|config-settings|install-option)",
                                    options):
            c.problem(line, f"unknown per-requirement option '--{options.split()[0]}'")
        entries.append((line, requirement, False))
    for line, requirement_text, editable in entries:
        parsed = parse_requirement(requirement_text)
        if isinstance(parsed, str):
            c.problem(line, parsed)
            continue
        kind, source = parsed.source
        if editable and kind == "default":
            kind, source = "path", requirement_text
        if kind == "default" and index_url and not is_default_index(index_url):
            kind, source = "registry", index_url
        elif kind == "default" and extra_indexes:
            nondefault = [u for u in extra_indexes if not is_default_index(u)]
            if nondefault:
                kind, source = "registry", f"PyPI or the extra index {nondefault[0]}"
        if not c.add("pypi", parsed.name, line=line, spec=parsed.spec, version=parsed.pinned,
                     source_kind=kind, source=source, section="requirements"):
            break
    return c


# --- pyproject.toml ---------------------------------------------------------------------------------
def table(data: Any, key: str) -> dict[str, Any]:
    """`data[key]` when both are TOML tables, else an empty table."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _add_pep508_list(c: Collector, items: Any, header: str, section: str,
                     sources: dict[str, tuple[SourceKind, str]]) -> None:
    if not isinstance(items, list):
        if items is not None:
            c.problem(c.index.line_of(toml_section_offset(c.text, header)),
                      f"`{section}` should be a list of requirement strings")
        return
    start = toml_section_offset(c.text, header)
    for item in items:
        if isinstance(item, dict):  # PEP 735 {include-group = "..."}
            continue
        if not isinstance(item, str):
            continue
        line, _ = c.locate(quoted(item), start)
        parsed = parse_requirement(item)
        if isinstance(parsed, str):
            c.problem(line, parsed)
            continue
        kind, source = parsed.source
        override = sources.get(parsed.name.lower())
        if kind == "default" and override:
            kind, source = override
        if not c.add("pypi", parsed.name, line=line, spec=parsed.spec, version=parsed.pinned,
                     source_kind=kind, source=source, section=section):
            return


def _table_source(value: dict[str, Any]) -> tuple[SourceKind, str]:
    if "git" in value:
        return "git", str(value["git"])
    if "path" in value or "file" in value or "directory" in value:
        return "path", str(value.get("path") or value.get("file") or value.get("directory"))
    if "url" in value:
        return "url", str(value["url"])
    if value.get("index") or value.get("source"):
        return "registry", str(value.get("index") or value.get("source"))
    return "default", ""


def _add_name_table(c: Collector, table: Any, header: str, section: str) -> None:
    """Poetry/Pipfile style: `name = "spec"` or `name = {version = ..., git = ...}`."""
    if not isinstance(table, dict):
        return
    start = toml_section_offset(c.text, header)
    for name, value in table.items():
        if name.lower() == "python":
            continue
        line, _ = c.locate(toml_key_needles(name), start)
        if isinstance(value, list):  # Poetry multiple-constraint dependency
            value = value[0] if value and isinstance(value[0], dict) else {}
        if isinstance(value, str):
            spec, kind, source = value, "default", ""
        elif isinstance(value, dict):
            spec = str(value.get("version", ""))
            kind, source = _table_source(value)
        else:
            continue
        pinned = re.fullmatch(r"=?=?\s*(\d[^\s,*^~<>=!]*)", spec.strip())
        if not c.add("pypi", name, line=line, spec="" if spec == "*" else spec,
                     version=pinned.group(1) if pinned and "==" in spec else None,
                     source_kind=kind, source=source, section=section):  # type: ignore[arg-type]
            return


def parse_pyproject(path: str, text: str) -> Collector:
    c = Collector(path, "pyproject", text)
    if c.too_large(MAX_MANIFEST_BYTES):
        return c
    data = c.load_toml()
    if data is None:
        return c
    tool = table(data, "tool")
    uv = table(tool, "uv")
    sources: dict[str, tuple[SourceKind, str]] = {}
    for name, value in table(uv, "sources").items():
        if isinstance(value, dict):
            sources[name.lower()] = _table_source(value)
    project = table(data, "project")
    _add_pep508_list(c, project.get("dependencies"), "project", "project.dependencies", sources)
    optional = project.get("optional-dependencies")
    if isinstance(optional, dict):
        for group, items in optional.items():
            _add_pep508_list(c, items, "project.optional-dependencies",
                             f"project.optional-dependencies.{group}", sources)
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for group, items in groups.items():
            _add_pep508_list(c, items, "dependency-groups", f"dependency-groups.{group}", sources)
    build = table(data, "build-system")
    _add_pep508_list(c, build.get("requires"), "build-system", "build-system.requires", sources)
    if "dev-dependencies" in uv:
        _add_pep508_list(c, uv["dev-dependencies"], "tool.uv", "tool.uv.dev-dependencies", sources)
    for group, items in table(table(tool, "pdm"), "dev-dependencies").items():
        _add_pep508_list(c, items, "tool.pdm.dev-dependencies", f"tool.pdm.dev-dependencies.{group}",
                         sources)
    poetry = table(tool, "poetry")
    _add_name_table(c, poetry.get("dependencies"), "tool.poetry.dependencies",
                    "tool.poetry.dependencies")
    _add_name_table(c, poetry.get("dev-dependencies"), "tool.poetry.dev-dependencies",
                    "tool.poetry.dev-dependencies")
    for group, body in table(poetry, "group").items():
        if isinstance(body, dict):
            _add_name_table(c, body.get("dependencies"), f"tool.poetry.group.{group}.dependencies",
                            f"tool.poetry.group.{group}.dependencies")
    return c


# --- setup.cfg / setup.py ---------------------------------------------------------------------------
def parse_setup_cfg(path: str, text: str) -> Collector:
    c = Collector(path, "setup.cfg", text)
    if c.too_large(MAX_MANIFEST_BYTES):
        return c
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        c.problem(getattr(exc, "lineno", 1) or 1, f"invalid setup.cfg: {exc}")
        return c
    wanted: list[tuple[str, str, str]] = []
    if parser.has_section("options"):
        for key in ("install_requires", "setup_requires", "tests_require"):
            if parser.has_option("options", key):
                wanted.append(("options", key, parser.get("options", key)))
    if parser.has_section("options.extras_require"):
        for key, value in parser.items("options.extras_require"):
            wanted.append(("options.extras_require", key, value))
    for section, key, value in wanted:
        start = toml_section_offset(text, section)
        for item in value.replace(";\n", "\n").splitlines():
            item = item.split("#", 1)[0].strip()
            if not item:
                continue
            line, _ = c.locate([item], start)
            parsed = parse_requirement(item)
            if isinstance(parsed, str):
                c.problem(line, parsed)
                continue
            kind, source = parsed.source
            c.add("pypi", parsed.name, line=line, spec=parsed.spec, version=parsed.pinned,
                  source_kind=kind, source=source, section=f"{section}.{key}")
    return c


_SETUP_KEYS = ("install_requires", "setup_requires", "tests_require", "extras_require")


def parse_setup_py(path: str, text: str) -> Collector:
    """Literal lists/dicts passed to `setup(...)`; computed values cannot be read and are skipped."""
    c = Collector(path, "setup.py", text)
    if c.too_large(MAX_MANIFEST_BYTES):
        return c
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        c.problem(exc.lineno or 1, f"setup.py does not parse: {exc.msg}")
        return c
    except (ValueError, RecursionError) as exc:
        c.problem(1, f"setup.py does not parse: {exc}")
        return c
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called != "setup":
            continue
        for keyword in node.keywords:
            if keyword.arg not in _SETUP_KEYS:
                continue
            values: list[ast.expr] = []
            if isinstance(keyword.value, (ast.List, ast.Tuple)):
                values = list(keyword.value.elts)
            elif isinstance(keyword.value, ast.Dict):
                for group in keyword.value.values:
                    if isinstance(group, (ast.List, ast.Tuple)):
                        values.extend(group.elts)
            for item in values:
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    parsed = parse_requirement(item.value)
                    if isinstance(parsed, str):
                        c.problem(item.lineno, parsed)
                        continue
                    kind, source = parsed.source
                    c.add("pypi", parsed.name, line=item.lineno, spec=parsed.spec,
                          version=parsed.pinned, source_kind=kind, source=source,
                          section=str(keyword.arg))
    return c


# --- Pipfile / Pipfile.lock / poetry.lock / uv.lock -------------------------------------------------
def parse_pipfile(path: str, text: str) -> Collector:
    c = Collector(path, "Pipfile", text)
    if c.too_large(MAX_MANIFEST_BYTES):
        return c
    data = c.load_toml()
    if data is None:
        return c
    sources = [s for s in data.get("source") or [] if isinstance(s, dict)]
    default_url = str(sources[0].get("url", "")) if sources else "https://pypi.org/simple"
    named = {str(s.get("name")): str(s.get("url", "")) for s in sources}
    before = len(c.deps)
    _add_name_table(c, data.get("packages"), "packages", "packages")
    _add_name_table(c, data.get("dev-packages"), "dev-packages", "dev-packages")
    for i in range(before, len(c.deps)):
        dep = c.deps[i]
        if dep.source_kind == "registry":
            url = named.get(dep.source, dep.source)
            if is_default_index(url):
                c.deps[i] = _replace(dep, "default", "")
            else:
                c.deps[i] = _replace(dep, "registry", url)
        elif dep.source_kind == "default" and not is_default_index(default_url):
            c.deps[i] = _replace(dep, "registry", default_url)
    return c


def _replace(dep: Any, kind: SourceKind, source: str) -> Any:
    from dataclasses import replace

    return replace(dep, source_kind=kind, source=source)


def parse_pipfile_lock(path: str, text: str) -> Collector:
    c = Collector(path, "Pipfile.lock", text, lockfile=True)
    if c.too_large(MAX_LOCKFILE_BYTES):
        return c
    data = c.load_json_object()
    if data is None:
        return c
    sources = {str(s.get("name")): str(s.get("url", ""))
               for s in (data.get("_meta") or {}).get("sources") or [] if isinstance(s, dict)}
    for section in ("default", "develop"):
        start = c.text.find(f'"{section}"')
        for name, value in (data.get(section) or {}).items():
            if not isinstance(value, dict):
                continue
            line, _ = c.locate([f'"{name}": {{'], max(start, 0))
            version = str(value.get("version", "")).lstrip("=") or None
            kind: SourceKind = "default"
            source = ""
            if "git" in value:
                kind, source = "git", str(value["git"])
            elif "path" in value or "file" in value:
                kind, source = "path", str(value.get("path") or value.get("file"))
            elif value.get("index") and not is_default_index(sources.get(str(value["index"]), "")):
                kind, source = "registry", sources.get(str(value["index"]), str(value["index"]))
            if not c.add("pypi", name, line=line, spec=str(value.get("version", "")),
                         version=version, source_kind=kind, source=source, section=section):
                return c
    return c


def parse_toml_lock(path: str, text: str, kind_name: str) -> Collector:
    """poetry.lock and uv.lock: `[[package]]` tables with name, version and source."""
    c = Collector(path, kind_name, text, lockfile=True)
    if c.too_large(MAX_LOCKFILE_BYTES):
        return c
    data = c.load_toml()
    if data is None:
        return c
    cursor = 0
    for package in data.get("package") or []:
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            continue
        name, version = package["name"], str(package.get("version", ""))
        line, offset = c.locate([f'name = "{name}"'], cursor)
        cursor = offset + 1
        source = package.get("source")
        kind: SourceKind = "default"
        where = ""
        if isinstance(source, dict):
            if kind_name == "uv.lock":
                if source.get("editable") == "." or source.get("virtual") == ".":
                    continue  # the project itself
                if "registry" in source:
                    url = str(source["registry"])
                    kind, where = ("default", "") if is_default_index(url) else ("registry", url)
                elif "git" in source:
                    kind, where = "git", str(source["git"])
                elif "url" in source:
                    kind, where = "url", str(source["url"])
                else:
                    kind, where = "path", str(next(iter(source.values()), ""))
            else:
                stype, url = str(source.get("type", "")), str(source.get("url", ""))
                if stype == "git":
                    kind, where = "git", url
                elif stype in ("directory", "file"):
                    kind, where = "path", url
                elif stype == "url":
                    kind, where = "url", url
                elif stype == "legacy" and not is_default_index(url):
                    kind, where = "registry", url
        if not c.add("pypi", name, line=line, spec=version, version=version or None,
                     source_kind=kind, source=where, section="package"):
            break
    return c

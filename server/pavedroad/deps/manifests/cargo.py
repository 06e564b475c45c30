"""Rust: Cargo.toml and Cargo.lock.

Cargo.toml dependency tables: `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`, their
`[target.'cfg(...)'.*]` variants and `[workspace.dependencies]`. A value is a version string or a
table: `package = "real-name"` renames (the crate fetched is the real name), `git`/`path` change the
source, `registry`/`registry-index` name another registry, `workspace = true` inherits from the
workspace (checked where it is declared). Cargo.lock `source` is `registry+URL`, `sparse+URL` or
`git+URL#rev`; a package without a source is a local (workspace) crate.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pavedroad.deps.manifests.common import (
    MAX_LOCKFILE_BYTES,
    MAX_MANIFEST_BYTES,
    Collector,
    toml_key_needles,
    toml_section_offset,
)
from pavedroad.deps.model import SourceKind

SECTIONS = ("dependencies", "dev-dependencies", "build-dependencies")
CRATES_IO = ("registry+https://github.com/rust-lang/crates.io-index", "sparse+https://index.crates.io/")


def _add_table(c: Collector, table: Any, header: str) -> None:
    if not isinstance(table, dict):
        return
    start = toml_section_offset(c.text, header)
    for key, value in table.items():
        line, _ = c.locate([*toml_key_needles(key), f"[{header}.{key}]"], start)
        name, spec = key, ""
        kind: SourceKind = "default"
        source = ""
        if isinstance(value, str):
            spec = value
        elif isinstance(value, dict):
            if value.get("workspace") is True:
                continue
            name = str(value.get("package") or key)
            spec = str(value.get("version", ""))
            if "git" in value:
                kind, source = "git", str(value["git"])
            elif "path" in value:
                kind, source = "path", str(value["path"])
            elif "registry" in value or "registry-index" in value:
                kind, source = "registry", str(value.get("registry") or value.get("registry-index"))
        else:
            c.problem(line, f"dependency {key!r} should be a version string or a table")
            continue
        exact = spec[1:].strip() if spec.startswith("=") else None
        if not c.add("cargo", name, line=line, spec=spec, version=exact, source_kind=kind,
                     source=source, section=header):
            return


def parse_cargo_toml(path: str, text: str) -> Collector:
    c = Collector(path, "Cargo.toml", text)
    if c.too_large(MAX_MANIFEST_BYTES):
        return c
    data = c.load_toml()
    if data is None:
        return c
    for section in SECTIONS:
        _add_table(c, data.get(section), section)
    workspace = data.get("workspace")
    if isinstance(workspace, dict):
        _add_table(c, workspace.get("dependencies"), "workspace.dependencies")
    targets = data.get("target")
    if isinstance(targets, dict):
        for target, body in targets.items():
            if not isinstance(body, dict):
                continue
            for section in SECTIONS:
                if section in body:
                    header = f"target.{target}.{section}"
                    start = c.text.find(target)
                    before = len(c.deps)
                    _add_table(c, body[section], header)
                    if start > 0:  # table headers with quoted cfg() keys: relocate from there
                        for i in range(before, len(c.deps)):
                            dep = c.deps[i]
                            line, _ = c.locate(toml_key_needles(dep.name), start)
                            c.deps[i] = replace(dep, line=line)
    return c


def parse_cargo_lock(path: str, text: str) -> Collector:
    c = Collector(path, "Cargo.lock", text, lockfile=True)
    if c.too_large(MAX_LOCKFILE_BYTES):
        return c
    data = c.load_toml()
    if data is None:
        return c
    cursor = 0
    for package in data.get("package") or []:
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            continue
        source = package.get("source")
        if not isinstance(source, str):
            continue  # a workspace member
        name, version = package["name"], str(package.get("version", ""))
        line, offset = c.locate([f'name = "{name}"'], cursor)
        cursor = offset + 1
        kind: SourceKind = "default"
        where = ""
        if source.startswith("git+"):
            kind, where = "git", source[4:]
        elif not source.startswith(CRATES_IO):
            kind, where = "registry", source.split("+", 1)[-1]
        if not c.add("cargo", name, line=line, spec=version, version=version or None,
                     source_kind=kind, source=where, section="package"):
            break
    return c

"""npm manifests: package.json, package-lock.json / npm-shrinkwrap.json, yarn.lock (classic and
Berry), pnpm-lock.yaml.

package.json specs are classified the way npm resolves them: `npm:name@range` is an alias (the
package fetched is `name`), `git+...`, `github:u/r`, `u/r` and `git://` are git, `http(s)://` a
tarball URL, `file:`, `link:`, `workspace:` and relative paths the file system; anything else is a
semver range on the default registry. Lockfile entries whose `resolved` URL is not the public
registry (registry.npmjs.org or its yarn mirror) resolve from another registry.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from pavedroad.deps.manifests.common import MAX_LOCKFILE_BYTES, MAX_MANIFEST_BYTES, Collector
from pavedroad.deps.model import SourceKind

SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
DEFAULT_REGISTRIES = ("https://registry.npmjs.org/", "https://registry.yarnpkg.com/",
                      "http://registry.npmjs.org/")


def classify_spec(name: str, spec: str) -> tuple[str, str, SourceKind, str]:
    """(real package name, range, source kind, source) for `"name": "spec"` in package.json."""
    spec = spec.strip()
    lowered = spec.lower()
    if lowered.startswith("npm:"):
        target = spec[4:]
        at = target.rfind("@")
        if at > 0:
            return target[:at], target[at + 1:], "default", ""
        return target, "", "default", ""
    if lowered.startswith(("git+", "git://", "github:", "gitlab:", "bitbucket:", "gist:")):
        return name, "", "git", spec
    if lowered.startswith(("http://", "https://")):
        return name, "", "url", spec
    if lowered.startswith(("file:", "link:", "workspace:", "portal:", "patch:", "./", "../",
                           "~/", "/")):
        return name, "", "path", spec
    if re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+(#.*)?", spec):  # GitHub shorthand user/repo
        return name, "", "git", f"github:{spec}"
    return name, spec, "default", ""


def _key_position(c: Collector, key: str, start: int) -> tuple[int, int]:
    encoded = json.dumps(key, ensure_ascii=False)
    return c.locate([encoded + ":", encoded + " :"], start)


def parse_package_json(path: str, text: str) -> Collector:
    c = Collector(path, "package.json", text)
    if c.too_large(MAX_MANIFEST_BYTES):
        return c
    data = c.load_json_object()
    if data is None:
        return c
    for section in SECTIONS:
        table = data.get(section)
        if table is None:
            continue
        _, section_at = _key_position(c, section, 0)
        if not isinstance(table, dict):
            c.problem(c.index.line_of(section_at), f"`{section}` should be an object")
            continue
        for name, spec in table.items():
            line, offset = _key_position(c, name, section_at)
            if not isinstance(spec, str):
                c.problem(line, f"the version of {name!r} should be a string")
                continue
            real, version_range, kind, source = classify_spec(name, spec)
            exact = re.fullmatch(r"=?v?(\d+\.\d+\.\d+[^\s]*)", version_range)
            column: int | None = offset - c.index.offset_of_line(line) + 1
            if real != name:
                column = None  # the alias target is in the value, not the key
            if not c.add("npm", real, line=line, spec=version_range,
                         version=exact.group(1) if exact else None, source_kind=kind,
                         source=source, section=section, column=column):
                return c
    return c


def _resolved_source(resolved: str, version: str) -> tuple[SourceKind, str]:
    lowered = resolved.lower()
    if lowered.startswith(("git+", "git://", "github:")) or version.lower().startswith(("git+", "github:")):
        return "git", resolved or version
    if lowered.startswith("file:") or version.lower().startswith("file:"):
        return "path", resolved or version
    if resolved and not lowered.startswith(DEFAULT_REGISTRIES):
        if lowered.startswith(("http://", "https://")) and "/-/" in lowered:
            return "registry", resolved.split("/-/")[0]
        return "url", resolved
    return "default", ""


def parse_package_lock(path: str, text: str) -> Collector:
    c = Collector(path, "package-lock.json", text, lockfile=True)
    if c.too_large(MAX_LOCKFILE_BYTES):
        return c
    data = c.load_json_object()
    if data is None:
        return c
    packages = data.get("packages")
    cursor = 0
    if isinstance(packages, dict):  # lockfileVersion 2 and 3
        for key, entry in packages.items():
            if not key or not isinstance(entry, dict) or "node_modules/" not in key:
                continue
            name = entry.get("name") or key.rsplit("node_modules/", 1)[-1]
            line, offset = _key_position(c, key, cursor)
            cursor = offset + 1
            version = str(entry.get("version", ""))
            kind: SourceKind
            if entry.get("link"):
                kind, source = "path", str(entry.get("resolved", ""))
            else:
                kind, source = _resolved_source(str(entry.get("resolved", "")), version)
            if not c.add("npm", str(name), line=line, spec=version, version=version or None,
                         source_kind=kind, source=source, section="packages"):
                return c
        return c
    stack: list[tuple[str, Any]] = list(reversed(list((data.get("dependencies") or {}).items())))
    while stack:  # lockfileVersion 1: nested "dependencies"
        name, entry = stack.pop()
        if not isinstance(entry, dict):
            continue
        line, offset = _key_position(c, name, cursor)
        cursor = offset + 1
        version = str(entry.get("version", ""))
        kind, source = _resolved_source(str(entry.get("resolved", "")), version)
        if not c.add("npm", name, line=line, spec=version, version=version or None,
                     source_kind=kind, source=source, section="dependencies"):
            return c
        nested = entry.get("dependencies")
        if isinstance(nested, dict):
            stack.extend(reversed(list(nested.items())))
    return c


_YARN_VALUE = re.compile(r'^\s+(version|resolved|resolution)[:\s]\s*"?([^"\n]*)"?\s*$')


def _yarn_name(descriptor: str) -> str:
    descriptor = descriptor.strip().strip('"')
    at = descriptor.find("@", 1)
    return descriptor[:at] if at > 0 else descriptor


def parse_yarn_lock(path: str, text: str) -> Collector:
    """yarn.lock v1 (`name@range:` + `version "x"`) and Berry (YAML-like `version: x`)."""
    c = Collector(path, "yarn.lock", text, lockfile=True)
    if c.too_large(MAX_LOCKFILE_BYTES):
        return c
    current: tuple[int, str] | None = None
    values: dict[str, str] = {}

    def flush() -> bool:
        if current is None:
            return True
        line, name = current
        version = values.get("version", "")
        resolved = values.get("resolved", "")
        resolution = values.get("resolution", "")
        if resolution:
            spec = resolution.rsplit("@", 1)[-1]
            kind: SourceKind
            if spec.startswith("npm:"):
                kind, source = "default", ""
            elif spec.startswith(("git", "https://github.com")) or "#commit=" in spec:
                kind, source = "git", spec
            elif spec.startswith(("workspace:", "file:", "link:", "portal:", "patch:")):
                return True  # workspaces and local packages are part of the project
            else:
                kind, source = "url", spec
        else:
            kind, source = _resolved_source(resolved, version)
        return c.add("npm", name, line=line, spec=version, version=version or None,
                     source_kind=kind, source=source, section="lock")

    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if not raw[0].isspace():
            if not flush():
                return c
            values = {}
            header = raw.rstrip().rstrip(":")
            if header.startswith("__metadata") or not header:
                current = None
                continue
            first = header.split(",")[0]
            current = (number, _yarn_name(first))
            continue
        match = _YARN_VALUE.match(raw)
        if match and current is not None and raw.startswith("  ") and not raw.startswith("    "):
            values[match.group(1)] = match.group(2).strip()
    flush()
    return c


def parse_pnpm_lock(path: str, text: str) -> Collector:
    c = Collector(path, "pnpm-lock.yaml", text, lockfile=True)
    if c.too_large(MAX_LOCKFILE_BYTES):
        return c
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        c.problem((mark.line + 1) if mark else 1, f"invalid YAML: {getattr(exc, 'problem', exc)}")
        return c
    if not isinstance(data, dict):
        c.problem(1, "pnpm-lock.yaml should hold a mapping")
        return c
    packages = data.get("packages") or {}
    if not isinstance(packages, dict):
        return c
    cursor = 0
    for key, entry in packages.items():
        key = str(key)
        body = key.lstrip("/")
        if "(" in body:
            body = body.split("(", 1)[0]
        if "@" in body[1:]:
            at = body.rfind("@")
            name, version = body[:at], body[at + 1:]
        else:  # lockfile v5: /name/1.2.3
            name, _, version = body.rpartition("/")
        line, offset = c.locate([key + ":", f"'{key}':", f'"{key}":'], cursor)
        cursor = offset + 1
        resolution = entry.get("resolution") if isinstance(entry, dict) else None
        kind: SourceKind = "default"
        source = ""
        if isinstance(resolution, dict):
            if "tarball" in resolution:
                kind, source = _resolved_source(str(resolution["tarball"]), version)
            elif "repo" in resolution or resolution.get("type") == "git":
                kind, source = "git", str(resolution.get("repo", ""))
            elif "directory" in resolution:
                kind, source = "path", str(resolution["directory"])
        if not c.add("npm", name, line=line, spec=version, version=version or None,
                     source_kind=kind, source=source, section="packages"):
            return c
    return c

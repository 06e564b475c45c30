"""Ruby: Gemfile (and gems.rb), Gemfile.lock (gems.locked), *.gemspec.

Gemfiles are Ruby programs; they are not run. A line grammar reads what Bundler's DSL declares:
`source "url"` (top level, or a `source "url" do ... end` block), `git "url" do`, `path "dir" do`,
`github "u/r" do` blocks, and `gem "name", "constraint"..., key: value` / `:key => value` options
(`git:`, `github:`, `path:`, `source:`). Gemfile.lock sections GEM / GIT / PATH list the resolved
gems at four spaces (their own dependencies are indented further and skipped).
"""

from __future__ import annotations

import re

from pavedroad.deps.manifests.common import MAX_LOCKFILE_BYTES, MAX_MANIFEST_BYTES, Collector
from pavedroad.deps.model import SourceKind

RUBYGEMS = ("https://rubygems.org", "http://rubygems.org", "https://rubygems.org/",
            "https://gems.ruby-lang.org")
_STRING = r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"""
_GEM = re.compile(r"^\s*gem\s*\(?\s*" + _STRING + r"(.*)$")
_BLOCK = re.compile(r"^\s*(source|git|path|github|group|platforms?|install_if|env)\b(.*?)\s+do\b")
_SOURCE = re.compile(r"^\s*source\s*\(?\s*" + _STRING)
_OPTION = re.compile(r"(?::(\w+)\s*=>|(\w+):)\s*" + _STRING)
_ARG_STRING = re.compile(r"^\s*,\s*" + _STRING)


def _strip_comment(line: str) -> str:
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def _first_string(text: str) -> str:
    match = re.search(_STRING, text)
    return (match.group(1) if match.group(1) is not None else match.group(2)) if match else ""


def parse_gemfile(path: str, text: str) -> Collector:
    c = Collector(path, "Gemfile", text)
    if c.too_large(MAX_MANIFEST_BYTES):
        return c
    default_source = "https://rubygems.org"
    blocks: list[tuple[SourceKind, str] | None] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw)
        if not line.strip():
            continue
        block = _BLOCK.match(line)
        if block:
            verb, argument = block.group(1), _first_string(block.group(2))
            if verb == "source":
                blocks.append(("default", "") if argument.rstrip("/") in RUBYGEMS
                              else ("registry", argument))
            elif verb in ("git", "github"):
                blocks.append(("git", argument if verb == "git" else f"github:{argument}"))
            elif verb == "path":
                blocks.append(("path", argument))
            else:
                blocks.append(None)
            continue
        if re.match(r"^\s*end\b", line):
            if blocks:
                blocks.pop()
            continue
        source_line = _SOURCE.match(line)
        if source_line and not blocks:
            default_source = source_line.group(1) or source_line.group(2) or ""
            continue
        gem = _GEM.match(line)
        if not gem:
            if re.match(r"^\s*gem\b", line):
                c.problem(number, "cannot read this gem declaration (expected gem \"name\", ...)")
            continue
        name = gem.group(1) if gem.group(1) is not None else gem.group(2)
        rest = gem.group(3)
        constraints: list[str] = []
        while True:
            arg = _ARG_STRING.match(rest)
            if not arg:
                break
            constraints.append(arg.group(1) if arg.group(1) is not None else arg.group(2))
            rest = rest[arg.end():]
        options = {m.group(1) or m.group(2): (m.group(3) if m.group(3) is not None else m.group(4))
                   for m in _OPTION.finditer(rest)}
        kind: SourceKind = "default"
        source = ""
        enclosing = next((b for b in reversed(blocks) if b is not None), None)
        if "git" in options:
            kind, source = "git", options["git"]
        elif "github" in options:
            kind, source = "git", f"github:{options['github']}"
        elif "path" in options:
            kind, source = "path", options["path"]
        elif "source" in options and options["source"].rstrip("/") not in RUBYGEMS:
            kind, source = "registry", options["source"]
        elif enclosing is not None:
            kind, source = enclosing
        elif default_source.rstrip("/") not in RUBYGEMS:
            kind, source = "registry", default_source
        spec = ", ".join(constraints)
        exact = re.fullmatch(r"=?\s*(\d[\w.]*)", constraints[0]) if len(constraints) == 1 else None
        if not c.add("gem", name, line=number, spec=spec, version=exact.group(1) if exact else None,
                     source_kind=kind, source=source, section="gem",
                     column=raw.find(name)):
            break
    return c


_GEMSPEC = re.compile(r"\.\s*add_(runtime_|development_)?dependency\s*\(?\s*" + _STRING + r"(.*)$")


def parse_gemspec(path: str, text: str) -> Collector:
    c = Collector(path, "gemspec", text)
    if c.too_large(MAX_MANIFEST_BYTES):
        return c
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw)
        match = _GEMSPEC.search(line)
        if not match:
            continue
        name = match.group(2) if match.group(2) is not None else match.group(3)
        constraints = [a or b for a, b in re.findall(_STRING, match.group(4))]
        section = "development" if match.group(1) == "development_" else "runtime"
        if not c.add("gem", name, line=number, spec=", ".join(constraints), section=section,
                     column=raw.find(name)):
            break
    return c


_LOCK_SPEC = re.compile(r"^    ([^\s(]+) \(([^)]+)\)\s*$")


def parse_gemfile_lock(path: str, text: str) -> Collector:
    c = Collector(path, "Gemfile.lock", text, lockfile=True)
    if c.too_large(MAX_LOCKFILE_BYTES):
        return c
    section = ""
    remote = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw and not raw[0].isspace():
            section, remote = raw.strip(), ""
            continue
        if section not in ("GEM", "GIT", "PATH"):
            continue
        stripped = raw.strip()
        if stripped.startswith("remote:"):
            remote = stripped.split(":", 1)[1].strip()
            continue
        match = _LOCK_SPEC.match(raw)
        if not match:
            continue
        name, version = match.group(1), match.group(2).split("-")[0]
        kind: SourceKind = "default"
        source = ""
        if section == "GIT":
            kind, source = "git", remote
        elif section == "PATH":
            kind, source = "path", remote
        elif remote and remote.rstrip("/") not in RUBYGEMS:
            kind, source = "registry", remote
        if not c.add("gem", name, line=number, spec=version, version=version,
                     source_kind=kind, source=source, section=section, column=4):
            break
    return c

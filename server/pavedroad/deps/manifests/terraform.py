"""Terraform: `required_providers` and `module` sources in *.tf files, and .terraform.lock.hcl.

A small HCL reader (no evaluation): a scanner for identifiers, strings (with `${...}` templates),
heredocs and comments, and a recursive reader of bodies (attributes and labelled blocks) and object
expressions. It is bounded by the file-size cap and `MAX_TOKENS` and by a nesting limit.

Providers are named `namespace/type` (the default host registry.terraform.io is dropped; any other
host is another registry). A provider without `source` is `hashicorp/<name>`, as Terraform assumes.
Module sources: `ns/name/system` (registry), `host/ns/name/system` (another registry), `./dir`
(path), `github.com/...`, `git::...`, `git@...` (git), `https://...` archives (url).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pavedroad.deps.manifests.common import MAX_LOCKFILE_BYTES, MAX_MANIFEST_BYTES, Collector
from pavedroad.deps.model import SourceKind

MAX_TOKENS = 300_000
MAX_DEPTH = 64
DEFAULT_HOSTS = ("registry.terraform.io", "registry.opentofu.org")


@dataclass
class _Tok:
    kind: str  # id, str, nl, or punctuation
    value: str
    offset: int


def _scan(text: str) -> tuple[list[_Tok], bool]:
    out: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        if len(out) >= MAX_TOKENS:
            return out, True
        ch = text[i]
        if ch == "\n":
            out.append(_Tok("nl", "\n", i))
            i += 1
        elif ch in " \t\r":
            i += 1
        elif ch == "#" or text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif text.startswith("<<", i):
            j = i + 2 + (1 if text.startswith("<<-", i) else 0)
            k = j
            while k < n and (text[k].isalnum() or text[k] == "_"):
                k += 1
            marker = text[j:k]
            end_line = text.find("\n", k)
            if not marker or end_line < 0:
                out.append(_Tok("other", "<<", i))
                i += 2
                continue
            pos = end_line + 1
            while pos < n:
                line_end = text.find("\n", pos)
                line = text[pos: n if line_end < 0 else line_end]
                if line.strip() == marker:
                    pos = n if line_end < 0 else line_end
                    break
                pos = n if line_end < 0 else line_end + 1
            out.append(_Tok("other", "<<heredoc", i))
            i = pos
        elif ch == '"':
            j, depth, buf = i + 1, 0, []
            while j < n:
                c = text[j]
                if c == "\\" and j + 1 < n:
                    buf.append(text[j:j + 2])
                    j += 2
                    continue
                if depth == 0 and c == '"':
                    break
                if c == "\n" and depth == 0:
                    break
                if text.startswith("${", j) or text.startswith("%{", j):
                    depth += 1
                    buf.append(text[j:j + 2])
                    j += 2
                    continue
                if c == "}" and depth:
                    depth -= 1
                buf.append(c)
                j += 1
            out.append(_Tok("str", "".join(buf), i))
            i = j + 1
        elif ch.isalpha() or ch == "_":
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] in "_-"):
                j += 1
            out.append(_Tok("id", text[i:j], i))
            i = j
        elif ch in "{}[]()=,:":
            out.append(_Tok(ch, ch, i))
            i += 1
        else:
            out.append(_Tok("other", ch, i))
            i += 1
    return out, False


@dataclass
class _Body:
    attrs: dict[str, tuple[Any, int]] = field(default_factory=dict)
    blocks: list[tuple[str, list[str], _Body, int]] = field(default_factory=list)


class _Reader:
    def __init__(self, tokens: list[_Tok]) -> None:
        self.t = tokens
        self.i = 0

    def peek(self, k: int = 0) -> _Tok | None:
        j = self.i + k
        return self.t[j] if j < len(self.t) else None

    def skip_nl(self) -> None:
        while (tok := self.peek()) is not None and tok.kind in ("nl", ","):
            self.i += 1

    def body(self, depth: int) -> _Body:
        out = _Body()
        while True:
            self.skip_nl()
            tok = self.peek()
            if tok is None or tok.kind == "}":
                if tok is not None:
                    self.i += 1
                return out
            if tok.kind not in ("id", "str"):
                self.i += 1
                continue
            nxt = self.peek(1)
            if nxt is not None and nxt.kind in ("=", ":") and not (
                    nxt.kind == "=" and (after := self.peek(2)) is not None and after.kind == "="):
                self.i += 2
                out.attrs[tok.value] = (self.expr(depth + 1), tok.offset)
                continue
            labels: list[str] = []
            j = 1
            while (lab := self.peek(j)) is not None and lab.kind in ("id", "str"):
                labels.append(lab.value)
                j += 1
            if (brace := self.peek(j)) is not None and brace.kind == "{" and tok.kind == "id":
                self.i += j + 1
                inner = self.body(depth + 1) if depth < MAX_DEPTH else _Body()
                out.blocks.append((tok.value, labels, inner, tok.offset))
                continue
            self.i += 1

    def expr(self, depth: int) -> Any:
        tok = self.peek()
        if tok is None:
            return None
        if tok.kind == "str" and (nxt := self.peek(1)) is not None and nxt.kind in ("nl", ",", "}"):
            self.i += 1
            return tok.value
        if tok.kind == "{" and depth < MAX_DEPTH:
            self.i += 1
            obj = self.body(depth + 1)
            return {k: v[0] for k, v in obj.attrs.items()}
        level = 0
        while (tok := self.peek()) is not None:  # skip any other expression
            if tok.kind in ("(", "[", "{"):
                level += 1
            elif tok.kind in (")", "]", "}"):
                if level == 0:
                    return None
                level -= 1
            elif tok.kind in ("nl", ",") and level == 0:
                return None
            self.i += 1
        return None


def _read(c: Collector) -> _Body | None:
    tokens, truncated = _scan(c.text)
    if truncated:
        c.truncated = True
        c.problem(1, f"more than {MAX_TOKENS} tokens: the rest is not checked")
    try:
        return _Reader(tokens).body(0)
    except RecursionError:
        c.problem(1, "nested too deeply")
        return None


def provider_name(address: str) -> tuple[str, SourceKind, str]:
    parts = address.strip().lower().split("/")
    if len(parts) == 3:
        host = parts[0]
        name = "/".join(parts[1:])
        if host in DEFAULT_HOSTS:
            return name, "default", ""
        return name, "registry", host
    if len(parts) == 1:
        return f"hashicorp/{parts[0]}", "default", ""
    return "/".join(parts), "default", ""


def module_source(source: str) -> tuple[str, SourceKind, str]:
    lowered = source.lower()
    if source.startswith(("./", "../", "/")):
        return source, "path", source
    if lowered.startswith(("git::", "git@", "github.com/", "bitbucket.org/", "hg::")):
        return source, "git", source
    if "::" in source or lowered.startswith(("http://", "https://", "s3::", "gcs::")):
        return source, "url", source
    parts = source.split("//")[0].split("/")
    if len(parts) == 3:
        return source, "default", ""
    if len(parts) == 4 and "." in parts[0]:
        return "/".join(parts[1:]), "registry", parts[0]
    return source, "url", source


def parse_tf(path: str, text: str) -> Collector:
    c = Collector(path, "terraform", text)
    if c.too_large(MAX_MANIFEST_BYTES):
        return c
    body = _read(c)
    if body is None:
        return c
    for kind, labels, block, _offset in body.blocks:
        if kind == "terraform":
            for inner_kind, _, inner, _ in block.blocks:
                if inner_kind != "required_providers":
                    continue
                for local, (value, at) in inner.attrs.items():
                    line = c.index.line_of(at)
                    if isinstance(value, dict):
                        address = str(value.get("source") or local)
                        spec = str(value.get("version") or "")
                    else:
                        address, spec = local, str(value or "")
                    name, source_kind, source = provider_name(address)
                    c.add("terraform", name, line=line, spec=spec, source_kind=source_kind,
                          source=source, section="required_providers")
        elif kind == "module" and labels:
            source_value = block.attrs.get("source")
            if source_value is None or not isinstance(source_value[0], str):
                continue
            name, source_kind, source = module_source(source_value[0])
            if source_kind == "path":
                continue  # a module of this repository
            version = block.attrs.get("version")
            c.add("terraform", name, line=c.index.line_of(source_value[1]),
                  spec=str(version[0]) if version and isinstance(version[0], str) else "",
                  source_kind=source_kind, source=source, section="module")
    return c


def parse_tf_lock(path: str, text: str) -> Collector:
    c = Collector(path, ".terraform.lock.hcl", text, lockfile=True)
    if c.too_large(MAX_LOCKFILE_BYTES):
        return c
    body = _read(c)
    if body is None:
        return c
    for kind, labels, block, offset in body.blocks:
        if kind != "provider" or not labels:
            continue
        name, source_kind, source = provider_name(labels[0])
        version = block.attrs.get("version")
        constraints = block.attrs.get("constraints")
        ver = str(version[0]) if version and isinstance(version[0], str) else ""
        if not c.add("terraform", name, line=c.index.line_of(offset), version=ver or None,
                     spec=str(constraints[0]) if constraints and isinstance(constraints[0], str)
                     else ver, source_kind=source_kind, source=source, section="provider"):
            break
    return c

"""Go modules: go.mod (the `go help go.mod` grammar) and go.sum.

go.mod is line-oriented: a verb (`module`, `go`, `toolchain`, `require`, `replace`, `exclude`,
`retract`, `tool`, `godebug`, `ignore`) followed by arguments, or the verb and `(` opening a block
of argument lines closed by `)`. Tokens are bare words, "interpreted" or `raw` strings; `//`
starts a comment. A `replace` whose target is a file-system path makes the module resolve from
disk (`path`); a replacement by another module path resolves from that module (`registry`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from pavedroad.deps.manifests.common import MAX_LOCKFILE_BYTES, MAX_MANIFEST_BYTES, Collector

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|//.*|=>|[()]|[^\s()"`]+')
VERBS = {"module", "go", "toolchain", "require", "replace", "exclude", "retract", "tool",
         "godebug", "ignore"}


def _tokens(line: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for match in _TOKEN.finditer(line):
        token = match.group(0)
        if token.startswith("//"):
            break
        if token[0] in "\"`":
            token = token[1:-1]
        out.append((match.start(), token))
    return out


def _is_path(target: str) -> bool:
    return target.startswith(("./", "../", "/")) or bool(re.match(r"^[A-Za-z]:[\\/]", target))


def parse_go_mod(path: str, text: str) -> Collector:
    c = Collector(path, "go.mod", text)
    if c.too_large(MAX_MANIFEST_BYTES):
        return c
    block: str | None = None
    replacements: dict[str, tuple[str, str, int]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        tokens = _tokens(raw)
        if not tokens:
            continue
        if block is not None:
            if tokens[0][1] == ")":
                block = None
                continue
            verb, args = block, tokens
        else:
            verb, args = tokens[0][1], tokens[1:]
            if verb not in VERBS:
                c.problem(number, f"unknown directive {verb!r}")
                continue
            if args and args[0][1] == "(":
                if len(args) > 1:
                    c.problem(number, "nothing may follow '(' on the same line")
                block = verb
                continue
        if verb == "require":
            if len(args) < 2 or not re.match(r"^v\d", args[1][1]):
                c.problem(number, "require needs a module path and a version (vX.Y.Z)")
                continue
            (column, module), (_, version) = args[0], args[1]
            indirect = "// indirect" in raw
            if not c.add("go", module, line=number, spec=version, version=version,
                         section="require (indirect)" if indirect else "require", column=column):
                break
        elif verb == "replace":
            words = [t for _, t in args]
            if "=>" not in words:
                c.problem(number, "replace needs '=>'")
                continue
            arrow = words.index("=>")
            before, after = words[:arrow], words[arrow + 1:]
            if not before or not after or len(before) > 2 or len(after) > 2:
                c.problem(number, "replace needs: module [version] => target [version]")
                continue
            replacements[before[0]] = (after[0], after[1] if len(after) > 1 else "", number)
    if block is not None:
        c.problem(len(text.splitlines()), f"unclosed {block} ( block")
    for i, dep in enumerate(c.deps):
        target = replacements.get(dep.name)
        if target is None:
            continue
        new, version, _ = target
        if _is_path(new):
            c.deps[i] = replace(dep, source_kind="path", source=new)
        else:
            c.deps[i] = replace(dep, source_kind="registry",
                                source=f"replaced by {new} {version}".strip())
    return c


def parse_go_sum(path: str, text: str) -> Collector:
    c = Collector(path, "go.sum", text, lockfile=True)
    if c.too_large(MAX_LOCKFILE_BYTES):
        return c
    seen: set[tuple[str, str]] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        parts = raw.split()
        if not parts:
            continue
        if len(parts) != 3 or not parts[2].startswith("h1:"):
            c.problem(number, "expected: module version h1:hash")
            continue
        module, version = parts[0], parts[1].removesuffix("/go.mod")
        if (module, version) in seen:
            continue
        seen.add((module, version))
        if not c.add("go", module, line=number, spec=version, version=version, section="sum",
                     column=0):
            break
    return c

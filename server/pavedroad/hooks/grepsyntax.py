"""Which lines a search would print: grep / ripgrep / ag / git grep patterns as one RE2 line test.

A recursive search reads every file under its folders; what reaches the agent is the lines that
match. Rather than guess from the pattern's words whether a sensitive file's lines would match
(`API_KEY` yes, `KEY` or `DATABASE_URL` no: both print a value), the read hook runs the same test
on the sensitive files the search covers (`treesearch`, `decide`). This module turns the tool's
pattern syntax and flags into that test:

- grep and git grep: basic regular expressions by default (`\\|`, `\\(`, `\\{` are operators, bare
  `|`, `(`, `{`, `+`, `?` are characters), `-E` extended, `-F` fixed strings, `-P` Perl;
  ripgrep: Rust's syntax, close to RE2's; ag and ack: Perl's; ugrep: extended.
- `-i` / `--ignore-case` (ripgrep, ag and ack are matched without case always: a config file or
  their smart case may turn it on), `-w` (whole words), `-x` (whole lines), `-v` (every line that
  does not match), several `-e`, patterns from a `-f` file.

RE2 runs in linear time, so a hostile pattern cannot hang the hook. A pattern RE2 cannot run
(back-references, look-around) gives no test: the caller then treats every line as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pavedroad.saferegex import PatternError, compile_regex

#: Bytes of a pattern file (`grep -f FILE`) read; a larger one gives no test.
MAX_PATTERN_FILE = 64 * 1024
#: Characters of a sensitive file tested (env files and keys are small; a larger file is tested
#: on its head, and a search of it counts as printing when the head cannot decide).
MAX_TESTED = 1 << 20


@dataclass(frozen=True)
class LineTest:
    """What a search prints of a file: the lines `regex` finds something in (all other lines
    with `inverted`). `regex` None: unknown, every line counts as printed."""

    regex: Any
    inverted: bool = False
    #: binary files are searched as text (`grep -a`, `rg --binary` / `-uuu`); otherwise a file
    #: with a NUL byte prints only "binary file matches"
    text: bool = False

    def prints_from(self, data: bytes) -> bool:
        """Whether the search would print any line of `data` (a file's content)."""
        if self.regex is None:
            return True
        if b"\0" in data[:8192] and not self.text:
            return False  # grep says "Binary file ... matches"; ripgrep skips it
        text = data[:MAX_TESTED].decode("utf-8", "replace")
        if not self.inverted:
            return self.regex.search(text) is not None
        return any(self.regex.search(line) is None for line in text.split("\n")[:20_000] if line)


#: A search whose lines cannot be told: every line counts as printed.
EVERY_LINE = LineTest(None)


def line_test(tool: str, patterns: list[str], options: list[str], read_file: Any = None) -> LineTest:
    """The test for `tool` ("grep", "git-grep", "rg", "ag", "ack", "ugrep") run with these
    patterns and options (as `treesearch._parse` splits them: `-f=FILE`, `--regexp=...`).
    `read_file(path) -> bytes | None` reads a `-f` pattern file."""
    flags = _short(options)
    inverted = "v" in flags or any(_is(o, "--invert-match") for o in options)
    text = "a" in flags or any(_is(o, "--text") or o in ("--binary", "--binary-files=text", "-uuu") for o in options)
    patterns = list(patterns)
    for o in options:
        if o.startswith(("-f=", "--file=")):
            lines = _pattern_file(o.split("=", 1)[1], read_file)
            if lines is None:
                return LineTest(None, inverted, text)
            patterns.extend(lines)
    if not patterns:
        return LineTest(None, inverted, text)
    syntax = _syntax(tool, flags, options)
    nocase = tool in ("rg", "ag", "ack", "ack-grep") or "i" in flags or "y" in flags or any(
        _is(o, "--ignore-case") for o in options)
    try:
        parts = [_to_re2(p, syntax) for p in patterns]
    except _Untranslatable:
        return LineTest(None, inverted, text)
    body = "|".join(f"(?:{p})" for p in parts)
    if "x" in flags or any(_is(o, "--line-regexp") for o in options):
        body = f"^(?:{body})$"
    elif "w" in flags or any(_is(o, "--word-regexp") for o in options):
        body = rf"\b(?:{body})\b"
    try:
        regex = compile_regex(("(?i)" if nocase else "") + "(?m)" + body)
    except PatternError:
        return LineTest(None, inverted, text)
    return LineTest(regex, inverted, text)


def _short(options: list[str]) -> str:
    """The letters of the short-option words (`-rniE` -> "rniE"), up to one that takes a value."""
    letters = []
    for o in options:
        if o.startswith("-") and not o.startswith("--") and "=" not in o:
            for ch in o[1:]:
                if not ch.isalpha():
                    break
                letters.append(ch)
                if ch in "ABCDdefmg":
                    break
    return "".join(letters)


def _is(option: str, full: str) -> bool:
    name = option.split("=", 1)[0]
    return len(name) >= 5 and full.startswith(name)


def _syntax(tool: str, flags: str, options: list[str]) -> str:
    if "F" in flags or any(_is(o, "--fixed-strings") or o == "--literal" for o in options) or (
            tool in ("ag", "ack", "ack-grep") and "Q" in flags):
        return "fixed"
    if "P" in flags or any(_is(o, "--perl-regexp") or o == "--pcre2" for o in options):
        return "perl"
    if tool in ("rg", "ag", "ack", "ack-grep"):
        return "perl"
    if "E" in flags or any(_is(o, "--extended-regexp") for o in options) or tool in ("egrep", "ugrep"):
        return "ere"
    if tool == "fgrep":
        return "fixed"
    return "bre"


class _Untranslatable(Exception):
    pass


_META = set(".^$*+?()[]{}|\\")
_BRE_OPERATORS = set("(){}|+?")


def _to_re2(pattern: str, syntax: str) -> str:
    if syntax == "fixed":
        return "".join("\\" + c if c in _META else c for c in pattern)
    if syntax == "perl":
        if re.search(r"\\[1-9]|\(\?[=!<]", pattern):
            raise _Untranslatable  # back-references, look-around: RE2 cannot run them
        return pattern.replace("\\<", "\\b").replace("\\>", "\\b")
    return _posix(pattern, bre=syntax == "bre")


def _posix(pattern: str, *, bre: bool) -> str:
    """A POSIX basic or extended expression in RE2 syntax (bracket expressions copied whole,
    `\\<` and `\\>` as word boundaries, BRE's escaped operators made plain and plain ones literal)."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "[":
            end = _bracket_end(pattern, i)
            out.append(pattern[i:end])
            i = end
            continue
        if c == "\\" and i + 1 < n:
            d = pattern[i + 1]
            if d.isdigit():
                raise _Untranslatable  # a back-reference
            if d in "<>":
                out.append("\\b")
            elif bre and d in _BRE_OPERATORS:
                out.append(d)
            else:
                out.append("\\" + d)
            i += 2
            continue
        if bre and c in _BRE_OPERATORS:
            out.append("\\" + c)
        elif c == "*" and (not out or out[-1] in ("^", "(", "|")):
            out.append("\\*")  # a leading `*` is a character
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _bracket_end(pattern: str, start: int) -> int:
    """The index after the bracket expression opening at `start` (`[]a]`, `[^]a]`, `[[:alpha:]]`)."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern):
        if pattern.startswith("[:", i) or pattern.startswith("[=", i) or pattern.startswith("[.", i):
            close = pattern.find(pattern[i + 1] + "]", i + 2)
            if close < 0:
                raise _Untranslatable
            i = close + 2
            continue
        if pattern[i] == "]":
            return i + 1
        i += 1
    raise _Untranslatable  # an unclosed bracket: grep would refuse it as well


def _pattern_file(path: str, read_file: Any) -> list[str] | None:
    data = read_file(path) if read_file is not None else None
    if data is None or len(data) > MAX_PATTERN_FILE:
        return None
    lines = data.decode("utf-8", "replace").splitlines()
    return lines if lines else None


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

from pavedroad.hooks.credsearch import long_option, short_flags
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
    #: lines end at NUL bytes (`grep -z`, `rg --null-data`): a NUL is no sign of a binary file
    nul_lines: bool = False

    def prints_from(self, data: bytes) -> bool:
        """Whether the search would print any line of `data` (a file's content). A file longer
        than `MAX_TESTED` whose head prints nothing counts as printed: its tail is not tested."""
        if self.regex is None:
            return True
        variants = _texts(data[:MAX_TESTED], self.text or self.nul_lines)
        if self.nul_lines:
            variants = [t.replace("\0", "\n") for t in variants]
        if any(self._prints(t) for t in variants):
            return True
        return len(data) > MAX_TESTED and bool(variants)

    def _prints(self, text: str) -> bool:
        if not self.inverted:
            return self.regex.search(text) is not None
        lines = [line for line in text.split("\n") if line]
        return len(lines) > 20_000 or any(self.regex.search(line) is None for line in lines)


_UTF16 = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _texts(data: bytes, text: bool) -> list[str]:
    """The texts a tool may see in `data`: ripgrep decodes a file with a UTF-16 byte-order mark
    (as Windows PowerShell writes `.env`), and its `--crlf` lets `$` match before `\\r\\n`, so a
    CRLF file is also tested with its line ends made plain. Empty: a binary file, not printed."""
    out: list[str] = []
    for bom, codec in _UTF16:
        if data.startswith(bom):
            out.append(data[2:].decode(codec, "replace"))
    if text or b"\0" not in data[:8192]:
        out.append(data.decode("utf-8", "replace"))
    out.extend(t.replace("\r\n", "\n") for t in list(out) if "\r" in t)
    return out


#: A search whose lines cannot be told: every line counts as printed.
EVERY_LINE = LineTest(None)


def line_test(tool: str, patterns: list[str], options: list[str], read_file: Any = None) -> LineTest:
    """The test for `tool` ("grep", "git-grep", "rg", "ag", "ack", "ugrep") run with these
    patterns and options (as `credsearch.parse_search` splits them: `-f=FILE`, `--regexp=...`).
    `read_file(path) -> bytes | None` reads a `-f` pattern file."""
    flags = _short(options)
    inverted = "v" in flags or any(long_option(o, "--invert-match") for o in options)
    text = "a" in flags or any(long_option(o, "--text") or o in ("--binary", "--binary-files=text", "-uuu") for o in options)
    nul_lines = "z" in flags or any(long_option(o, "--null-data") for o in options)
    patterns = list(patterns)
    for o in options:
        if o.startswith(("-f=", "--file=")):
            lines = _pattern_file(o.split("=", 1)[1], read_file)
            if lines is None:
                return LineTest(None, inverted, text, nul_lines)
            patterns.extend(lines)
    # grep and git grep take a pattern with newlines as one pattern per line (`$'x\\nAPI_KEY'`);
    # ripgrep refuses one without -U, and then the parts are a wider test still
    patterns = [part for p in patterns for part in p.split("\n")]
    word = "w" in flags or any(long_option(o, "--word-regexp") for o in options)
    if not patterns or "--not" in options or (inverted and word):
        # `git grep --not -e X` prints the lines without X; grep's -w is not RE2's `\b` (a match
        # next to punctuation), which under -v decides which lines print: every line counts
        return LineTest(None, inverted, text, nul_lines)
    syntax = _syntax(tool, flags, options)
    # ripgrep, ag and ack may ignore case (a config file, smart case): the wider test, but for
    # -v the narrower one (a line that matches only without case is printed with it)
    nocase = (tool in ("rg", "ag", "ack", "ack-grep") and not inverted) or "i" in flags or "y" in flags or any(
        long_option(o, "--ignore-case") for o in options)
    try:
        parts = [_to_re2(p, syntax) for p in patterns]
    except _Untranslatable:
        return LineTest(None, inverted, text, nul_lines)
    body = "|".join(f"(?:{p})" for p in parts)
    if "x" in flags or any(long_option(o, "--line-regexp") for o in options):
        body = f"^(?:{body})$"
    elif word:
        # grep, git grep and ripgrep: the match has a non-word character or the line's edge on
        # each side, whatever its own first and last characters are (`-w 'x{y}'`); not `\b`
        body = rf"(?:^|[^0-9A-Za-z_])(?:{body})(?:[^0-9A-Za-z_]|$)"
    try:
        regex = compile_regex(("(?i)" if nocase else "") + "(?m)" + body)
    except PatternError:
        return LineTest(None, inverted, text, nul_lines)
    return LineTest(regex, inverted, text, nul_lines)


def _short(options: list[str]) -> str:
    """The flag letters of all the short-option words (`-rniE` -> "rniE", `-5v` -> "v")."""
    return "".join(short_flags(o) for o in options if "=" not in o)


def _syntax(tool: str, flags: str, options: list[str]) -> str:
    if "F" in flags or any(long_option(o, "--fixed-strings") or o == "--literal" for o in options) or (
            tool in ("ag", "ack", "ack-grep") and "Q" in flags):
        return "fixed"
    if "P" in flags or any(long_option(o, "--perl-regexp") or o == "--pcre2" for o in options):
        return "perl"
    if tool in ("rg", "ag", "ack", "ack-grep"):
        return "perl"
    if "E" in flags or any(long_option(o, "--extended-regexp") for o in options) or tool in ("egrep", "ugrep"):
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
            out.append(pattern[i:end].replace("\\", "\\\\"))  # POSIX: a backslash in brackets is itself (`[\d]`)
            i = end
            continue
        if c == "\\" and i + 1 < n:
            d = pattern[i + 1]
            if d.isdigit():
                raise _Untranslatable  # a back-reference
            if d in "<>":
                out.append("\\b")
            elif d in "`'":
                out.append("^" if d == "`" else "$")  # GNU's buffer anchors: a line's, per line
            elif bre and d in _BRE_OPERATORS:
                out.append(d)
                if d == "{" and pattern.startswith(",", i + 2):
                    out.append("0")  # GNU's `{,n}`: RE2 would read `{,` as characters
            elif d.isalnum() and d not in "wWsSbB":
                out.append(d)  # GNU reads `\d`, `\t`, `\x` as the letter; RE2 as a class or escape
            else:
                out.append("\\" + d)
            i += 2
            continue
        if bre and c in _BRE_OPERATORS:
            out.append("\\" + c)
        elif c == "*" and (not out or out[-1] in ("^", "(", "|")):
            # a leading `*` is a character in BRE; GNU's ERE lets it match nothing as well
            out.append("\\*" if bre else "\\**")
        elif c == "{" and not bre and pattern.startswith(",", i + 1):
            out.append("{0")
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
        if pattern.startswith("[=", i) or pattern.startswith("[.", i):
            raise _Untranslatable  # equivalence classes and collating symbols: RE2 has neither
        if pattern.startswith("[:", i):
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


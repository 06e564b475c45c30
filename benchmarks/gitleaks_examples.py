"""Extract gitleaks' own rule examples (true and false positives) from its Go sources.

gitleaks declares, next to every rule in `cmd/generate/config/rules/*.go`, the strings the rule
must find (`tps`) and must not find (`fps`), and checks them with `utils.Validate(r, tps, fps)`.
Those strings are built by Go code, so this module evaluates the small subset of Go they use:

1. Tokens: interpreted ("...") and raw (`...`) strings, identifiers, numbers, punctuation;
   comments dropped. A newline ends a statement unless a bracket is open or the line ends in an
   operator (Go's semicolon insertion, simplified).
2. Expressions: string concatenation with `+`, `[]string{...}` and `map[string]string{...}`
   literals, `append(xs, a, b...)`, local variables and package-level constants, and the helper
   calls the rules use: `utils.GenerateSampleSecrets` (every assignment shape gitleaks lists:
   INI, JSON, XML, YAML, C#, Go, Java, Kotlin, PHP, Python, Make, logstash, `System.setProperty`),
   `utils.GenerateSampleSecret`, the `utils.AlphaNumeric("32")`-style pattern helpers,
   `fmt.Sprintf` (`%s`, `%d`, `%v`), `strings.ToUpper/ToLower/Repeat`,
   `base64.StdEncoding.EncodeToString([]byte(x))`.
3. Generated examples: `secrets.NewSecret(regex)` returns a random string matching `regex`, as
   gitleaks does with reggen (unbounded repeats get at most one extra repetition; `(?i)` widens
   classes to both cases). Here the generator is seeded per rule function, so a run is
   reproducible; `newPlausibleSecret` (generic.go) retries until the value has a digit 1-9.
4. What cannot be evaluated (a loop-built list such as jwt.go's `generateTestValues`, a call to an
   unknown function) is skipped and counted, never guessed.

Pure Python, no Go toolchain; reads the sources from a git mirror at a pinned commit.
"""

from __future__ import annotations

import base64
import random
import re
import subprocess
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import re._constants as sre_c
    import re._parser as sre_p
else:  # pragma: no cover
    import sre_constants as sre_c
    import sre_parse as sre_p

RULES_DIR = "cmd/generate/config/rules"

# --- random strings from a regex (reggen's behaviour) ---------------------------------------------

_DIGITS = "0123456789"
_WORD = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + _DIGITS + "_"
_SPACE = " \t\n"
_PRINTABLE = [chr(c) for c in range(32, 127)]


class Unsupported(Exception):
    """A construct this evaluator does not handle (the example is skipped and counted)."""


def _class_chars(items: list[tuple[Any, Any]], fold: bool) -> list[str]:
    chars: set[str] = set()
    negate = False
    for op, av in items:
        if op is sre_c.NEGATE:
            negate = True
        elif op is sre_c.LITERAL:
            chars.add(chr(av))
        elif op is sre_c.RANGE:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is sre_c.CATEGORY:
            name = str(av)
            if "NOT" in name:
                raise Unsupported(name)
            chars.update(_DIGITS if "DIGIT" in name else _WORD if "WORD" in name else _SPACE)
        else:
            raise Unsupported(str(op))
    if fold:
        chars |= {c.swapcase() for c in chars}
    if negate:
        chars = {c for c in _PRINTABLE if c not in chars}
    return sorted(chars)


def _generate(parsed: Any, rng: random.Random, fold: bool, out: list[str]) -> None:
    for op, av in parsed:
        if op is sre_c.LITERAL:
            out.append(chr(av))
        elif op is sre_c.NOT_LITERAL:
            out.append(rng.choice([c for c in _WORD if ord(c) != av]))
        elif op is sre_c.ANY:
            out.append(rng.choice(_WORD))
        elif op is sre_c.IN:
            out.append(rng.choice(_class_chars(av, fold)))
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            if hi is sre_c.MAXREPEAT:
                hi = lo + 1  # reggen's limit for unbounded repeats
            for _ in range(rng.randint(lo, hi)):
                _generate(sub, rng, fold, out)
        elif op is sre_c.SUBPATTERN:
            _group, add_flags, _del, sub = av
            _generate(sub, rng, fold or bool(add_flags & re.IGNORECASE), out)
        elif op is sre_c.BRANCH:
            _generate(rng.choice(av[1]), rng, fold, out)
        elif op is sre_c.AT:
            continue
        else:
            raise Unsupported(str(op))


def new_secret(regex: str, rng: random.Random) -> str:
    """A random string matching `regex` (Go syntax, as far as Python's parser reads it)."""
    pattern = regex.replace(r"\z", "").replace("(?-i:", "(?:")
    try:
        parsed = sre_p.parse(pattern)
    except re.error as exc:
        raise Unsupported(f"regex: {exc}") from exc
    out: list[str] = []
    fold = bool(parsed.state.flags & re.IGNORECASE)
    _generate(parsed, rng, fold, out)
    return "".join(out)


# --- Go tokens --------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?P<ws>[ \t\r]+)|(?P<nl>\n)|(?P<lc>//[^\n]*)|(?P<bc>/\*.*?\*/)"
    r"|(?P<raw>`[^`]*`)|(?P<str>\"(?:\\.|[^\"\\\n])*\")|(?P<rune>'(?:\\.|[^'\\\n])+')"
    r"|(?P<num>[0-9]+)|(?P<id>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"|(?P<op>\.\.\.|:=|\[\]|[-+*/%(){}\[\],:;=<>!&|.])",
    re.S,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a",
            "b": "\b", "f": "\f", "v": "\v", "0": "\0"}  # fmt: skip


def _unquote(token: str) -> str:
    body = token[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt == "x":
            out.append(chr(int(body[i + 2 : i + 4], 16)))
            i += 4
        elif nxt == "u":
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        elif nxt == "U":
            out.append(chr(int(body[i + 2 : i + 10], 16)))
            i += 10
        elif nxt in "01234567" and i + 3 < len(body) + 1 and body[i + 1 : i + 4].isdigit():
            out.append(chr(int(body[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
    return "".join(out)


@dataclass
class Tok:
    kind: str
    text: str


def tokenize(source: str) -> list[Tok]:
    toks: list[Tok] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None:
            toks.append(Tok("op", source[pos]))
            pos += 1
            continue
        pos = m.end()
        kind = m.lastgroup or ""
        if kind in ("ws", "lc"):
            continue
        if kind == "bc":
            if "\n" in m.group(0):
                toks.append(Tok("nl", "\n"))
            continue
        toks.append(Tok(kind, m.group(0)))
    return toks


# --- evaluation -------------------------------------------------------------------------------------


def _pattern_helper(name: str, size: str) -> str:
    classes = {
        "Numeric": "[0-9]",
        "Hex": "[a-f0-9]",
        "AlphaNumeric": "[a-z0-9]",
        "AlphaNumericExtendedShort": "[a-z0-9_-]",
        "AlphaNumericExtended": r"[a-z0-9=_\-]",
        "AlphaNumericExtendedLong": r"[a-z0-9\/=_\+\-]",
    }
    return f"{classes[name]}{{{size}}}"


#: gitleaks' `GenerateSampleSecrets` templates (utils/generate.go), in its order.
SAMPLE_TEMPLATES = (
    '{i}Token="{s}"', '{i}Token = "{s}"', "{i}Token={s}", "{i}Token = {s}",
    '{\n    "{i}_token": "{s}"\n}', '{"config.ini": "{I}_TOKEN={s}\\nBACKUP_ENABLED=true"}',
    "<{i}Token>\n    {s}\n</{i}Token>", "{i}_token: {s}", "{i}_token: '{s}'", '{i}_token: "{s}"',
    'string {i}Token = "{s}";', 'var {i}Token string = "{s}"', '{i}Token := "{s}"',
    "{i}Token := `{s}`", 'String {i}Token = "{s}";', 'var {i}Token = "{s}"',
    '${i}Token .= "{s}"', "{i}Token = '{s}'", '{i}Token = "{s}"',
    'System.setProperty("{I}_TOKEN", "{s}")', '  "{i}Token" => "{s}"', '{i}_TOKEN = "{s}"',
    '{i}_TOKEN := "{s}"', '{i}_TOKEN ::= "{s}"', '{i}_TOKEN :::= "{s}"', '{i}_TOKEN ?= "{s}"',
)  # fmt: skip


def sample_secrets(identifier: str, secret: str) -> list[str]:
    return [
        t.replace("{i}", identifier).replace("{I}", identifier.upper()).replace("{s}", secret)
        for t in SAMPLE_TEMPLATES
    ]


class Evaluator:
    """Evaluates the statements of one rule function (see the module docstring)."""

    def __init__(self, toks: list[Tok], consts: dict[str, Any], rng: random.Random) -> None:
        self.toks = toks
        self.i = 0
        self.vars: dict[str, Any] = dict(consts)
        self.rng = rng
        self.skipped: list[str] = []

    # -- token helpers
    def peek(self, k: int = 0) -> Tok | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def take(self, text: str | None = None) -> Tok:
        tok = self.toks[self.i]
        if text is not None and tok.text != text:
            raise Unsupported(f"expected {text!r}, got {tok.text!r}")
        self.i += 1
        return tok

    def skip_nl(self) -> None:
        while (t := self.peek()) is not None and t.kind == "nl":
            self.i += 1

    # -- expressions
    def expr(self) -> Any:
        value = self.term()
        while (t := self.peek()) is not None and t.text == "+":
            self.take()
            self.skip_nl()
            right = self.term()
            if isinstance(value, int) and isinstance(right, int):
                value = value + right
            else:
                value = str(value) + str(right)
        return value

    def term(self) -> Any:
        self.skip_nl()
        tok = self.take()
        if tok.kind in ("str", "rune"):
            return _unquote(tok.text)
        if tok.kind == "raw":
            return tok.text[1:-1].replace("\r", "")
        if tok.kind == "num":
            return int(tok.text)
        if tok.text == "[]":
            elem = self.take().text
            if elem == "byte":
                self.take("(")
                inner = self.expr()
                self.take(")")
                return str(inner)
            return self.composite(list_=True)
        if tok.kind == "id" and tok.text.startswith("map"):
            while self.peek() is not None and self.take().text != "]":
                pass
            self.take()  # value type
            return self.composite(list_=False)
        if tok.kind == "id":
            nxt = self.peek()
            if nxt is not None and nxt.text == "(":
                return self.call(tok.text)
            if tok.text in self.vars:
                return self.vars[tok.text]
            raise Unsupported(f"unknown name {tok.text}")
        if tok.text == "(":
            value = self.expr()
            self.take(")")
            return value
        raise Unsupported(f"unexpected {tok.text!r}")

    def braced(self, element: Callable[[], None], what: str = "literal") -> None:
        """`{ a, b, ... }`: calls `element` at the start of each element (commas and line
        breaks between them are skipped)."""
        self.take("{")
        while True:
            self.skip_nl()
            t = self.peek()
            if t is None:
                raise Unsupported(f"unterminated {what}")
            if t.text == "}":
                self.take()
                return
            if t.text == ",":
                self.take()
                continue
            element()

    def composite(self, list_: bool) -> Any:
        items: list[Any] = []
        mapping: dict[str, Any] = {}

        def element() -> None:
            start = self.i
            try:
                key = self.expr()
                if not list_:
                    self.take(":")
                    self.skip_nl()
                    mapping[str(key)] = self.expr()
                else:
                    items.append(key)
            except (Unsupported, IndexError, ValueError, KeyError) as exc:
                self.skipped.append(str(exc))
                self.i = start
                self.skip_element()

        self.braced(element)
        return items if list_ else mapping

    def skip_element(self) -> None:
        depth = 0
        while (t := self.peek()) is not None:
            if depth == 0 and t.text in (",", "}"):
                return
            if t.text in "({[" or t.text == "[]":
                depth += t.text != "[]"
            elif t.text in ")}]":
                depth -= 1
            self.i += 1

    def args(self) -> tuple[list[Any], bool]:
        self.take("(")
        out: list[Any] = []
        spread = False
        while True:
            self.skip_nl()
            if self.peek() is not None and self.peek().text == ")":  # type: ignore[union-attr]
                self.take()
                return out, spread
            out.append(self.expr())
            self.skip_nl()
            t = self.take()
            if t.text == "...":
                spread = True
                self.skip_nl()
                t = self.take()
            if t.text == ")":
                return out, spread
            if t.text != ",":
                raise Unsupported(f"bad argument list at {t.text!r}")

    def call(self, name: str) -> Any:
        args, spread = self.args()
        short = name.rsplit(".", 1)[-1]
        if name == "append":
            base = list(args[0])
            for j, a in enumerate(args[1:], 1):
                if spread and j == len(args) - 1:
                    base.extend(a)
                else:
                    base.append(a)
            return base
        if name == "secrets.NewSecret":
            return new_secret(str(args[0]), self.rng)
        if name == "newPlausibleSecret":
            for _ in range(100):
                value = new_secret(str(args[0]), self.rng)
                if re.search("[1-9]", value):
                    return value
            return value
        if name.startswith("utils.") and short in (
            "Numeric", "Hex", "AlphaNumeric", "AlphaNumericExtendedShort", "AlphaNumericExtended",
            "AlphaNumericExtendedLong",
        ):  # fmt: skip
            return _pattern_helper(short, str(args[0]))
        if name == "utils.Hex8_4_4_4_12":
            return r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        if name == "utils.GenerateSampleSecrets":
            return sample_secrets(str(args[0]), str(args[1]))
        if name == "utils.GenerateSampleSecret":
            return f'{args[0]}_api_token = "{args[1]}"'
        if name == "fmt.Sprintf":
            fmt, rest = str(args[0]), list(args[1:])
            return re.sub(r"%[sdvq]", lambda _m: str(rest.pop(0)) if rest else "", fmt)
        if name == "strings.ToUpper":
            return str(args[0]).upper()
        if name == "strings.ToLower":
            return str(args[0]).lower()
        if name == "strings.Repeat":
            return str(args[0]) * int(args[1])
        if (short == "EncodeToString" and "base64" in name) or name.startswith("b64."):
            data = str(args[0]).encode()
            if "RawURL" in name:
                return base64.urlsafe_b64encode(data).decode().rstrip("=")
            if "URL" in name:
                return base64.urlsafe_b64encode(data).decode()
            if "Raw" in name:
                return base64.b64encode(data).decode().rstrip("=")
            return base64.b64encode(data).decode()
        if name == "string":
            return str(args[0])
        raise Unsupported(f"call {name}")

    # -- statements
    def run(self) -> tuple[list[str] | None, list[str] | None]:
        """Execute the body; the values passed to `utils.Validate*` (tps, fps)."""
        while self.i < len(self.toks):
            self.skip_nl()
            start = self.i
            t0, t1 = self.peek(), self.peek(1)
            if t0 is None:
                break
            try:
                if t0.text == "return" and t1 is not None and t1.text.startswith("utils.Validate"):
                    self.take()
                    name = self.take().text
                    self.take("(")
                    self.take()  # r
                    self.take(",")
                    tps = self.expr()
                    self.take(",")
                    self.skip_nl()
                    fps = None if self.peek() and self.peek().text == "nil" else self.expr()  # type: ignore[union-attr]
                    if name.endswith("WithPaths"):
                        tps = list(tps.values()) if isinstance(tps, dict) else tps
                        fps = list(fps.values()) if isinstance(fps, dict) else fps
                    return tps, fps
                if t0.text == "var" and t1 is not None and t1.text == "(":
                    self.i += 2  # a `var ( ... )` block: its lines are assignments
                    continue
                if t0.text == "var" and t1 is not None and t1.kind == "id":
                    self.take()
                    name = self.take().text
                    if self.peek() is not None and self.peek().text == "=":  # type: ignore[union-attr]
                        self.take()
                        self.vars[name] = self.expr()
                    else:
                        self.vars[name] = []
                        self.skip_statement()
                    continue
                if t0.kind == "id" and t1 is not None and t1.text in (":=", "="):
                    self.take()
                    self.take()
                    self.vars[t0.text] = self.expr()
                    continue
            except (Unsupported, IndexError, ValueError, KeyError, TypeError) as exc:
                if t0.kind == "id" and t1 is not None and t1.text in (":=", "=") and t0.text != "r":
                    self.skipped.append(f"{t0.text}: {exc}")
                self.i = start
            self.skip_statement()
        return None, None

    def skip_statement(self) -> None:
        depth = 0
        while (t := self.peek()) is not None:
            if t.text in "({[":
                depth += 1
            elif t.text in ")}]":
                depth -= 1
                if depth < 0:
                    self.i += 1
                    return
            elif t.kind == "nl" and depth <= 0:
                prev = self.toks[self.i - 1].text if self.i else ""
                if prev not in ("+", ",", "(", "{", "||", "&&"):
                    self.i += 1
                    return
            self.i += 1


@dataclass
class RuleExamples:
    file: str
    function: str
    tps: list[str] = field(default_factory=list)
    fps: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


_FUNC = re.compile(r"^func (?P<name>[A-Za-z0-9_]+)\(\) \*config\.Rule \{", re.M)
_CONST = re.compile(
    r"^\s*(?:const|var)?\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>`[^`]*`|\"(?:\\.|[^\"\\\n])*\")\s*$",
    re.M,
)


def _body(source: str, start: int) -> str:
    """The text of the function body whose `{` is at or after `start` (brace matching on tokens)."""
    brace = source.index("{", start)
    depth = 0
    for m in _TOKEN.finditer(source, brace):
        text = m.group(0)
        if m.lastgroup in ("raw", "str", "rune", "lc", "bc"):
            continue
        if text == "{":
            depth += 1
        elif text == "}":
            depth -= 1
            if depth == 0:
                return source[brace + 1 : m.start()]
    raise Unsupported("unbalanced function")


def package_level(source: str) -> str:
    """A Go file's package-level declarations: the file without its function bodies and its
    import block."""
    top = source
    for m in reversed(list(re.finditer(r"^func [^\n]*\{", source, re.M))):
        try:
            body = _body(source, m.start())
        except Unsupported:
            continue
        top = top[: m.start()] + top[m.start() + len(m.group(0)) + len(body) + 1 :]
    return re.sub(r"^import \((?:.|\n)*?^\)", "", top, flags=re.M)


def extract(sources: dict[str, str]) -> list[RuleExamples]:
    """Every rule function's examples, from `{file name: Go source}`."""
    consts: dict[str, Any] = {}
    for file, source in sorted(sources.items()):
        for m in _CONST.finditer(source):
            value = m.group("value")
            consts[m.group("name")] = value[1:-1] if value.startswith("`") else _unquote(value)
        top = package_level(source)
        ev = Evaluator(tokenize(top), consts, random.Random(zlib.crc32(file.encode())))
        ev.run()
        consts.update(ev.vars)
    out: list[RuleExamples] = []
    for file, source in sorted(sources.items()):
        for m in _FUNC.finditer(source):
            name = m.group("name")
            rng = random.Random(zlib.crc32(f"{file}:{name}".encode()))
            ev = Evaluator(tokenize(_body(source, m.start())), consts, rng)
            tps, fps = ev.run()
            ex = RuleExamples(file, name, skipped=ev.skipped)
            if tps is None:
                ex.skipped.append("no utils.Validate call evaluated")
            ex.tps = [t for t in (tps or []) if isinstance(t, str)]
            ex.fps = [f for f in (fps or []) if isinstance(f, str)]
            out.append(ex)
    return out


def read_sources(git_dir: Path, commit: str) -> dict[str, str]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True, text=True
        ).stdout

    names = [
        n
        for n in git("ls-tree", "--name-only", f"{commit}:{RULES_DIR}").split()
        if n.endswith(".go")
    ]
    return {n: git("show", f"{commit}:{RULES_DIR}/{n}") for n in names}

"""File references in prompt text: the ways a prompt pulls a file into an assistant's context.

A file *named* in a prompt is not necessarily sent: "never commit `.env`" mentions a file, and
`applyTo: "**"` scopes an instruction file. Only references that attach a file or ask for its
contents count (`FileReference.attaches`):

1. Attachment syntaxes: `#file:path` / `#folder:path` (VS Code chat), `@path` (Claude Code,
   Cursor, aider; not an npm scope such as `@types/node`), markdown links `[x](path)` to local files.
2. Requests to read: an imperative verb whose object is the path ("read `.env`", "open
   config/secrets.yaml and .env", "summarise the contents of #folder"), unless the clause negates
   it ("never read .env", "do not open"), or the verb is passive/descriptive ("is read from .env").
3. Commands and tool calls that print a file: `cat .env`, `head -n 5 x.pem`, `grep KEY .env`,
   `Get-Content .env`, `read_file(".env")`, `Read(file_path=".env")`, `"target_file": ".env"`
   (not inside `$(...)`, where the output feeds a command rather than the transcript).

Everything else is a *mention* (`attaches=False`): backticked or bare paths in prose and the
`applyTo:` / `globs:` / `paths:` / `files:` scopes of YAML front matter. `find_file_references(text,
mentions=True)` returns those too, for tools that want every path a text names.
Paths must look like paths: a slash with a letter or digit, a known extension, a dotfile or a key
file name; regex fragments (`.*`, `\\d+`) and comment markers (`/*`, `*/`) are not globs, and
member access such as `item.key` or `process.env` is code, not a file.
Each pattern starts with a literal or is linear, like the detectors.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

import re2

from pavedroad.searchcmd import CREDENTIAL_PATTERN, HOME_VARIABLE, SHELL_PROFILE, prints_no_lines

from .model import FileReference

#: Extensions that make a slash-less token a file name (`config.yaml`, `.env.local`).
FILE_EXTENSIONS = frozenset(
    [
        "py",
        "pyi",
        "js",
        "mjs",
        "cjs",
        "ts",
        "tsx",
        "jsx",
        "java",
        "kt",
        "kts",
        "go",
        "rs",
        "rb",
        "php",
        "cs",
        "cpp",
        "cc",
        "c",
        "h",
        "hpp",
        "swift",
        "scala",
        "sh",
        "bash",
        "zsh",
        "fish",
        "ps1",
        "bat",
        "cmd",
        "sql",
        "yaml",
        "yml",
        "json",
        "jsonc",
        "json5",
        "toml",
        "ini",
        "cfg",
        "conf",
        "config",
        "env",
        "properties",
        "xml",
        "html",
        "htm",
        "css",
        "scss",
        "sass",
        "less",
        "md",
        "mdx",
        "mdc",
        "rst",
        "txt",
        "csv",
        "tsv",
        "lock",
        "pem",
        "key",
        "crt",
        "cer",
        "der",
        "p12",
        "pfx",
        "jks",
        "keystore",
        "pub",
        "gpg",
        "asc",
        "kdbx",
        "tf",
        "tfvars",
        "tfstate",
        "hcl",
        "gradle",
        "pom",
        "mk",
        "proto",
        "graphql",
        "gql",
        "vue",
        "svelte",
        "ipynb",
        "log",
        "bak",
        "old",
        "orig",
        "sqlite",
        "sqlite3",
        "db",
        "dump",
        "tar",
        "gz",
        "tgz",
        "zip",
        "npmrc",
        "pypirc",
        "netrc",
        "htpasswd",
        "pgpass",
        "dockerfile",
    ]
)
#: Dotfiles and key files that are references even without a slash or an extension.
#: Directories of tools' settings and credentials, named without `~/` in prose.
DOT_DIRECTORIES = frozenset(
    [".aws", ".ssh", ".kube", ".docker", ".gnupg", ".config", ".azure", ".gcloud", ".terraform.d",
     ".github", ".vscode", ".cursor", ".claude"]
)
DOTFILES = frozenset(
    [
        ".env",
        ".envrc",
        ".npmrc",
        ".pypirc",
        ".netrc",
        ".pgpass",
        ".htpasswd",
        ".dockercfg",
        ".git-credentials",
        ".boto",
        ".s3cfg",
        ".vault-token",
        ".terraformrc",
        ".gitconfig",
        ".bash_history",
        ".zsh_history",
        ".cursorrules",
        ".aws",
        ".ssh",
        ".kube",
        ".docker",
        ".gnupg",
    ]
)
KEY_FILE_NAMES = frozenset(
    ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"]
)

#: Stems that make `stem.key` / `stem.pem` a key file rather than member access (`item.key`).
KEY_FILE_STEMS = frozenset(
    [
        "server",
        "private",
        "privkey",
        "client",
        "tls",
        "ssl",
        "cert",
        "key",
        "ca",
        "domain",
        "localhost",
        "signing",
        "jwt",
        "id",
        "public",
        "master",
        "root",
        "service",
        "secret",
        "secrets",
        "credentials",
    ]
)
#: Extensions that are also common property names (`item.key`, `process.env`, `user.pem`).
_MEMBER_EXTS = frozenset(["key", "env", "pem", "crt", "cer", "der", "pub", "log", "config", "old"])

_HASH_REF = re.compile(
    r"#(?P<kind>file|folder):(?:\"(?P<dq>[^\"\n]{1,512})\"|'(?P<sq>[^'\n]{1,512})'"
    r"|`(?P<bq>[^`\n]{1,512})`|(?P<p>[^\s`'\"()\[\]{}<>,;]{1,512}))"
)
_AT_REF = re.compile(r"@(?<![\w@.]@)(?P<p>[A-Za-z0-9_.~/*?-]{1,512})", re.ASCII)
_MD_LINK = re.compile(
    r"\[(?P<label>[^\[\]\n]{0,200})\]\((?P<p><[^>\n]{1,512}>|[^\s()]{1,512})(?:\s{1,4}\"[^\"\n]{0,200}\")?\)"
)
_BACKTICK = re.compile(r"`(?P<p>[^`\s]{1,512})`")
#: A bare path: segments joined by `/` or `.`, ending in a `/segment` or in a `.ext` that starts
#: with a letter (so `10.0.0.1` and `3.14` are not candidates). Linear: `/` and `.` delimit the
#: segments unambiguously, and the lookbehind allows one start per token.
_BARE = re.compile(
    r"(?<![A-Za-z0-9_.~*?/\\@#:$%`'\"(\[<=-])(?P<p>(?:~/|\.\.?/|/)?[A-Za-z0-9_~*?-]*"
    r"(?:[/.][A-Za-z0-9_~*?-]*){0,63}(?:/[A-Za-z0-9_~*?-]+|\.[A-Za-z*][A-Za-z0-9_~*?-]*)/?)",
    re.ASCII,
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,20}:")
_FRONT_KEYS = re.compile(r"^(?P<key>applyTo|globs|paths|files)[ \t]*:[ \t]*(?P<rest>.*)$", re.M)
_FRONT_ITEM = re.compile(r"^[ \t]+-[ \t]+(?P<item>.+)$")
_TRAILING = ".,;:!?)]}>'\""
_IDENTIFIER = re.compile(r"[a-z_$][A-Za-z0-9_$]*", re.ASCII)

# --- requests to read ---------------------------------------------------------------------------

_READ_VERBS = (
    "read|re-read|reread|open|view|show|print|display|dump|paste|include|attach|upload|share|send"
    "|inspect|examine|review|summari[sz]e|analy[sz]e|explain|see|check|compare|consult|study"
    "|edit|modify|update|change|fix|refactor|rewrite|debug|improve"
)
_VERB = re.compile(
    rf"(?<![\w.@#/`'-])(?P<verb>(?i:{_READ_VERBS})|(?i:look)\s(?i:at|in|into|through|over)"
    r"|(?i:go)\s(?i:through|over)|(?i:refer)\s(?i:to)|(?i:contents?)\s(?i:of))(?=[ \t])",
    re.ASCII,
)
#: Words that may stand between a verb and its path(s): "read the contents of the file .env".
_CONNECTORS = frozenset(
    [
        "the",
        "a",
        "an",
        "all",
        "any",
        "every",
        "each",
        "my",
        "our",
        "your",
        "this",
        "these",
        "those",
        "its",
        "their",
        "his",
        "her",
        "both",
        "entire",
        "whole",
        "full",
        "existing",
        "current",
        "local",
        "relevant",
        "following",
        "same",
        "new",
        "file",
        "files",
        "folder",
        "folders",
        "directory",
        "directories",
        "dir",
        "contents",
        "content",
        "of",
        "in",
        "at",
        "into",
        "from",
        "to",
        "with",
        "against",
        "through",
        "over",
        "on",
        "up",
        "out",
        "and",
        "or",
        "&",
        "also",
        "then",
        "me",
        "us",
        "it",
        "together",
        "plus",
        "source",
        "code",
        "config",
        "configuration",
    ]
)
_OBJECT_TOKEN = re.compile(
    r"\[[^\[\]\n]{0,200}\]\([^()\s]{1,512}\)|`[^`\n]{1,512}`|\"[^\"\n]{1,512}\"|'[^'\n]{1,512}'|[^\s,;`]{1,512}|[,;]"
)
#: Negations and modal prohibitions in the clause before a verb.
NEGATION = re.compile(
    r"(?i:\b(?:never|not|no|avoid|avoiding|without|nor|refuse|forbid|forbidden|prohibit|"
    r"prohibited|cannot|stop|don'?t|doesn'?t|shouldn'?t|mustn'?t|won'?t|can'?t|isn'?t)\b|n['\u2019]t\b)"
)
_CLAUSE_END = re.compile(r"[.!?;:\n]\s|\n|\bbut\b|\bexcept\b|\bunless\b")
#: A form of "be"/"get" right before the verb makes it passive or descriptive ("is read from").
_PASSIVE = re.compile(
    r"(?i:\b(?:is|are|was|were|be|been|being|get|gets|got|it|that|which|who|app|server|code)\s{1,3})\Z"
)

# --- commands and tool calls that print a file --------------------------------------------------

#: Commands whose output is (part of) a file's contents. Those that are also English words only
#: count at the start of a command (line start, after a backtick, a pipe or `;`/`&&`).
_PLAIN_READERS = "cat|bat|xxd|grep|egrep|rg|jq|yq|base64|openssl|Get-Content|hexdump|tac"
_WORD_READERS = "type|more|less|head|tail|strings|od|nl|gc|sed|awk|sort|uniq|cut"
_COMMAND = re.compile(
    rf"(?:(?<![\w./-])(?P<plain>{_PLAIN_READERS})|(?:^|(?<=[`|;&(]))[ \t]*(?:\$[ \t]+)?"
    # a quoted operand may hold `|` or `;` (`grep "KEY\\|TOKEN" f`); a lone quote is a character
    rf"(?P<word>{_WORD_READERS}))[ \t]+"
    r"(?P<args>(?:\\[^\n]|(?<![^\s=])\"[^\"\n]{0,200}\"|(?<![^\s=])'[^'\n]{0,200}'|[^\n|;&`>)\"'\\]|[\"'\\]){1,400})",
    re.ASCII | re.M,
)
#: Commands whose first operand is a pattern or a program, not a file.
_SCRIPT_FIRST = frozenset(["grep", "egrep", "rg", "jq", "yq", "sed", "awk"])
_SEARCHERS = frozenset(["grep", "egrep", "rg"])


_TOOL_CALL = re.compile(
    r"(?<![\w.])(?:read_file|read_text_file|view_file|open_file|get_file_contents|read_many_files"
    r"|Read|View)\(\s*(?:[A-Za-z_]{1,20}\s*=\s*)?(?P<q>[\"'`])(?P<p>[^\"'`\n]{1,512})(?P=q)"
    r"|[\"']?(?:file_path|filePath|target_file|absolute_path)[\"']?\s*[:=]\s*"
    r"(?P<q2>[\"'`])(?P<p2>[^\"'`\n]{1,512})(?P=q2)",
    re.ASCII,
)

_TOOL_WORDS = ("read_file", "read_text_file", "view_file", "open_file", "get_file_contents",
               "read_many_files", "Read(", "View(", "file_path", "filePath", "target_file",
               "absolute_path")  # fmt: skip


def _re2(pattern: str) -> re2._Regexp:
    options = re2.Options()
    options.log_errors = False
    options.max_mem = 16 << 20
    return re2.compile(pattern, options=options)


#: Where a verb or a command may start (RE2: linear, no lookbehind; the Python patterns above
#: then confirm at each candidate).
_VERB_SCAN = _re2(rf"(?i)\b(?:{_READ_VERBS}|look|go|refer|contents?)[ \t]")
_COMMAND_SCAN = _re2(rf"\b(?:{_PLAIN_READERS}|{_WORD_READERS})[ \t]")
#: `NEGATION` in RE2, for ASCII text only: there both engines agree (`\b` and case folding differ
#: only outside ASCII), and RE2 needs no attempt at every offset (3 us instead of 10-15 per verb).
_NEGATION_SCAN = _re2(NEGATION.pattern.replace("\\u2019", "\\x{2019}"))

GLOB_CHARS = frozenset("*?[")
_REGEX_CHARS = frozenset("\\^$|()+")
#: a letter or digit in any script (what `str.isalnum` accepts, one search instead of a loop)
_ALNUM = re.compile(r"[^\W_]")


def is_glob(path: str) -> bool:
    return not GLOB_CHARS.isdisjoint(path)


def _is_member_access(token: str) -> bool:
    """`item.key`, `process.env`, `config.old`: an identifier and a property, not a file."""
    stem, dot, ext = token.rpartition(".")
    return (
        bool(dot)
        and ext in _MEMBER_EXTS
        and "." not in stem
        and stem not in KEY_FILE_STEMS
        and _IDENTIFIER.fullmatch(stem) is not None
    )


def _is_regex_or_comment(token: str) -> bool:
    """`.*`, `\\d+`, `^foo$`, `/*`, `*/`, `(a|b)`: regex fragments and comment markers."""
    if not _REGEX_CHARS.isdisjoint(token):
        return True
    if token.startswith(".*") or token.endswith(".*.") or ".*?" in token:
        return True
    return _ALNUM.search(token) is None and token.strip("*/") != ""


def looks_like_path(token: str) -> bool:
    """A slash, a known extension, a well-known dotfile or a key-file name; not a regex, a
    comment marker or member access."""
    if token[:1] in "$%":
        token = HOME_VARIABLE.sub("~", token, count=1)  # `$HOME/...` is a path, not a regex anchor
    if not token or len(token) > 512 or "://" in token or _is_regex_or_comment(token):
        return False
    if "/" in token:
        stripped = token.strip("/.~")
        return bool(stripped) and any(c.isalnum() for c in stripped)
    base = token
    if base in DOTFILES or base in KEY_FILE_NAMES:
        return True
    if base.startswith(".env") or base.startswith(".env."):
        return True
    stem, dot, ext = base.rpartition(".")
    if not dot or not ext:
        return False
    if ext.lower() in FILE_EXTENSIONS or "*" in ext:
        return (bool(stem) or base.startswith(".")) and not _is_member_access(base)
    return False


def _bare_path_ok(path: str) -> bool:
    """An unquoted path in prose needs a file name (`.env`, `a/b.py`) or a path anchor (`./x`,
    `src/auth/`); `secrets/env` or `read/write` are more often prose alternatives than paths."""
    if "/" not in path or path.endswith("/") or path.startswith(("./", "../", "~/", "/")):
        return True
    if path.split("/", 1)[0] in DOT_DIRECTORIES:
        return True  # `.aws/credentials`, `.ssh/id_ed25519`: no prose starts with a dot directory
    last = path.rsplit("/", 1)[1]
    stem, dot, ext = last.rpartition(".")
    if dot and stem and ext.lower() in _MEMBER_EXTS:
        return True  # `secrets/prod.env`: after a slash, `prod.env` is a file, not a member
    return looks_like_path(last) or path.count("/") >= 2


def _clean(token: str) -> str:
    token = token.strip()
    while token and token[-1] in _TRAILING:
        token = token[:-1]
    return token


def _front_matter(text: str) -> list[FileReference]:
    """`applyTo:` / `globs:` / `paths:` / `files:` entries of a leading `---` YAML block: the files
    an instruction applies to (scopes), reported as mentions."""
    head = text.lstrip("\ufeff")
    offset = len(text) - len(head)
    if not head.startswith("---"):
        return []
    first_nl = head.find("\n")
    close = head.find("\n---", first_nl)
    if first_nl < 0 or close < 0 or close > 16384:
        return []
    block = head[: close + 1]
    refs: list[FileReference] = []
    for m in _FRONT_KEYS.finditer(block):
        values: list[tuple[str, int]] = []
        rest, rest_at = m.group("rest"), m.start("rest")
        if rest.strip():
            body = rest.strip()
            base = rest_at + rest.index(body)
            if body.startswith("[") and body.endswith("]"):
                body, base = body[1:-1], base + 1
            elif len(body) >= 2 and body[0] == body[-1] and body[0] in "\"'":
                body, base = body[1:-1], base + 1  # "a, b": one quoted list
            pos = 0
            for part in body.split(","):
                values.append((part, base + pos))
                pos += len(part) + 1
        else:
            line_end = m.end()
            for line in block[line_end + 1 :].splitlines(keepends=True):
                item = _FRONT_ITEM.match(line)
                if item is None:
                    break
                values.append((item.group("item"), line_end + 1 + item.start("item")))
                line_end += len(line)
        for raw, at in values:
            value = raw.strip()
            at += raw.find(value) if value else 0
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value, at = value[1:-1], at + 1
            value = value.strip()
            if value:
                refs.append(
                    FileReference(
                        value,
                        offset + at,
                        offset + at + len(value),
                        True,
                        "front-matter",
                        attaches=False,
                    )
                )
    return refs


def negation_words(text: str) -> list[int]:
    """Offsets of the negation and prohibition words of `text`, in order (one RE2 pass on ASCII
    text; Python's `NEGATION` otherwise, or if RE2 gives up)."""
    if text.isascii():
        try:
            return [m.start() for m in _NEGATION_SCAN.finditer(text)]
        except Exception:  # RE2's memory budget
            pass
    return [m.start() for m in NEGATION.finditer(text)]


def has_negation(text: str) -> bool:
    """A negation or prohibition word anywhere in `text` (RE2 on ASCII text, see `_NEGATION_SCAN`)."""
    return (_NEGATION_SCAN.search(text) if text.isascii() else NEGATION.search(text)) is not None


def negated(text: str, verb_start: int) -> bool:
    """True when the clause before the verb negates or forbids it ("never read", "do not open")."""
    lo = max(0, verb_start - 100)
    before = text[lo:verb_start]
    if not has_negation(before):
        return False  # no negation anywhere before the verb, so none in its clause either
    cut = 0
    for clause_end in _CLAUSE_END.finditer(before):
        cut = clause_end.end()
    before = before[cut:]
    return NEGATION.search(before) is not None


#: A script printing a message to its user: `echo "...`, `print("...`, `console.log('...`.
_MESSAGE_OPEN = re.compile(
    r"(?:\becho(?:[ \t]+-[neE]{1,3})?|\bprintf|\bprint|\bputs|console\.(?:log|warn|error|info)|Write-Host)"
    r"[ \t]*\(?[ \t]*(?P<q>[\"'])",
    re.ASCII,
)


#: `grep -l ... | xargs cat`: the listed files are read by the next command.
_INTO_READER = re.compile(r"[ \t]*\|[ \t]*(?:xargs|while|parallel)\b")
_EDIT_VERBS = frozenset(["edit", "modify", "update", "change", "fix"])


def _in_printed_message(text: str, verb_start: int) -> bool:
    """True when the verb is inside the quoted message of an `echo`/`print` on its line: "Please
    update .env.local" there is addressed to a person running the script, not to the assistant."""
    line_start = text.rfind("\n", 0, verb_start) + 1
    if verb_start - line_start > 200:
        return False
    for m in _MESSAGE_OPEN.finditer(text, line_start, verb_start):
        if text.find(m.group("q"), m.end(), verb_start) < 0:
            return True  # the message's quote is still open at the verb
    return False


def _object_paths(text: str, start: int, limit: int = 8) -> list[tuple[str, int, int]]:
    """Paths that form the object of a verb ending at `start`: a list of paths, optionally with
    determiners and prepositions between them; stops at the first other word or the line end."""
    line_end = text.find("\n", start, start + 400)
    end = line_end if line_end >= 0 else min(len(text), start + 400)
    found: list[tuple[str, int, int]] = []
    words = 0
    for m in _OBJECT_TOKEN.finditer(text, start, end):
        token = m.group(0)
        words += 1
        if words > 16 or len(found) >= limit:
            break
        if token in (",", ";"):
            if token == ";":
                break
            continue
        if token[0] in "`\"'" and len(token) >= 2 and token[-1] == token[0]:
            inner = token[1:-1].strip()
            if looks_like_path(inner) and not _SCHEME.match(inner):
                found.append((inner, m.start(), m.end()))
                continue
            if inner.lower() in _CONNECTORS:
                continue
            break
        if token.startswith(("#file:", "#folder:", "@", "[")) or "](" in token:
            continue  # found by its own syntax; the list may go on after it
        path = _clean(token)
        if path.lower() in _CONNECTORS:
            continue
        if looks_like_path(path) and not _SCHEME.match(path) and _bare_path_ok(path):
            found.append((path, m.start(), m.start() + len(path)))
            if token.endswith((".", "!", "?", ":")) and path != token:
                break  # the sentence ends with this path
            continue
        break
    return found


def _candidates(scanner: re2._Regexp, text: str) -> Iterator[int]:
    """Start offsets of `scanner`'s matches: one linear RE2 pass instead of trying a Python
    pattern (whose leading lookbehind defeats `re`'s prefix search) at every offset."""
    try:
        for m in scanner.finditer(text):
            yield m.start()
    except Exception:  # RE2 gave up (memory budget): every offset is a candidate
        yield from range(len(text))


def _read_requests(text: str) -> list[FileReference]:
    refs: list[FileReference] = []
    for pos in _candidates(_VERB_SCAN, text):
        m = _VERB.match(text, pos)
        if m is None:
            continue
        start = m.start()
        if _PASSIVE.search(text, max(0, start - 12), start) is not None or negated(text, start):
            continue
        # only edit verbs: "Please update .env.local" in an `echo` speaks to whoever runs the
        # script, but the model reads "echo 'now read .env'" as well
        if (m.group("verb") or "").lower() in _EDIT_VERBS and _in_printed_message(text, start):
            continue
        for path, s, e in _object_paths(text, m.end()):
            refs.append(FileReference(path, s, e, is_glob(path), "read-request"))
    return refs


def _commands(text: str) -> list[FileReference]:
    refs: list[FileReference] = []
    last_end = -1
    for pos in _candidates(_COMMAND_SCAN, text):
        # Back over `$ ` and blanks to where a word command's context (line start, `|`, ...) is.
        begin = pos
        while begin > 0 and text[begin - 1] in " \t$":
            begin -= 1
        if pos < last_end:
            continue  # inside the previous command's operands: its match would be dropped anyway
        m = _COMMAND.match(text, pos) or _COMMAND.match(text, begin)
        if m is None or m.start() < last_end:
            continue
        last_end = m.end()
        cmd = m.group("plain") or m.group("word") or ""
        cmd_start = m.start("plain") if m.group("plain") else m.start("word")
        if text[max(0, cmd_start - 2) : cmd_start].endswith("$(") or negated(text, cmd_start):
            continue
        skip_operand = cmd in _SCRIPT_FIRST
        piped = _INTO_READER.match(text, m.end("args")) is not None
        if cmd in _SEARCHERS and not piped and prints_no_lines(cmd, m.group("args")):
            continue  # `grep -c "=" .env`: a count or file names, none of the file's text
        # `grep "OPENAI_API_KEY" ~/.zshrc`: the lines it prints hold the key's value
        credential_search = cmd in _SEARCHERS and CREDENTIAL_PATTERN.search(m.group("args")) is not None
        for arg in re.finditer(r"\S+", m.group("args")):
            token = arg.group(0)
            if token.startswith("-") or token in ("<", "<<"):
                continue
            if skip_operand:
                skip_operand = False
                continue
            quoted = token[:1] in "\"'" and token[-1:] == token[:1] and len(token) >= 2
            path = token[1:-1] if quoted else _clean(token)
            if credential_search and SHELL_PROFILE.search(path):
                s = m.start("args") + arg.start() + (1 if quoted else 0)
                refs.append(FileReference(path, s, s + len(path), False, "credential-search"))
            elif looks_like_path(path) and not _SCHEME.match(path):
                s = m.start("args") + arg.start() + (1 if quoted else 0)
                refs.append(FileReference(path, s, s + len(path), is_glob(path), "command"))
    tool_calls = _TOOL_CALL.finditer(text) if any(w in text for w in _TOOL_WORDS) else ()
    for m in tool_calls:
        group = "p" if m.group("p") else "p2"
        path = m.group(group)
        if path.strip() and not _SCHEME.match(path):
            refs.append(
                FileReference(path, m.start(group), m.end(group), is_glob(path), "tool-call")
            )
    return refs


def find_file_references(text: str, *, mentions: bool = False) -> list[FileReference]:
    """File paths and globs the text attaches or asks to read, sorted by offset, one per span.

    With `mentions=True`, also every other path the text names (`attaches=False`).
    """
    refs: list[FileReference] = []
    for m in _HASH_REF.finditer(text):
        path = m.group("dq") or m.group("sq") or m.group("bq") or _clean(m.group("p") or "")
        if path:
            syntax = "hash-file" if m.group("kind") == "file" else "hash-folder"
            end = m.end() if not m.group("p") else m.start("p") + len(path)
            refs.append(FileReference(path, m.start(), end, is_glob(path), syntax))
    for m in _AT_REF.finditer(text):
        path = _clean(m.group("p"))
        if path and looks_like_path(path):
            refs.append(
                FileReference(
                    path, m.start(), m.start("p") + len(path), is_glob(path), "at-mention"
                )
            )
    for m in _MD_LINK.finditer(text):
        target = m.group("p").strip("<>")
        if _SCHEME.match(target) and not target.startswith("file:"):
            continue
        if target.startswith("#"):
            continue
        path = target.split("#", 1)[0].split("?", 1)[0]
        if path and not _is_regex_or_comment(path):
            refs.append(FileReference(path, m.start(), m.end(), is_glob(path), "markdown-link"))
    refs += _read_requests(text)
    refs += _commands(text)
    if mentions:
        refs += _front_matter(text)
        refs += _mentions(text)
    return _dedupe(refs)


def _mentions(text: str) -> list[FileReference]:
    refs: list[FileReference] = []
    for m in _BACKTICK.finditer(text):
        token = m.group("p")
        path = _clean(token) if not is_glob(token) else token
        if looks_like_path(path) and not _SCHEME.match(path):
            refs.append(
                FileReference(path, m.start(), m.end(), is_glob(path), "backtick", attaches=False)
            )
    for m in _BARE.finditer(text):
        path = _clean(m.group("p"))
        if path.endswith("?"):
            path = path.rstrip("?")
        if looks_like_path(path):
            refs.append(
                FileReference(
                    path, m.start(), m.start() + len(path), is_glob(path), "bare", attaches=False
                )
            )
    return refs


def _dedupe(refs: list[FileReference]) -> list[FileReference]:
    """One reference per span: attaching ones win over mentions, explicit syntaxes over the rest."""
    rank = {"hash-file": 0, "hash-folder": 0, "at-mention": 0, "markdown-link": 0, "credential-search": 0,
            "tool-call": 1}
    refs.sort(key=lambda r: (not r.attaches, rank.get(r.syntax, 2), r.start))
    out: list[FileReference] = []
    starts: list[int] = []  # kept spans are disjoint: sorted starts locate the neighbours
    ends: list[int] = []
    for r in refs:
        i = bisect.bisect_left(starts, r.end)
        if i > 0 and ends[i - 1] > r.start:
            continue
        if i < len(starts) and starts[i] < r.end:
            continue
        starts.insert(i, r.start)
        ends.insert(i, r.end)
        out.append(r)
    out.sort(key=lambda r: (r.start, r.end))
    return out

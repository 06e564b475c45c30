"""File references in prompt text: the ways a prompt pulls a file into an assistant's context.

Recognised: `#file:path` / `#folder:path` (VS Code chat), `@path` (Claude Code, Cursor, aider),
markdown links `[x](path)`, backticked paths, bare relative paths (with a slash, a known file
extension or a well-known dotfile name), and `applyTo:` / `globs:` in YAML front matter of
instruction and rule files. Each pattern starts with a literal or is linear, like the detectors.
"""

from __future__ import annotations

import re

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
_FRONT_KEYS = re.compile(r"^(?P<key>applyTo|globs|paths)[ \t]*:[ \t]*(?P<rest>.*)$", re.M)
_FRONT_ITEM = re.compile(r"^[ \t]+-[ \t]+(?P<item>.+)$")
_TRAILING = ".,;:!?)]}>'\""

GLOB_CHARS = frozenset("*?[")


def is_glob(path: str) -> bool:
    return any(ch in GLOB_CHARS for ch in path)


def looks_like_path(token: str) -> bool:
    """A slash, a known extension, a well-known dotfile or a key-file name."""
    if not token or len(token) > 512 or "://" in token:
        return False
    if "/" in token:
        stripped = token.strip("/.~")
        return bool(stripped) and any(c.isalpha() or c in "*?" for c in stripped)
    base = token
    if base in DOTFILES or base in KEY_FILE_NAMES:
        return True
    if base.startswith(".env") or base.startswith(".env."):
        return True
    stem, dot, ext = base.rpartition(".")
    if not dot or not ext:
        return False
    if ext.lower() in FILE_EXTENSIONS or "*" in ext:
        return bool(stem) or base.startswith(".")
    return False


def _clean(token: str) -> str:
    token = token.strip()
    while token and token[-1] in _TRAILING:
        token = token[:-1]
    return token


def _front_matter(text: str) -> list[FileReference]:
    """`applyTo:` / `globs:` / `paths:` entries of a leading `---` YAML block."""
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
                        value, offset + at, offset + at + len(value), True, "front-matter"
                    )
                )
    return refs


def find_file_references(text: str) -> list[FileReference]:
    """Every file path or glob the text names, sorted by offset, one entry per span."""
    refs: list[FileReference] = list(_front_matter(text))
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
        if path:
            refs.append(FileReference(path, m.start(), m.end(), is_glob(path), "markdown-link"))
    for m in _BACKTICK.finditer(text):
        token = m.group("p")
        path = _clean(token) if not is_glob(token) else token
        if looks_like_path(path) and not _SCHEME.match(path):
            refs.append(FileReference(path, m.start(), m.end(), is_glob(path), "backtick"))
    for m in _BARE.finditer(text):
        token = m.group("p")
        path = _clean(token)
        if path.endswith("?"):
            path = path.rstrip("?")
        if looks_like_path(path):
            refs.append(
                FileReference(path, m.start(), m.start() + len(path), is_glob(path), "bare")
            )
    return _dedupe(refs)


def _dedupe(refs: list[FileReference]) -> list[FileReference]:
    """Explicit syntaxes win over a bare path on an overlapping span."""
    explicit = sorted((r for r in refs if r.syntax != "bare"), key=lambda r: r.start)
    out = list(explicit)
    spans = [(r.start, r.end) for r in explicit]
    for r in refs:
        if r.syntax != "bare":
            continue
        if any(a < r.end and r.start < b for a, b in spans):
            continue
        out.append(r)
    out.sort(key=lambda r: (r.start, r.end))
    return out

"""Zone and `sensitive` globs rewritten for each target's own pattern language.

pavedroad globs are gitignore patterns relative to the workspace root (the validator rejects `!`,
`#` and empty ones, so no negation ever reaches a generator). The targets differ:

1. **gitignore-syntax ignore files** (`.cursorignore`, `.aiexclude`, ...) live at the root and read
   the pattern exactly as we do, so the pattern is written verbatim, followed by a case-folded
   twin (`[sS][eE][cC]...`) because those matchers are case-sensitive while macOS and Windows file
   systems are not (a read of `SECRETS/x` opened `secrets/x` behind a `secrets/**` rule: the
   Cursor case bypass, CVE-2025-59944 [3P]). The exact line stays, so a tool whose matcher lacks
   character classes still has it.
2. **Claude Code rules** (`Read(...)`, `Edit(...)`): a leading `/` is the project root, anything
   else is relative to Claude's *working directory*, so every pattern is anchored: `*.pem` becomes
   `/**/*.pem`. `)` cannot appear inside a rule (SchemaStore pattern), so it is widened to `?`.
3. **Zed `private_files`** and **Copilot content exclusion** are globs, not gitignore: an
   unanchored name gets `**/` (Zed) or stays bare (Copilot: "bare name = any depth"), an anchored
   one gets its leading `/` (Copilot) or loses it (Zed: worktree-relative).
4. **CODEOWNERS** is gitignore-like, but one unsupported line can make GitHub ignore the whole
   file, and `[ ]`, `\\` escapes and `!` are unsupported. Those (and spaces, `#`) are widened to
   `*`; widening only routes more files to the reviewers, never fewer.

Where a pattern could name a directory (`secrets`, `src/auth`, `build/`), glob targets get a second
`.../**` form, since for them a bare directory name does not cover what is inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WILD = re.compile(r"[*?\[]")
_CLASS = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True)
class Glob:
    """One gitignore-style glob, split into the parts every target needs."""

    raw: str
    #: relative to the root (a `/` at the start or in the middle); `**/x` is anchored but any-depth
    anchored: bool
    #: the pattern without leading `/` and trailing `/`
    body: str
    #: a trailing `/`: only directories (and so everything below them)
    dir_only: bool

    @property
    def may_be_dir(self) -> bool:
        """Could name a directory whose contents a glob target must list explicitly."""
        if self.dir_only:
            return True
        if self.body.endswith("**"):
            return False
        last = self.body.rsplit("/", 1)[-1]
        return not _WILD.search(last) and "." not in last

    @property
    def any_depth(self) -> bool:
        return not self.anchored or self.body.startswith("**/")


def parse(raw: str) -> Glob | None:
    """The glob, or None for something no target can use (empty, comment, negation)."""
    text = raw.strip()
    if not text or text.startswith(("#", "!")):
        return None
    dir_only = text.endswith("/")
    body = text.rstrip("/")
    anchored = body.startswith("/") or "/" in body
    body = body.lstrip("/")
    if not body:
        return None
    return Glob(raw=text, anchored=anchored, body=body, dir_only=dir_only)


# --------------------------------------------------------------------------------------------
# gitignore-syntax ignore files


def gitignore(glob: Glob) -> str:
    """The pattern as an ignore file at the root reads it (unchanged semantics)."""
    return glob.raw


def casefold_variant(pattern: str) -> str | None:
    """`secrets/**` -> `[sS][eE][cC][rR][eE][tT][sS]/**`; None when case cannot matter.

    Letters inside an existing class get both cases too; escapes (`\\x`) are kept as they are.
    """
    out: list[str] = []
    changed = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            end = pattern.find("]", i + 2)
            if end != -1:
                body = pattern[i + 1 : end]
                extra = "".join(
                    c.swapcase() for c in body if c.isalpha() and c.swapcase() not in body
                    and len(c.swapcase()) == 1
                )
                changed |= bool(extra)
                out.append("[" + body + extra + "]")
                i = end + 1
                continue
        other = ch.swapcase()
        if ch.isalpha() and other != ch and len(other) == 1:
            out.append(f"[{ch}{other}]")
            changed = True
        else:
            out.append(ch)
        i += 1
    return "".join(out) if changed else None


# --------------------------------------------------------------------------------------------
# Claude Code permission rules


def claude_paths(glob: Glob) -> list[str]:
    """Path parts for `Read(...)`/`Edit(...)`, anchored at the project root (`/...`)."""
    body = glob.body.replace(")", "?")
    base = "/" + body if glob.anchored else "/**/" + body
    out = [base]
    if glob.may_be_dir:
        out.append(base + "/**")
    return out


def claude_any_depth(glob: Glob) -> list[str]:
    """Path parts valid in any project (managed settings): only any-depth globs, cwd-relative."""
    if not glob.any_depth:
        return []
    body = glob.body.replace(")", "?")
    base = body if body.startswith("**/") else "**/" + body
    return [base, base + "/**"] if glob.may_be_dir else [base]


# --------------------------------------------------------------------------------------------
# Zed private_files (worktree-relative globs)


def zed(glob: Glob) -> list[str]:
    base = glob.body if glob.anchored else "**/" + glob.body
    return [base, base + "/**"] if glob.may_be_dir else [base]


# --------------------------------------------------------------------------------------------
# Copilot content exclusion (Ruby File.fnmatch, case-insensitive; `/` = repo root)


def copilot(glob: Glob) -> list[str]:
    if glob.anchored and not glob.body.startswith("**/"):
        base = "/" + glob.body
    elif glob.anchored:
        base = glob.body  # `**/a/b`: any depth already
    else:
        base = glob.body  # bare name: any depth
    if glob.may_be_dir:
        tail = base + "/**" if glob.anchored else "**/" + base + "/**"
        return [base, tail]
    return [base]


# --------------------------------------------------------------------------------------------
# CODEOWNERS


_CODEOWNERS_UNSAFE = re.compile(r"\[[^\]]*\]|\\.|[\s#\[\]\\]")


def codeowners(glob: Glob) -> tuple[str, bool]:
    """The pattern for a CODEOWNERS line and whether it had to be widened."""
    body = glob.body
    widened = bool(_CODEOWNERS_UNSAFE.search(body))
    if widened:
        body = _CODEOWNERS_UNSAFE.sub("*", body)
        body = re.sub(r"\*{3,}", "**", body)
    if glob.anchored and not body.startswith("**/"):
        body = "/" + body
    if glob.dir_only:
        body += "/"
    return body, widened


# --------------------------------------------------------------------------------------------
# reviewers


_OWNER = re.compile(r"^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9._-]+)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_codeowner(owner: str) -> bool:
    """`@user`, `@org/team` or an e-mail address: what a CODEOWNERS line accepts."""
    return bool(_OWNER.match(owner) or _EMAIL.match(owner))

"""Text from a repository made safe to print on a terminal or into a CI log.

File and symbol names come from the repository, which may be hostile: a file named
`a\\x1b[2Jb.py` would clear the reader's screen, and one holding a newline would forge a row of a
table (a clean-looking line under a real finding). Text outputs pass such strings through `shown`,
which writes every non-printable character as an escape (`\\x1b`, `\\n`, `\\udce9` for a byte that
was not UTF-8). JSON and SARIF need nothing: `json.dumps` escapes control characters itself.
"""

from __future__ import annotations


def shown(text: str) -> str:
    """`text` with each non-printable character written as a backslash escape."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"

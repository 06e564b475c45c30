"""Which files that look sensitive are templates: shared by prompts, agent hooks and the editor.

`.env.example`, `app.sample.yaml`, `.env-template`, `config.dist`, `id_rsa.pub` are committed on
purpose so that a person (or an assistant) can work from them without the real values, so a
`sensitive` glob (`**/.env.*`, `**/id_rsa*`) does not cover them unless the pattern names the
template itself (its last segment spells the template word: `**/.env.example`, `*.sample`). The
prompt check, the read hook and the deny messages (which point to "a `.example` file") follow
this one rule, so the assistant is not refused what it was told to use.
"""

from __future__ import annotations

TEMPLATE_WORDS = frozenset(["example", "examples", "sample", "template", "dist", "tmpl", "tpl"])
_TEMPLATE_SUFFIXES = tuple(f"{sep}{w}" for w in TEMPLATE_WORDS for sep in "-_")


def is_template(rel: str) -> bool:
    """`.env.example`, `config.sample.yaml`, `.env-template`, `app.dist`, `id_rsa.pub`."""
    name = rel.rstrip("/").rsplit("/", 1)[-1].lower()
    if name.endswith(".pub"):
        return True
    parts = [p for p in name.split(".") if p]
    return any(p in TEMPLATE_WORDS or p.endswith(_TEMPLATE_SUFFIXES) for p in parts[1:]) or (
        bool(parts) and parts[0].endswith(_TEMPLATE_SUFFIXES)
    )


def names_template(pattern: str) -> bool:
    """True when a pattern spells a template explicitly (`**/.env.example`, `*.sample`)."""
    return is_template(pattern.replace("*", "x"))


def covers(pattern: str, rel: str) -> bool:
    """Whether a `sensitive` pattern that matches `rel` by its glob really covers it: a template
    only when the pattern names one."""
    return not is_template(rel) or names_template(pattern)

"""`check_prompt`: everything about one prompt in one report, plus the small helpers shells need."""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Sequence
from functools import lru_cache

import pathspec

from .environment import environment_findings
from .masking import redact
from .model import ALLOW, BLOCK, WARN, FileReference, PromptFinding, PromptReport
from .references import find_file_references, is_glob
from .scanner import resolve_overlaps, scan_text, without_surrogates
from .sensitive import IndexSource, ZonesForPath, check_references

#: Files whose content is sent to an assistant as instructions (checked like prompts).
DEFAULT_PROMPT_FILE_PATTERNS: tuple[str, ...] = (
    "*.prompt.md",
    "*.instructions.md",
    ".github/copilot-instructions.md",
    "AGENTS.md",
    "CLAUDE.md",
    "GEMINI.md",
    ".cursor/rules/*.mdc",
    ".cursorrules",
    ".continue/rules/*.md",
)


def verdict_of(findings: Iterable[PromptFinding]) -> str:
    """`block` if any finding blocks, else `warn` if any warns, else `allow`."""
    verdict = ALLOW
    for f in findings:
        if f.severity == BLOCK:
            return BLOCK
        if f.severity == WARN:
            verdict = WARN
    return verdict


def check_prompt(
    text: str,
    *,
    root: str | None = None,
    sensitive: Sequence[str] = (),
    internal_domains: Sequence[str] = (),
    zones_for_path: ZonesForPath | None = None,
    references: Sequence[str] = (),
    glob_zones: ZonesForPath | None = None,
    index: IndexSource = None,
    near: str | None = None,
) -> PromptReport:
    """Scan `text` and the files it attaches or asks to read (plus `references` the caller
    attaches).

    `zones_for_path(relative_posix_path)` returns `(zone_id, context_level)` pairs with levels as
    in `pavedroad.config.model.Level` (0 allow, 1 warn, 3 deny); `glob_zones` answers the same
    for each file a glob or folder covers (default: `zones_for_path`). `index` is the root's
    `FileIndex` (or a function returning it), built on first need when not given. `near` is the
    prompt file's directory relative to `root`: relative paths that exist there mean those. Attached
    references have no span in the text, so their findings carry `start == end == 0`.
    """
    text = without_surrogates(text)
    findings: list[PromptFinding] = scan_text(text, internal_domains=internal_domains)
    printed = environment_findings(text)
    if printed:
        findings = resolve_overlaps(findings + printed)
    if sensitive or zones_for_path is not None:
        refs = find_file_references(text) if text else []
        refs += [
            FileReference(without_surrogates(r), 0, 0, is_glob(r), "attached")
            for r in references
            if r
        ]
        extra = list(
            check_references(
                refs,
                root=root,
                sensitive=sensitive,
                zones_for_path=zones_for_path,
                glob_zones=glob_zones,
                index=index,
                near=near,
            )
        )
        if extra:
            findings = resolve_overlaps(findings + extra)
    return PromptReport(
        verdict=verdict_of(findings),
        findings=tuple(findings),
        redacted=redact(text, findings),
    )


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_prompt_bytes(data: bytes) -> str:
    """Text of a prompt file or stdin: BOM-aware, invalid bytes become U+FFFD, never raises."""
    try:
        raw = bytes(data)
        for bom, encoding in _BOMS:
            if raw.startswith(bom):
                return raw[len(bom) :].decode(encoding, errors="replace")
        return raw.decode("utf-8", errors="replace")
    except Exception:
        try:
            return bytes(data).decode("latin-1")
        except Exception:
            return ""


@lru_cache(maxsize=32)
def _prompt_spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(patterns)


def is_prompt_file(rel_path: str, patterns: Sequence[str] | None = None) -> bool:
    """True for instruction / prompt files (gitignore-style `patterns`, default list above)."""
    path = rel_path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    if not path:
        return False
    try:
        spec = _prompt_spec(tuple(DEFAULT_PROMPT_FILE_PATTERNS if patterns is None else patterns))
    except Exception:
        return False
    return spec.match_file(path)

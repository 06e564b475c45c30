"""Prompt hygiene: secrets, customer data, internal hosts and sensitive-file references in prompts.

Pure engine (no LSP, no config loading): the language server, the CLI and agent hooks call
`check_prompt` with the text and the workspace's settings and get one `PromptReport` back.
See docs/prompts.md for the rule ids, the false-positive controls and the benchmark.
"""

from __future__ import annotations

from .fileindex import FileIndex
from .findings import RULES, RuleInfo
from .masking import mask, redact
from .model import FileReference, PromptFinding, PromptReport
from .references import find_file_references
from .report import (
    DEFAULT_PROMPT_FILE_PATTERNS,
    check_prompt,
    decode_prompt_bytes,
    is_prompt_file,
    verdict_of,
)
from .scanner import scan_text
from .sensitive import ZonesForPath, is_template

__all__ = [
    "DEFAULT_PROMPT_FILE_PATTERNS",
    "RULES",
    "FileIndex",
    "FileReference",
    "PromptFinding",
    "PromptReport",
    "RuleInfo",
    "ZonesForPath",
    "check_prompt",
    "decode_prompt_bytes",
    "find_file_references",
    "is_prompt_file",
    "is_template",
    "mask",
    "redact",
    "scan_text",
    "verdict_of",
]

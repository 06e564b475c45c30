"""Prompt checks against a workspace: the pure prompt engine plus this repo's zones and sensitive files.

Shared by `pavedroad prompt`, the `pavedroad/checkPrompt` request and prompt-file diagnostics, so a
chat integration, an agent hook and the editor agree on every verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from pavedroad.analysis.classify import Classifier
from pavedroad.config.model import EffectiveConfig, Level
from pavedroad.prompts import (
    DEFAULT_PROMPT_FILE_PATTERNS,
    PromptReport,
    check_prompt,
    is_prompt_file,
)
from pavedroad.zonemap import classify_path

#: Only files this large or smaller are classified to learn their zones' `context` level.
MAX_REFERENCED_BYTES = 2 * 1024 * 1024


def prompt_file_patterns(config: EffectiveConfig) -> tuple[str, ...]:
    return (*DEFAULT_PROMPT_FILE_PATTERNS, *config.prompt_files)


def is_prompt_document(rel_path: str, config: EffectiveConfig) -> bool:
    return is_prompt_file(rel_path, prompt_file_patterns(config))


def reference_path(reference: str, root: Path) -> str:
    """A `file:` URI or path as the prompt engine wants it: relative to `root` when inside it."""
    if reference.startswith("file:"):
        reference = unquote(urlparse(reference).path)
    path = Path(reference)
    if path.is_absolute():
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            return path.as_posix()
    return reference


def check_workspace_prompt(
    text: str,
    *,
    root: Path,
    config: EffectiveConfig,
    classifier: Classifier,
    references: Sequence[str] = (),
) -> PromptReport:
    """Check `text` (and attached `references`) against the workspace's zones and sensitive files."""

    @lru_cache(maxsize=256)
    def zones_for_path(rel_path: str) -> tuple[tuple[str, int], ...]:
        target = (root / rel_path).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return ()
        zones = classify_path(classifier, root, target.relative_to(root).as_posix())
        if zones is None:
            return ()
        result = []
        for zone_id in zones.zone_ids:
            zone = config.zone(zone_id)
            if zone is not None and zone.context > Level.ALLOW:
                result.append((zone.id, int(zone.context)))
        return tuple(result)

    return check_prompt(
        text,
        root=str(root),
        sensitive=config.sensitive,
        internal_domains=config.internal_domains,
        zones_for_path=zones_for_path,
        references=[reference_path(r, root) for r in references],
    )

"""Dependency checks on AI-written changes, the way every shell asks for them.

The editor (a manifest buffer against its committed version), the hooks (a proposed edit) and
`check --since` (a manifest against the revision) all ask the same question: which dependencies
did AI-written lines add or change, and what is wrong with them? The answer is
`check_manifest_change` restricted to changes on AI-written lines (problems parsing the manifest
are always reported), with the lockfiles next to the manifest read from disk.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pavedroad.config.model import EffectiveConfig
from pavedroad.deps import codes
from pavedroad.deps.check import check_manifest_change
from pavedroad.deps.manifests import is_lockfile, manifest_kind
from pavedroad.deps.model import DependencyReport, DepFinding
from pavedroad.deps.registry import RegistryClient
from pavedroad.fileio import read_regular

MAX_LOCKFILE_BYTES = 32 << 20
_LOCKFILE_NAMES = ("package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "uv.lock",
                   "Pipfile.lock", "Cargo.lock", "Gemfile.lock", "go.sum", ".terraform.lock.hcl")
#: Findings that stop an agent's edit of a manifest (the rest warn).
BLOCKING = frozenset({codes.DEP_DENIED, codes.DEP_NOT_ALLOWED, codes.DEP_MISSING,
                      codes.DEP_CONFUSABLE})


def is_manifest(rel_path: str) -> bool:
    return manifest_kind(rel_path) is not None and not is_lockfile(rel_path)


def lockfiles_near(root: Path, rel_path: str) -> dict[str, str]:
    """The lockfiles in the manifest's directory, read from disk (bounded)."""
    folder = posixpath.dirname(rel_path)
    out: dict[str, str] = {}
    for name in _LOCKFILE_NAMES:
        rel = posixpath.join(folder, name) if folder else name
        try:
            data, size = read_regular(root / rel, MAX_LOCKFILE_BYTES)
        except OSError:
            continue
        if size <= MAX_LOCKFILE_BYTES:
            out[rel] = data.decode("utf-8", "replace")
    return out


def default_registry() -> RegistryClient | None:
    """The public registries, unless `PAVEDROAD_OFFLINE=1` (then nothing leaves the machine and
    existence and advisories are reported "not verified: offline")."""
    if os.environ.get("PAVEDROAD_OFFLINE") == "1":
        return None
    return RegistryClient()


def check_ai_change(root: Path, rel_path: str, old_text: str | None, new_text: str,
                    config: EffectiveConfig, ai_lines: Sequence[tuple[int, int]] | None, *,
                    registry: RegistryClient | None, budget: float = 8.0) -> DependencyReport:
    """`check_manifest_change`, keeping findings on `ai_lines` (1-based inclusive ranges of the
    new text; None: every line is AI-written, as in an agent's edit)."""
    report = check_manifest_change(rel_path, old_text, new_text, config, registry=registry,
                                   lockfiles=lockfiles_near(root, rel_path), budget=budget)
    if ai_lines is None:
        return report

    def on_ai_line(f: DepFinding) -> bool:
        return f.code == codes.MANIFEST_INVALID or any(a <= f.line <= b for a, b in ai_lines)

    kept = tuple(f for f in report.findings if on_ai_line(f))
    changes = tuple(c for c in report.changes if any(a <= c.line <= b for a, b in ai_lines))
    return replace(report, findings=kept, changes=changes)

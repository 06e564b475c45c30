"""Dependencies an AI edit nudges into the build: parse manifests, diff them, check what was added.

Public API (pure: the only I/O goes through the `RegistryClient` you pass in)::

    from pavedroad.deps import check_manifest_change, RegistryClient, is_manifest

    report = check_manifest_change(
        "requirements.txt", old_text, new_text, config,      # config: EffectiveConfig
        registry=RegistryClient(),      # None: no network, existence/advisories unverified
        lockfiles={"poetry.lock": text},  # repo-relative path -> text; same directory is used
        budget=8.0)                     # seconds for all registry lookups of this change
    report.findings      # DepFinding: code (PR501-PR509), severity, message, path, line,
                         #   start/end columns of the name, dependency, actions, suggestion
    report.problems      # ManifestProblem: manifests that did not parse (also PR509 findings)
    report.unverified    # Unverified(dependency, reason): "offline (...)", "private name ..."
    report.changes       # DependencyChange: added / version / source, with the new line

Building blocks: `is_manifest(path)`, `parse_manifest(path, text) -> ParsedManifest`,
`added_dependencies(path, old, new) -> (changes, problems)`, `typo.index_for(eco).closest(name)`,
`popular.load(eco)`. Codes and their meaning: `pavedroad.deps.codes`. Every finding's `actions`
hold code-action data (`replace_name`, `pin_lockfile`, `request_exception` for the zone
`dependencies`). See docs/dependencies.md for the checks, data sources and measurements.

Not done here (yet): imports of packages that no manifest declares (`undeclared_imports`).
"""

from __future__ import annotations

from pavedroad.deps import codes
from pavedroad.deps.check import ZONE_ID, check_manifest_change, lockfile_versions
from pavedroad.deps.diff import added_dependencies, diff_dependencies
from pavedroad.deps.manifests import is_lockfile, manifest_kind, parse_manifest
from pavedroad.deps.model import (
    ActionData,
    Advisory,
    Dependency,
    DependencyChange,
    DependencyReport,
    DepFinding,
    ManifestProblem,
    ParsedManifest,
    Unverified,
    Verification,
)
from pavedroad.deps.registry import FetchFailed, HttpRequest, HttpResponse, RegistryClient


def is_manifest(rel_path: str) -> bool:
    """True when `rel_path` is a manifest or lockfile this package reads."""
    return manifest_kind(rel_path) is not None


__all__ = [
    "ZONE_ID", "ActionData", "Advisory", "DepFinding", "Dependency", "DependencyChange",
    "DependencyReport", "FetchFailed", "HttpRequest", "HttpResponse", "ManifestProblem",
    "ParsedManifest", "RegistryClient", "Unverified", "Verification", "added_dependencies",
    "check_manifest_change", "codes", "diff_dependencies", "is_lockfile", "is_manifest",
    "lockfile_versions", "manifest_kind", "parse_manifest",
]

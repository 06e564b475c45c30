"""Checks on the dependencies a manifest change adds: the engine's decision in one function.

How one change is checked (`check_manifest_change`):
1. Parse old and new text, diff them (`diff.added_dependencies`); unreadable manifests become
   PR509 findings and the rest is still checked.
2. For each added (or re-versioned, or re-sourced) dependency, the local checks: deny list (PR501),
   central allow list (PR502), look-alike characters (PR505), typo of a popular name (PR504),
   non-default source (PR507).
3. Dependencies from the default registry whose names are not `private` are looked up through the
   injected `RegistryClient` within the time budget: missing (PR503, authoritative 404 only),
   known vulnerabilities of the pinned or locked version (PR506); no answer -> PR508 (information,
   "not verified: ...") and an `Unverified` entry, never a finding of absence.
4. Each finding carries code-action data: replace with the closest popular name, pin to the
   version the lockfile next to the manifest already resolved, request an exception for the
   `dependencies` zone.
Without a registry client nothing leaves the process and existence/advisories are unverified.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from functools import lru_cache

from pavedroad.config.model import EffectiveConfig
from pavedroad.deps import codes
from pavedroad.deps.confusables import has_non_ascii, skeleton, suspicious_characters
from pavedroad.deps.diff import added_dependencies
from pavedroad.deps.manifests import is_lockfile, manifest_kind, parse_manifest
from pavedroad.deps.manifests.common import LineIndex
from pavedroad.deps.model import (
    ActionData,
    Dependency,
    DependencyChange,
    DependencyReport,
    DepFinding,
    Severity,
    Unverified,
)
from pavedroad.deps.names import normalize
from pavedroad.deps.policy import PolicyLists
from pavedroad.deps.registry import RegistryClient
from pavedroad.deps.typo import TypoMatch, index_for

ZONE_ID = "dependencies"
#: Registry lookups per run at most (a lockfile rewrite can add thousands of entries).
MAX_LOOKUPS = 300
#: Default time budget for all lookups of one run, seconds.
DEFAULT_BUDGET = 8.0

REGISTRY_NAMES = {"pypi": "PyPI", "npm": "the npm registry", "maven": "Maven Central",
                  "go": "the Go module proxy", "cargo": "crates.io", "gem": "RubyGems.org",
                  "terraform": "the Terraform registry"}
_SOURCE_WORDS = {"registry": "a non-default registry", "url": "a direct URL",
                 "git": "a git repository", "path": "a local path"}


def lockfile_versions(rel_path: str, lockfiles: Mapping[str, str] | None
                      ) -> dict[tuple[str, str], str]:
    """(ecosystem, normalized name) -> version, from the lockfiles in the manifest's directory."""
    out: dict[tuple[str, str], str] = {}
    if not lockfiles:
        return out
    folder = posixpath.dirname(rel_path.replace("\\", "/"))
    for path, text in lockfiles.items():
        if posixpath.dirname(path.replace("\\", "/")) != folder or not is_lockfile(path):
            continue
        for key, version in _locked(path, text):
            out.setdefault(key, version)
    return out


@lru_cache(maxsize=16)
def _locked(path: str, text: str) -> tuple[tuple[tuple[str, str], str], ...]:
    """A lockfile's pinned versions; cached because the editor re-checks on every change while
    the lockfile beside the manifest stays the same."""
    return tuple(((dep.ecosystem, normalize(dep.ecosystem, dep.name)), dep.version)
                 for dep in parse_manifest(path, text).dependencies if dep.version)


class _Builder:
    def __init__(self, rel_path: str, text: str) -> None:
        self.path = rel_path
        self.index = LineIndex(text)
        self.findings: list[DepFinding] = []

    def find_name(self, dep: Dependency) -> tuple[int, int] | None:
        """Columns of the name as written on its line, or None when it is not there verbatim."""
        line = self.index.line_text(dep.line)
        if dep.column is not None and line[dep.column:dep.column + len(dep.name)] == dep.name:
            return dep.column, dep.column + len(dep.name)
        found = line.find(dep.name)
        if found >= 0:
            return found, found + len(dep.name)
        if ":" in dep.name:  # Maven: the artifactId alone is on the line
            artifact = dep.name.split(":", 1)[1]
            found = line.find(artifact)
            if found >= 0:
                return found, found + len(artifact)
        return None

    def name_span(self, dep: Dependency) -> tuple[int, int]:
        span = self.find_name(dep)
        if span is not None:
            return span
        line = self.index.line_text(dep.line)
        return len(line) - len(line.lstrip()), len(line)

    def exception_action(self, dep: Dependency) -> ActionData:
        return ActionData("request_exception", f"Request an exception for {dep.name}",
                          line=dep.line, zone=ZONE_ID, path=self.path, package=dep.name)

    def replace_action(self, dep: Dependency, target: str) -> ActionData | None:
        span = self.find_name(dep)
        if span is None:
            return None
        start, end = span
        new = target
        if end - start != len(dep.name):  # Maven artifactId only: keep the group
            group, _, artifact = target.partition(":")
            if group != dep.name.split(":", 1)[0]:
                return None
            new = artifact
        return ActionData("replace_name", f"Replace with {target}", line=dep.line, start=start,
                          end=end, new_text=new, package=dep.name)

    def pin_action(self, dep: Dependency, version: str) -> ActionData | None:
        if dep.version == version or dep.source_kind != "default":
            return None
        line = self.index.line_text(dep.line)
        exact = {"pypi": f"=={version}", "cargo": f"={version}"}.get(dep.ecosystem, version)
        if dep.spec:
            at = line.find(dep.spec, self.name_span(dep)[1])
            if at < 0:
                return None
            return ActionData("pin_lockfile", f"Pin {dep.name} to {version} (from the lockfile)",
                              line=dep.line, start=at, end=at + len(dep.spec), new_text=exact,
                              package=dep.name)
        if dep.ecosystem == "pypi":
            end = self.name_span(dep)[1]
            if line[end:end + 1] == "[":
                close = line.find("]", end)
                end = close + 1 if close > 0 else end
            return ActionData("pin_lockfile", f"Pin {dep.name} to {version} (from the lockfile)",
                              line=dep.line, start=end, end=end, new_text=exact, package=dep.name)
        if dep.ecosystem == "gem":
            end = self.name_span(dep)[1]
            quote_end = end + 1 if line[end:end + 1] in "\"'" else end
            return ActionData("pin_lockfile", f"Pin {dep.name} to {version} (from the lockfile)",
                              line=dep.line, start=quote_end, end=quote_end,
                              new_text=f", '{version}'", package=dep.name)
        return None

    def add(self, code: str, severity: Severity, message: str, dep: Dependency | None,
            line: int, actions: list[ActionData | None] | None = None,
            suggestion: str | None = None) -> None:
        start, end = self.name_span(dep) if dep else (0, len(self.index.line_text(line)))
        self.findings.append(DepFinding(
            code=code, severity=severity, message=message, path=self.path, line=line,
            dependency=dep, start=start, end=end,
            actions=tuple(a for a in (actions or []) if a is not None), suggestion=suggestion))


def _describe(dep: Dependency) -> str:
    label = {"maven": "Maven artifact", "go": "Go module", "gem": "gem", "cargo": "crate",
             "terraform": "Terraform " + ("module" if dep.section == "module" else "provider"),
             "npm": "npm package", "pypi": "PyPI package"}[dep.ecosystem]
    return f"{label} {dep.name!r}"


def check_manifest_change(rel_path: str, old_text: str | None, new_text: str,
                          config: EffectiveConfig, *, registry: RegistryClient | None = None,
                          lockfiles: Mapping[str, str] | None = None,
                          budget: float = DEFAULT_BUDGET) -> DependencyReport:
    """Findings on what `new_text` adds to manifest `rel_path` (repository-relative, `/`).

    `old_text` None means the file is new (every dependency is added). `registry` None keeps
    everything local (existence and advisories are then unverified). `lockfiles` maps
    repository-relative paths to their text; those in the manifest's directory supply the
    versions for "pin to the lockfile version" and advisory checks of unpinned dependencies.
    """
    if manifest_kind(rel_path) is None:
        return DependencyReport(path=rel_path, notes=("not a dependency manifest",))
    changes, problems = added_dependencies(rel_path, old_text, new_text)
    out = _Builder(rel_path, new_text)
    for problem in problems:
        out.add(codes.MANIFEST_INVALID, "warning",
                f"{posixpath.basename(rel_path)}: {problem.message}; the dependencies it adds "
                "could not all be checked", None, problem.line)
    lists = PolicyLists(config.dependencies)
    locked = lockfile_versions(rel_path, lockfiles)
    unverified: list[Unverified] = []
    lookups: list[tuple[DependencyChange, str | None]] = []
    suggestions: dict[int, TypoMatch] = {}
    for change in changes:
        dep = change.dependency
        lock_version = locked.get((dep.ecosystem, normalize(dep.ecosystem, dep.name)))
        pin = out.pin_action(dep, lock_version) if lock_version else None
        exception = out.exception_action(dep)
        denied = lists.denied_by(dep)
        if denied:
            out.add(codes.DEP_DENIED, "error",
                    f"{_describe(dep)} is on the dependency deny list ({denied}): it may not be "
                    "added here", dep, dep.line, [exception])
        elif not lists.allowed(dep):
            out.add(codes.DEP_NOT_ALLOWED, "error",
                    f"{_describe(dep)} is not on the central allow list of approved packages: "
                    "ask the security team or request an exception", dep, dep.line, [exception])
        match: TypoMatch | None = None
        if change.kind == "added" or (change.before and change.before.name != dep.name):
            if has_non_ascii(dep.name):
                look = skeleton(dep.name)
                match = index_for(dep.ecosystem).closest(dep.name)
                chars = ", ".join(suspicious_characters(dep.name)[:3])
                imitates = f": it reads as {look!r}" if look.isascii() and look != dep.name else ""
                out.add(codes.DEP_CONFUSABLE, "error",
                        f"{_describe(dep)} contains look-alike or invisible characters ({chars})"
                        f"{imitates}; registries only hold ASCII names, so this is not the "
                        "package it appears to be", dep, dep.line,
                        [out.replace_action(dep, match.target if match else look)
                         if (match or look.isascii()) else None, exception],
                        suggestion=match.target if match else look if look.isascii() else None)
            else:
                match = index_for(dep.ecosystem).closest(dep.name)
                if match is not None:
                    out.add(codes.DEP_TYPO, "warning",
                            f"{_describe(dep)} is not a popular package but is {match.how} away "
                            f"from the popular {match.target!r}: a possible typo-squat. Did you "
                            f"mean {match.target!r}?", dep, dep.line,
                            [out.replace_action(dep, match.target), pin, exception],
                            suggestion=match.target)
        if match is not None:
            suggestions[id(change)] = match
        if dep.source_kind != "default" and change.kind in ("added", "source"):
            where = _SOURCE_WORDS[dep.source_kind]
            source = f" ({dep.source})" if dep.source else ""
            out.add(codes.DEP_SOURCE, "warning",
                    f"{_describe(dep)} resolves from {where}{source}, not from "
                    f"{REGISTRY_NAMES[dep.ecosystem]}: its content is not what the public "
                    "name promises and is not covered by registry advisories", dep, dep.line,
                    [exception])
            unverified.append(Unverified(dep, f"not looked up: resolves from {where}"))
            continue
        if lists.is_private(dep):
            unverified.append(Unverified(dep, "private name: not looked up in a public registry"))
            continue
        if has_non_ascii(dep.name):
            continue  # never send a look-alike name anywhere
        version = dep.version or lock_version
        lookups.append((change, version))
    results = {}
    if registry is not None and lookups:
        batch = lookups[:MAX_LOOKUPS]
        sent_before = registry.requests_sent
        results = registry.verify_many([(c.dependency, v) for c, v in batch], budget)
        lookups_sent = registry.requests_sent - sent_before
    else:
        lookups_sent = 0
    for position, (change, _version) in enumerate(lookups):
        dep = change.dependency
        verification = results.get(position)
        if verification is None:
            reason = ("registry lookups are off" if registry is None
                      else f"more than {MAX_LOOKUPS} lookups in one change")
            unverified.append(Unverified(dep, reason))
            out.add(codes.DEP_UNVERIFIED, "information",
                    f"{_describe(dep)}: not verified against {REGISTRY_NAMES[dep.ecosystem]}: "
                    f"{reason}", dep, dep.line)
            continue
        if verification.status == "missing" and change.kind != "version":
            match = suggestions.get(id(change))
            hint = f" Did you mean {match.target!r}?" if match else ""
            out.add(codes.DEP_MISSING, "error",
                    f"{_describe(dep)} does not exist on {REGISTRY_NAMES[dep.ecosystem]}: it may "
                    "be a name an AI assistant invented, which anyone could register later "
                    f"(slopsquatting).{hint}", dep, dep.line,
                    [out.replace_action(dep, match.target) if match else None,
                     out.exception_action(dep)], suggestion=match.target if match else None)
        elif verification.status == "unverified":
            unverified.append(Unverified(dep, verification.reason))
            out.add(codes.DEP_UNVERIFIED, "information",
                    f"{_describe(dep)}: not verified: {verification.reason}", dep, dep.line)
        if verification.advisories:
            ids = ", ".join(a.id for a in verification.advisories[:5] if a.id)
            more = len(verification.advisories) - 5
            fixed = sorted({f for a in verification.advisories for f in a.fixed_in},
                           key=_version_key)
            fix = f"; fixed in {fixed[-1]}" if fixed else ""
            lock_version = locked.get((dep.ecosystem, normalize(dep.ecosystem, dep.name)))
            pin = out.pin_action(dep, lock_version) if lock_version and \
                lock_version != verification.checked_version else None
            out.add(codes.DEP_VULNERABLE, "warning",
                    f"{_describe(dep)} {verification.checked_version} has "
                    f"{len(verification.advisories)} known "
                    f"vulnerabilit{'y' if len(verification.advisories) == 1 else 'ies'} ({ids}"
                    f"{f' and {more} more' if more > 0 else ''}){fix}", dep, dep.line,
                    [pin, out.exception_action(dep)])
    return DependencyReport(path=rel_path, findings=tuple(out.findings),
                            problems=tuple(problems), unverified=tuple(unverified),
                            changes=tuple(changes), lookups=lookups_sent)


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"[.+-]", version))

"""Value types of the dependency engine: what a manifest declares, what changed, what was found.

All are frozen dataclasses, safe to hand between threads and cheap to compare. Lines are 1-based
and refer to the text the type was parsed from (for a change: the new text). Columns are 0-based
code-point offsets within that line; editors convert them to their position encoding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Ecosystem = Literal["pypi", "npm", "maven", "go", "cargo", "gem", "terraform"]
ECOSYSTEMS: tuple[Ecosystem, ...] = ("pypi", "npm", "maven", "go", "cargo", "gem", "terraform")

#: Where a dependency resolves from. `default`: the ecosystem's public registry; `registry`: another
#: (named or URL) registry or index; `url`: a direct archive URL; `git`: a VCS repository; `path`:
#: the local file system.
SourceKind = Literal["default", "registry", "url", "git", "path"]

Severity = Literal["error", "warning", "information"]


@dataclass(frozen=True)
class Dependency:
    """One declared dependency.

    `name` is as written (an npm `@scope/name`, a Maven `group:artifact`, a Go module path, a
    Terraform provider `namespace/type` or module source); `spec` the version constraint as written
    ("" when none); `version` the exact version when the manifest pins one (lockfiles always do).
    `section` names where it was declared ("dependencies", "devDependencies", "require", ...).
    """

    ecosystem: Ecosystem
    name: str
    spec: str = ""
    version: str | None = None
    source_kind: SourceKind = "default"
    source: str = ""
    line: int = 1
    manifest: str = ""
    section: str = ""
    column: int | None = None


@dataclass(frozen=True)
class ManifestProblem:
    """A manifest (or part of one) that could not be read. Never raised: returned."""

    manifest: str
    line: int
    message: str


@dataclass(frozen=True)
class ParsedManifest:
    """What one manifest declares. `truncated` is set when a size or entry cap stopped parsing."""

    path: str
    kind: str
    dependencies: tuple[Dependency, ...] = ()
    problems: tuple[ManifestProblem, ...] = ()
    truncated: bool = False
    #: True for lockfiles (they pin what the manifests next to them resolve to)
    lockfile: bool = False


ChangeKind = Literal["added", "version", "source"]


@dataclass(frozen=True)
class DependencyChange:
    """A dependency an edit adds, or whose version or source it changes (`before` is the old one)."""

    kind: ChangeKind
    dependency: Dependency
    before: Dependency | None = None

    @property
    def line(self) -> int:
        return self.dependency.line


ActionKind = Literal["replace_name", "pin_lockfile", "request_exception"]


@dataclass(frozen=True)
class ActionData:
    """What an editor needs to offer one code action for a finding.

    For `replace_name` and `pin_lockfile`: replace columns [`start`, `end`) of `line` with
    `new_text` (end may equal start for an insertion). For `request_exception`: `zone` and `path`
    name what to except, and `package` the dependency.
    """

    kind: ActionKind
    title: str
    line: int
    start: int = 0
    end: int = 0
    new_text: str = ""
    zone: str = ""
    path: str = ""
    package: str = ""


@dataclass(frozen=True)
class DepFinding:
    """One diagnostic about one added or changed dependency (or an unreadable manifest)."""

    code: str
    severity: Severity
    message: str
    path: str
    line: int
    dependency: Dependency | None = None
    start: int = 0
    end: int = 0
    actions: tuple[ActionData, ...] = ()
    #: for typo findings: the popular name it is close to
    suggestion: str | None = None


VerificationStatus = Literal["exists", "missing", "unverified"]


@dataclass(frozen=True)
class Advisory:
    """A vulnerability the registry lists for a version: an id (GHSA/PYSEC/npm), a title, a link."""

    id: str
    summary: str = ""
    url: str = ""
    fixed_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verification:
    """What the registry said about a package. `reason` explains `unverified` (never a secret)."""

    status: VerificationStatus
    reason: str = ""
    advisories: tuple[Advisory, ...] = ()
    #: the version the advisories were checked for ("" when none could be checked)
    checked_version: str = ""
    from_cache: bool = False


@dataclass(frozen=True)
class Unverified:
    dependency: Dependency
    reason: str


@dataclass(frozen=True)
class DependencyReport:
    """The result of checking one manifest change."""

    path: str
    findings: tuple[DepFinding, ...] = ()
    problems: tuple[ManifestProblem, ...] = ()
    unverified: tuple[Unverified, ...] = ()
    changes: tuple[DependencyChange, ...] = ()
    #: registry lookups actually sent over the network in this run (cache hits excluded)
    lookups: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

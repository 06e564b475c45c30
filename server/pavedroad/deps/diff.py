"""What an edit adds to a manifest: dependencies that are new, or whose version or source changed.

Dependencies are keyed by (ecosystem, normalized name, section kind), so reordering, reformatting
or moving a package between two files' worth of lines is not a change; a package moved from
`devDependencies` to `dependencies` is (it now ships). When a manifest cannot be parsed in its old
form (or there is none), everything in the new text counts as added: never silently nothing.
"""

from __future__ import annotations

from pavedroad.deps.manifests import parse_manifest
from pavedroad.deps.model import Dependency, DependencyChange, ManifestProblem
from pavedroad.deps.names import normalize

Key = tuple[str, str, str]


def _key(dep: Dependency) -> Key:
    return dep.ecosystem, normalize(dep.ecosystem, dep.name), dep.section


def diff_dependencies(old: list[Dependency] | tuple[Dependency, ...],
                      new: list[Dependency] | tuple[Dependency, ...]) -> list[DependencyChange]:
    before: dict[Key, list[Dependency]] = {}
    for dep in old:
        before.setdefault(_key(dep), []).append(dep)
    changes: list[DependencyChange] = []
    for dep in new:
        olds = before.get(_key(dep))
        if not olds:
            changes.append(DependencyChange("added", dep))
            continue
        same = [o for o in olds if o.spec == dep.spec and o.source == dep.source
                and o.source_kind == dep.source_kind and o.name == dep.name]
        if same:
            olds.remove(same[0])
            continue
        previous = olds.pop(0)
        if previous.source_kind != dep.source_kind or previous.source != dep.source:
            changes.append(DependencyChange("source", dep, previous))
        elif previous.name != dep.name:  # same normalized name, different spelling
            changes.append(DependencyChange("added", dep, previous))
        else:
            changes.append(DependencyChange("version", dep, previous))
    return changes


def added_dependencies(path: str, old_text: str | None,
                       new_text: str) -> tuple[list[DependencyChange], list[ManifestProblem]]:
    """Changes `new_text` makes to manifest `path` relative to `old_text` (None: a new file), and
    the problems of the new text. Lines refer to `new_text`."""
    new = parse_manifest(path, new_text)
    old_deps: tuple[Dependency, ...] = ()
    if old_text is not None:
        old = parse_manifest(path, old_text)
        if not old.problems or old.dependencies:
            old_deps = old.dependencies
    return diff_dependencies(old_deps, new.dependencies), list(new.problems)

"""Which files are manifests, and one entry point to parse any of them.

`manifest_kind(path)` names the parser for a repository-relative path (by file name, as the
ecosystems' tools find them), `parse_manifest(path, text)` runs it. Parsing never raises: a broken
manifest comes back with `problems` and whatever could still be read.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from pavedroad.deps.manifests import cargo, golang, jvm, npm, python, ruby, terraform
from pavedroad.deps.manifests.common import Collector
from pavedroad.deps.model import ManifestProblem, ParsedManifest

Parser = Callable[[str, str], Collector]

_BY_NAME: dict[str, tuple[str, Parser]] = {
    "pyproject.toml": ("pyproject", python.parse_pyproject),
    "setup.cfg": ("setup.cfg", python.parse_setup_cfg),
    "setup.py": ("setup.py", python.parse_setup_py),
    "Pipfile": ("Pipfile", python.parse_pipfile),
    "Pipfile.lock": ("Pipfile.lock", python.parse_pipfile_lock),
    "poetry.lock": ("poetry.lock", lambda p, t: python.parse_toml_lock(p, t, "poetry.lock")),
    "uv.lock": ("uv.lock", lambda p, t: python.parse_toml_lock(p, t, "uv.lock")),
    "package.json": ("package.json", npm.parse_package_json),
    "package-lock.json": ("package-lock.json", npm.parse_package_lock),
    "npm-shrinkwrap.json": ("package-lock.json", npm.parse_package_lock),
    "yarn.lock": ("yarn.lock", npm.parse_yarn_lock),
    "pnpm-lock.yaml": ("pnpm-lock.yaml", npm.parse_pnpm_lock),
    "go.mod": ("go.mod", golang.parse_go_mod),
    "go.sum": ("go.sum", golang.parse_go_sum),
    "pom.xml": ("pom.xml", jvm.parse_pom),
    "build.gradle": ("gradle", jvm.parse_gradle),
    "build.gradle.kts": ("gradle", jvm.parse_gradle),
    "settings.gradle": ("gradle", jvm.parse_gradle),
    "settings.gradle.kts": ("gradle", jvm.parse_gradle),
    "Cargo.toml": ("Cargo.toml", cargo.parse_cargo_toml),
    "Cargo.lock": ("Cargo.lock", cargo.parse_cargo_lock),
    "Gemfile": ("Gemfile", ruby.parse_gemfile),
    "gems.rb": ("Gemfile", ruby.parse_gemfile),
    "Gemfile.lock": ("Gemfile.lock", ruby.parse_gemfile_lock),
    "gems.locked": ("Gemfile.lock", ruby.parse_gemfile_lock),
    ".terraform.lock.hcl": (".terraform.lock.hcl", terraform.parse_tf_lock),
}
_REQUIREMENTS = re.compile(r"^(.*requirements.*|constraints.*)\.(txt|in)$", re.IGNORECASE)


def manifest_kind(path: str) -> str | None:
    """The manifest kind of a repository-relative path, or None if it is not a manifest."""
    path = path.replace("\\", "/")
    base = posixpath.basename(path)
    if base in _BY_NAME:
        return _BY_NAME[base][0]
    if _REQUIREMENTS.match(base) or (base.endswith((".txt", ".in"))
                                     and "/requirements/" in f"/{path}"):
        return "requirements"
    if base.endswith(".gemspec"):
        return "gemspec"
    if base.endswith(".versions.toml"):
        return "libs.versions.toml"
    if base.endswith(".tf"):
        return "terraform"
    return None


def _parser(path: str) -> Parser | None:
    base = posixpath.basename(path.replace("\\", "/"))
    if base in _BY_NAME:
        return _BY_NAME[base][1]
    kind = manifest_kind(path)
    return {
        "requirements": python.parse_requirements,
        "gemspec": ruby.parse_gemspec,
        "libs.versions.toml": jvm.parse_version_catalog,
        "terraform": terraform.parse_tf,
    }.get(kind or "")


def parse_manifest(path: str, text: str) -> ParsedManifest:
    """The dependencies `text` declares, read as the manifest `path` names. Never raises."""
    parser = _parser(path)
    if parser is None:
        return ParsedManifest(path=path, kind="", problems=(
            ManifestProblem(path, 1, "not a dependency manifest this checker knows"),))
    try:
        return parser(path, text).result()
    except Exception as exc:  # a parser bug must not take the editor or CI down with it
        return ParsedManifest(path=path, kind=manifest_kind(path) or "", problems=(
            ManifestProblem(path, 1, f"could not be parsed ({type(exc).__name__})"),))


def is_lockfile(path: str) -> bool:
    return manifest_kind(path) in {"Pipfile.lock", "poetry.lock", "uv.lock", "package-lock.json",
                                   "yarn.lock", "pnpm-lock.yaml", "go.sum", "Cargo.lock",
                                   "Gemfile.lock", ".terraform.lock.hcl"}

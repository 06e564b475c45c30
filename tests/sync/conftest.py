"""Workspaces for the sync tests: real zone configs loaded by the real loader, in temp git repos."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from pavedroad.config import load_config
from pavedroad.config.model import EffectiveConfig

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "zones" / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCHEMAS = REPO / "tests" / "hooks" / "schemas"

#: A config with every kind of zone the generators treat differently.
ZONES_YAML = """\
version: 1
zones:
  - id: vault
    title: Key vault
    why: Key material.
    reviewers: ["@acme/security", "security@acme.example"]
    ai: deny
    context: deny
    match:
      paths: ["secrets/**", "config/keys/", "**/*.pem"]
  - id: auth
    title: Authentication
    reviewers: ["@acme/appsec"]
    ai: review
    context: warn
    match:
      paths: ["src/auth/**"]
      imports: ["jwt"]
  - id: crypto
    reviewers: ["@acme/crypto"]
    ai: deny
    context: allow
    scope: symbol
    match:
      calls: ["hashlib.sha256"]
  - id: billing
    reviewers: ["Billing Team"]
    ai: warn
    context: allow
    match:
      paths: ["app/billing/**", "app/[ab]dmin/*.py"]
sensitive:
  - "**/.env*"
  - "credentials.json"
"""


def git_init(path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(path)], check=True)


def load(root: Path, central: list[str] | None = None) -> EffectiveConfig:
    result = load_config(root, central=central or [])
    assert result.config is not None, [str(p) for p in result.problems]
    return result.config


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[str], tuple[Path, EffectiveConfig]]:
    """A fresh git repo with the given `.pavedroad.yaml`; returns (root, config)."""
    counter = iter(range(1000))

    def make(yaml_text: str = ZONES_YAML) -> tuple[Path, EffectiveConfig]:
        root = tmp_path / f"repo{next(counter)}"
        root.mkdir()
        git_init(root)
        (root / ".pavedroad.yaml").write_text(yaml_text, encoding="utf-8")
        return root.resolve(), load(root.resolve())

    return make


@pytest.fixture
def example_repo(tmp_path: Path) -> tuple[Path, EffectiveConfig, str]:
    """The bundled example workspace (presets + central map) as a git repo: (root, config, central)."""
    shutil.copytree(EXAMPLES, tmp_path / "examples", symlinks=True)
    root = (tmp_path / "examples" / "workspace").resolve()
    git_init(root)
    central = str(tmp_path / "examples" / "central" / "security-zones.yaml")
    return root, load(root, [central]), central

"""Helpers for the zone-config tests."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from pavedroad.config import LoadResult, load_config
from pavedroad.config import presets as presets_module

REPO = Path(__file__).resolve().parents[2]



@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write("a/b.yaml", text) -> the absolute path, parents created, text dedented."""

    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def repo(tmp_path: Path, write: Callable[..., Path]) -> Callable[..., LoadResult]:
    """repo(text, central_text=None, **kw): write .pavedroad.yaml (and central.yaml) and load."""

    def _load(text: str, central_text: str | None = None, **kwargs: object) -> LoadResult:
        """`central_text` is a central map given on the machine (as `--central` does); the repo
        text may also name it in `extends` (the file is applied once, with central trust)."""
        write(".pavedroad.yaml", text)
        if central_text is not None:
            central = write("central.yaml", central_text)
            kwargs.setdefault("central", [str(central)])
        kwargs.setdefault("cache_dir", tmp_path / "cache")
        return load_config(tmp_path, **kwargs)  # type: ignore[arg-type]

    return _load


@pytest.fixture
def fake_presets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Replace the preset directories with a temp dir holding small presets `alpha` and `beta`."""
    directory = tmp_path / "_presets"
    directory.mkdir()
    (directory / "alpha.yaml").write_text(
        "version: 1\nzones:\n  - id: alpha\n    ai: warn\n    match: {paths: ['alpha/**']}\n"
    )
    (directory / "beta.yaml").write_text(
        "version: 1\nextends: [preset:alpha]\nzones:\n  - id: beta\n    ai: review\n"
        "    match: {imports: [beta]}\n"
    )
    monkeypatch.setattr(presets_module, "preset_dirs", lambda: [directory])
    return directory

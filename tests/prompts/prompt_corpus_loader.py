"""Load tests/prompts/corpus/*.py by path under unique module names (shared by tests and bench)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"


def load(name: str) -> ModuleType:
    qualified = f"pavedroad_prompt_corpus_{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, CORPUS_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module

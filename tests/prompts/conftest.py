"""Fixtures for the prompt-hygiene tests: the generated corpus and its scoring helpers."""

from __future__ import annotations

import random
from types import ModuleType

import pytest
from prompt_corpus_loader import load


@pytest.fixture(scope="session")
def gen() -> ModuleType:
    return load("generate")


@pytest.fixture(scope="session")
def scoring() -> ModuleType:
    return load("scoring")


@pytest.fixture
def rng() -> random.Random:
    return random.Random(1234)

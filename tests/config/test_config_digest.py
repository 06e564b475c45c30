"""The policy digest covers every key that changes a verdict, and keys added later do not change
the digest of configs that do not use them (sign-offs quote the digest)."""

from __future__ import annotations

from collections.abc import Callable

from pavedroad.config import LoadResult
from pavedroad.config.digest import policy_digest

BASE = """
version: 1
zones:
  - id: auth
    ai: review
    match: {paths: ["auth/**"]}
"""


def test_propagate_and_exclusive_change_the_digest(repo: Callable[..., LoadResult]) -> None:
    plain = policy_digest(repo(BASE).config)
    propagating = policy_digest(repo(BASE.replace("ai: review", "ai: review\n    propagate: true")).config)
    exclusive = policy_digest(repo(BASE.replace("ai: review", "ai: review\n    exclusive: true")).config)
    assert len({plain, propagating, exclusive}) == 3


def test_unset_new_keys_keep_the_old_digest(repo: Callable[..., LoadResult]) -> None:
    explicit_off = BASE.replace("ai: review", "ai: review\n    propagate: false\n    exclusive: false")
    assert policy_digest(repo(explicit_off).config) == policy_digest(repo(BASE).config)

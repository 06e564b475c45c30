"""The policy digest: a sha256 over a canonical JSON form of the effective policy.

Only what decides verdicts goes in (zones, sensitive files, prompt rules, provenance thresholds and
the exception policy); where values were written (origins, positions, layer labels) and the root do
not, so the digest is stable across key order, whitespace, comments and checkouts. Zones are sorted
by id because their order in a file has no meaning.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pavedroad.config.model import (
    AiToolsPolicy,
    DependencyPolicy,
    EffectiveConfig,
    MatchRules,
    Zone,
)


def _zone(zone: Zone) -> dict[str, Any]:
    m = zone.match
    return {
        "id": zone.id,
        "title": zone.title,
        "why": zone.why,
        "reviewers": list(zone.reviewers),
        "ai": str(zone.ai),
        "context": str(zone.context),
        "scope": zone.scope,
        "locked": zone.locked,
        "match": {"paths": list(m.paths), **_rules(m)},
        # Keys added after version 1: hashed only when set, so existing digests do not change.
        **({"propagate": True} if zone.propagate else {}),
        **({"exclusive": True} if zone.exclusive else {}),
        **({"quiet": _rules(zone.quiet)} if not zone.quiet.is_empty() else {}),
    }


def _rules(m: MatchRules) -> dict[str, Any]:
    """The content rules of `m` (its `paths` are the caller's)."""
    return {
        "imports": list(m.imports),
        "calls": list(m.calls),
        "decorators": list(m.decorators),
        "symbols": list(m.symbols),
        "queries": [list(q) for q in m.queries],
    }


def canonical_policy(config: EffectiveConfig) -> dict[str, Any]:
    """The JSON-able form hashed by `policy_digest`."""
    policy: dict[str, Any] = {
        "version": 1,
        "zones": [_zone(z) for z in sorted(config.zones, key=lambda z: z.id)],
        "sensitive": list(config.sensitive),
        "prompts": {
            "internal_domains": list(config.internal_domains),
            "files": list(config.prompt_files),
        },
        "provenance": {
            "min_lines": config.provenance.min_lines,
            "min_chars": config.provenance.min_chars,
        },
        "exceptions": {
            "max_days": config.exceptions.max_days,
            "default_days": config.exceptions.default_days,
            "approvers": list(config.exceptions.approvers),
        },
    }
    # Sections added after version 1 shipped are hashed only when set, so the digest of a config
    # that does not use them (and the sign-offs that quote it) stays what it was.
    deps = config.dependencies
    if deps != DependencyPolicy():
        policy["dependencies"] = {"allow": list(deps.allow), "deny": list(deps.deny),
                                  "private": list(deps.private)}
    if config.ai_tools != AiToolsPolicy():
        policy["ai_tools"] = {"approved": list(config.ai_tools.approved),
                              "unapproved": str(config.ai_tools.unapproved)}
    return policy


def policy_digest(config: EffectiveConfig) -> str:
    """Hex sha256 of the canonical policy."""
    text = json.dumps(canonical_policy(config), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

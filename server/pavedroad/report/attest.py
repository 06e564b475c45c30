"""`pavedroad attest`: an in-toto Statement (v1) about AI-written code in restricted zones.

The statement's subject is the repository's HEAD commit (digest ``gitCommit``); the predicate
(`PREDICATE_TYPE`) records the policy digest in force, every AI-written region in a non-`allow`
zone (since a revision, as ``check --since``) with its sign-off or exception, and how many
regions still need a review. It is plain JSON: a release pipeline signs it with the signer it
already has (cosign ``attest-blob``, in-toto ``attest``, a DSSE envelope), pavedroad signs
nothing itself.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from typing import Any

from pavedroad import __version__
from pavedroad.config.model import EffectiveConfig
from pavedroad.report.collect import collect
from pavedroad.report.model import (
    DENIED,
    EXCEPTED,
    OPEN_STATUSES,
    REVIEWED,
    UNREVIEWED,
    WARNED,
    AiLines,
)

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://pavedroad.dev/ai-code-review/v1"


class AttestError(Exception):
    """Nothing to attest (no commit): the CLI exits 2."""


def _region(rows: list[AiLines]) -> dict[str, Any]:
    r = rows[0]
    out: dict[str, Any] = {
        "path": r.path,
        "zone": r.zone,
        "zoneLevel": r.zone_level,
        "level": r.level,
        "startLine": r.start_line,
        "endLine": r.end_line,
        "aiLines": sum(x.lines for x in rows),
        "status": r.status,
        "regionHash": {"sha256": r.region_hash},
        "tools": sorted({x.tool or "unknown" for x in rows}),
        "commits": sorted({x.commit for x in rows if x.commit}),
        "signoff": {"reviewer": r.reviewer, "date": r.signed} if r.status == REVIEWED else None,
        "exception": {"level": r.level, "expires": r.exception_expires} if r.status == EXCEPTED else None,
    }
    if r.symbol:
        out["symbol"] = r.symbol
    return out


def attest(
    root: str | os.PathLike[str],
    since: str | None,
    config: EffectiveConfig,
    *,
    now: dt.datetime | None = None,
    repo_id: str | None = None,
    **collect_kw: Any,
) -> dict[str, Any]:
    """The in-toto Statement for the repository at `root` (see the module docstring).
    Raises `AttestError` when the repository has no commit, `CollectError` for a bad `since`."""
    when = now or dt.datetime.now(dt.timezone.utc)
    facts = collect(root, config, since=since, now=when, repo_id=repo_id, with_log=False, **collect_kw)
    if facts.commit is None:
        raise AttestError("the repository has no commit to attest" + (f" ({'; '.join(facts.notes)})" if facts.notes else ""))
    clusters: dict[tuple[str, str, int, int], list[AiLines]] = defaultdict(list)
    for row in facts.lines:
        clusters[row.cluster].append(row)
    regions = [_region(rows) for _, rows in sorted(clusters.items())]
    count = {s: sum(1 for r in regions if r["status"] == s) for s in (REVIEWED, UNREVIEWED, EXCEPTED, DENIED, WARNED)}
    predicate: dict[str, Any] = {
        "generator": {"name": "pavedroad", "version": __version__},
        "generatedAt": when.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "repository": facts.repo_id,
        "since": since,
        "policy": {
            "digest": {"sha256": config.digest},
            "layers": list(config.layers),
            "centralLayers": list(config.central_layers),
            "approvedTools": list(config.ai_tools.approved),
        },
        "zones": [{"id": z.id, "ai": str(z.ai), "locked": z.locked} for z in config.zones if str(z.ai) != "allow"],
        "regions": regions,
        "summary": {
            "regions": len(regions),
            "aiLines": sum(r["aiLines"] for r in regions),
            "unreviewed": sum(1 for r in regions if r["status"] in OPEN_STATUSES),
            "unreviewedLines": sum(r["aiLines"] for r in regions if r["status"] in OPEN_STATUSES),
            "byStatus": count,
        },
        "notes": list(facts.notes),
    }
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": f"git+{facts.repo_id}", "digest": {"gitCommit": facts.commit}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    }

"""`scan_text`: run the prefilter once, hand each detector its hits, then resolve overlaps."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .assignments import CONNECTION_STRING, GENERIC, AssignmentDetector
from .credentials import (
    AUTH_HEADER,
    CLI_PASSWORD,
    URL_CREDENTIALS,
    AuthHeaderDetector,
    CliPasswordDetector,
    PrivateKeyDetector,
    RegistryAuthDetector,
    UrlCredentialDetector,
)
from .detector import Detector
from .internal import internal_detectors
from .model import PromptFinding, severity_rank
from .pii import EmailDetector, IbanDetector, NumberDetector, PhoneDetector
from .prefilter import Anchor, AnchorSet, ascii_lower, find_hits
from .tokens import TokenDetector

_STATIC: tuple[Detector, ...] = (
    TokenDetector(),
    PrivateKeyDetector(),
    UrlCredentialDetector(),
    AuthHeaderDetector(),
    CliPasswordDetector(),
    RegistryAuthDetector(),
    AssignmentDetector(),
    EmailDetector(),
    PhoneDetector(),
    NumberDetector(),
    IbanDetector(),
)

#: Rules that say "some credential" rather than "this provider's token": on the same span a
#: provider rule wins, because its message and rotation advice are more useful.
_GENERIC_RULES = frozenset(
    {
        GENERIC.rule,
        CONNECTION_STRING.rule,
        AUTH_HEADER.rule,
        URL_CREDENTIALS.rule,
        CLI_PASSWORD.rule,
    }
)


class _Plan:
    """Detectors for one `internal_domains` setting and the anchor -> detectors index."""

    def __init__(self, detectors: tuple[Detector, ...]) -> None:
        self.detectors = detectors
        self.by_anchor: dict[Anchor, list[int]] = {}
        for i, det in enumerate(detectors):
            for anchor in det.anchors:
                self.by_anchor.setdefault(anchor, []).append(i)
        self.anchors = tuple(self.by_anchor)
        gates = tuple(dict.fromkeys(d.gate for d in detectors if d.gate is not None))
        self.anchor_set = AnchorSet(self.anchors, gates)


@lru_cache(maxsize=64)
def _plan(domains: tuple[str, ...]) -> _Plan:
    return _Plan(_STATIC + internal_detectors(domains))


_SURROGATES = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """Lone surrogates (from JSON `\\udcff` or `surrogateescape`) become U+FFFD, offsets kept:
    RE2 and every encoder refuse them."""
    if text.isascii() or _SURROGATES.search(text) is None:
        return text
    return _SURROGATES.sub("\ufffd", text)


def scan_text(text: str, *, internal_domains: Sequence[str] = ()) -> list[PromptFinding]:
    """Secrets, customer data and internal hosts in `text`, sorted by offset, overlaps resolved."""
    if not text:
        return []
    text = without_surrogates(text)
    plan = _plan(tuple(internal_domains))
    lowered = ascii_lower(text)
    per_detector: list[list[tuple[int, Anchor]]] = [[] for _ in plan.detectors]
    present, gates = plan.anchor_set.present(text)
    for anchor, positions in find_hits(text, lowered, present).items():
        for i in plan.by_anchor[anchor]:
            per_detector[i].extend((p, anchor) for p in positions)
    found: list[PromptFinding] = []
    for det, hits in zip(plan.detectors, per_detector, strict=True):
        if hits or (det.always and (det.gate is None or det.gate in gates)):
            hits.sort()
            found.extend(det.detect(text, lowered, hits))
    return resolve_overlaps(found)


def _drop_generic_wrappers(unique: dict[tuple[str, int, int], PromptFinding]) -> None:
    """`"key": "sv=...&sig=<token>"`: the provider finding inside a generic one is the precise
    one (better message, narrower redaction), so the generic wrapper goes."""
    specific = sorted(
        (f.start, f.end, severity_rank(f.severity))
        for f in unique.values()
        if f.rule not in _GENERIC_RULES and f.start < f.end
    )
    if not specific:
        return
    starts = [s for s, _, _ in specific]
    for key, f in list(unique.items()):
        if f.rule not in _GENERIC_RULES:
            continue
        i = bisect.bisect_left(starts, f.start)
        rank = severity_rank(f.severity)
        while i < len(specific) and specific[i][0] < f.end:
            _, end, other = specific[i]
            if end <= f.end and other >= rank and (f.start, f.end) != specific[i][:2]:
                del unique[key]
                break
            i += 1


def resolve_overlaps(findings: Iterable[PromptFinding]) -> list[PromptFinding]:
    """Drop exact duplicates and findings nested inside an equally or more severe one.

    A provider token inside `password = "..."` is reported once, as the provider's token; an
    internal host inside an e-mail address once, as the address. A secret inside a merely
    internal URL stays, because it is more severe.
    """
    unique: dict[tuple[str, int, int], PromptFinding] = {}
    for f in findings:
        unique.setdefault((f.rule, f.start, f.end), f)
    _drop_generic_wrappers(unique)
    keyed = [
        (
            f.start,
            -f.end,
            -severity_rank(f.severity),
            (f.rule not in _GENERIC_RULES and -1) or 0,
            f.rule,
            f,
        )
        for f in unique.values()
    ]
    keyed.sort(key=lambda k: k[:5])
    kept: list[PromptFinding] = []
    active: list[PromptFinding] = []  # kept findings that may still contain later ones
    for start, neg_end, neg_rank, _spec, _rule, f in keyed:
        if start == -neg_end:  # attached file references carry no span: never nested
            kept.append(f)
            continue
        if active:
            active = [g for g in active if g.end > start]
            if any(
                g.start <= start and -neg_end <= g.end and severity_rank(g.severity) >= -neg_rank
                for g in active
            ):
                continue
        kept.append(f)
        active.append(f)
    kept.sort(key=lambda f: (f.start, f.end, f.rule))
    return kept

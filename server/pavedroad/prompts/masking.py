"""Masked display forms and redaction. The only places a matched value is turned into output."""

from __future__ import annotations

from collections.abc import Iterable

from .model import KIND_SENSITIVE_FILE, PromptFinding, severity_rank

#: Keep at most this many characters at each end of a masked value.
MAX_KEEP = 4
#: Long values are shown with a bounded run of stars so a masked PEM key stays one short line.
MAX_STARS = 24


def mask(value: str) -> str:
    """`AKIAABCDEFGHIJKLMNOP` -> `AKI**************NOP`.

    At most 4 leading and 4 trailing characters survive, and never more than a third of the
    value in total, so a short secret is masked completely.
    """
    keep = min(MAX_KEEP, len(value) // 6)
    hidden = len(value) - 2 * keep
    stars = "*" * min(hidden, MAX_STARS)
    if keep == 0:
        return stars or "*"
    return value[:keep] + stars + value[-keep:]


def placeholder(finding: PromptFinding) -> str:
    """What replaces a finding in redacted text. Paths are not secret, so files keep theirs."""
    if finding.kind == KIND_SENSITIVE_FILE:
        return f"[sensitive file: {finding.masked}]"
    return f"[REDACTED:{finding.rule}]"


def redact(text: str, findings: Iterable[PromptFinding]) -> str:
    """Replace every finding's span with its placeholder.

    Overlapping spans (a secret inside an internal URL, say) merge into one replacement labelled
    with the most severe, then widest, finding, so no fragment of either value survives.
    """
    spans = sorted((f for f in findings if f.end > f.start), key=lambda f: (f.start, -f.end))
    out: list[str] = []
    pos = 0
    i = 0
    while i < len(spans):
        group = [spans[i]]
        end = spans[i].end
        i += 1
        while i < len(spans) and spans[i].start < end:
            group.append(spans[i])
            end = max(end, spans[i].end)
            i += 1
        start = group[0].start
        label = max(group, key=lambda f: (severity_rank(f.severity), f.end - f.start))
        out.append(text[pos:start])
        out.append(placeholder(label))
        pos = end
    out.append(text[pos:])
    return "".join(out)

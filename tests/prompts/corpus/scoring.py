"""Precision / recall over the labelled corpus, shared by the tests and the benchmark.

Two views:

* span level, per kind (ours only): a finding is a true positive when it overlaps a label of the
  same kind; each label counts once.
* line level, secrets only (ours vs detect-secrets, which reports line numbers): a reported line
  is correct when it lies inside a labelled secret's lines; a label is found when any reported
  line lies inside it. A tool reports each secret once, on the line where it starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass
class Score:
    tp: int = 0  # findings / reported lines that are correct
    fp: int = 0
    found: int = 0  # labels found
    labels: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.labels if self.labels else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name:18s} precision {self.precision:6.3f}  recall {self.recall:6.3f}  "
            f"F1 {self.f1:6.3f}  (labels {self.labels}, found {self.found}, "
            f"TP {self.tp}, FP {self.fp})"
        )


def span_scores(items: Iterable[object], findings_of: object) -> dict[str, Score]:
    """Per-kind span-level scores. `findings_of(item)` returns (kind, rule, start, end) tuples."""
    scores: dict[str, Score] = {}
    for item in items:
        labels = list(item.labels)  # type: ignore[attr-defined]
        found = list(findings_of(item))  # type: ignore[operator]
        for kind in {lab.kind for lab in labels} | {f[0] for f in found}:
            if kind == "sensitive_file":
                continue
            sc = scores.setdefault(kind, Score())
            kl = [lab for lab in labels if lab.kind == kind]
            kf = [f for f in found if f[0] == kind]
            sc.labels += len(kl)
            hit = [False] * len(kl)
            for f in kf:
                overlaps = [i for i, lab in enumerate(kl) if f[2] < lab.end and lab.start < f[3]]
                if overlaps:
                    sc.tp += 1
                    for i in overlaps:
                        hit[i] = True
                else:
                    sc.fp += 1
                    sc.false_alarms.append(f"{item.id}: {f[1]} at {f[2]}-{f[3]}")  # type: ignore[attr-defined]
            sc.found += sum(hit)
            sc.misses += [f"{item.id}: {kl[i].rule}" for i, h in enumerate(hit) if not h]  # type: ignore[attr-defined]
    return scores


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def line_score(items: Sequence[object], reported: Sequence[set[int]], name: str = "") -> Score:
    """Secrets, line level. `reported[i]` is the set of 1-based lines a tool flagged in item i."""
    sc = Score()
    for item, lines in zip(items, reported, strict=True):
        text = item.text  # type: ignore[attr-defined]
        ranges = [
            (line_of(text, lab.start), line_of(text, max(lab.start, lab.end - 1)))
            for lab in item.labels  # type: ignore[attr-defined]
            if lab.kind == "secret"
        ]
        sc.labels += len(ranges)
        for line in lines:
            if any(a <= line <= b for a, b in ranges):
                sc.tp += 1
            else:
                sc.fp += 1
                sc.false_alarms.append(f"{item.id}:{line}")  # type: ignore[attr-defined]
        for a, b in ranges:
            if any(a <= line <= b for line in lines):
                sc.found += 1
            else:
                sc.misses.append(f"{item.id}:{a}")  # type: ignore[attr-defined]
    return sc

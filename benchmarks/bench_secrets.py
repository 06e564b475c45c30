"""Secret coverage on gitleaks' published rule examples: recall on its true positives, share of its
false-positive examples flagged, and detect-secrets on the same strings for comparison.

gitleaks (MIT) declares per rule the strings it must and must not find (`cmd/generate/config/rules`).
`gitleaks_examples.py` evaluates those Go declarations (generated values included, seeded, see its
docstring); this script reads them from a git mirror of gitleaks at the commit pinned below, so
nothing of gitleaks is vendored.

1. Demo examples are set aside before scoring, by a fixed test that does not use our engine: the
   example contains `example`, `xxxx`, `dummy`, `fake`, `sample`, `placeholder`, `redacted`,
   `changeme`, `your_`/`your-`/`<your`, a counting run (`123456`, `abcdef`), or a run of 8+
   identical characters. Empty examples (gitleaks' path-only rules, e.g. `.p12` files) are
   not text to scan and are left out too. gitleaks keeps such
   values to test its regexes; pavedroad refuses them on purpose (docs/prompts.md, placeholders).
2. A true positive counts as found when `scan_text` reports at least one `secret.*` finding in it.
   A false-positive example counts as flagged the same way; every flagged one is judged by hand
   in `benchmarks/corpora/gitleaks_fp_labels.json` (by rule function and sha256 of the string:
   "fp" = our false alarm, "tp" = a real credential of a neighbouring format, with a note).
3. Targets: recall >= 95% on non-demo true positives; flagged false positives <= 10% (counting
   only those judged "fp" or not yet judged).

Usage: python benchmarks/bench_secrets.py [--mirror DIR] [--misses N] [--detect-secrets] [--show-fps]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gitleaks_examples import RuleExamples, extract, read_sources
from pavedroad.prompts import scan_text

REPO = Path(__file__).resolve().parents[1]
GITLEAKS = "gitleaks/gitleaks"
GITLEAKS_COMMIT = "b58d3f102cf3a2c84cb7f923d05c25c9b1aed84b"  # 2026-07-22, v8 main
LABELS = REPO / "benchmarks" / "corpora" / "gitleaks_fp_labels.json"
_DEMO = re.compile(
    r"(?i:example|xxxx|dummy|fake|sample|placeholder|redacted|changeme|your[_-]|<your"
    r"|123456|abcdef)|(.)\1{7}"
)


def is_demo(example: str) -> bool:
    return _DEMO.search(example) is not None


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def ours(text: str) -> bool:
    return any(f.kind == "secret" for f in scan_text(text))


def masked_rules(text: str) -> str:
    return ", ".join(f"{f.rule} {f.masked}" for f in scan_text(text) if f.kind == "secret")


class DetectSecrets:
    def __init__(self) -> None:
        from detect_secrets.core.scan import scan_line
        from detect_secrets.settings import default_settings

        self.scan_line = scan_line
        self.settings = default_settings

    def found(self, text: str) -> bool:
        with self.settings():
            return any(True for line in text.splitlines() for _ in self.scan_line(line))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirror", type=Path, default=Path("/work/.mirror/gitleaks+gitleaks/repo"))
    ap.add_argument("--misses", type=int, default=0, help="print up to N missed examples per rule")
    ap.add_argument("--detect-secrets", action="store_true", help="also score detect-secrets")
    ap.add_argument("--show-fps", action="store_true", help="print every flagged fp for judging")
    args = ap.parse_args()

    if not args.mirror.is_dir():
        print(f"no gitleaks mirror at {args.mirror}: fetch {GITLEAKS} first", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    rules: list[RuleExamples] = extract(read_sources(args.mirror, GITLEAKS_COMMIT))
    labels = {(x["function"], x["sha256"]): x for x in json.loads(LABELS.read_text())["labels"]}
    tps = [(r.function, t) for r in rules for t in r.tps if t.strip()]
    fps = [(r.function, f) for r in rules for f in r.fps]
    skipped = [(r.file, r.function, s) for r in rules for s in r.skipped]
    real = [(fn, t) for fn, t in tps if not is_demo(t)]
    demo = len(tps) - len(real)
    print(f"gitleaks {GITLEAKS_COMMIT[:12]}: {len(rules)} rule functions, {len(tps)} true-positive "
          f"examples ({demo} demo, set aside), {len(fps)} false-positive examples "
          f"(extracted in {time.perf_counter() - t0:.1f} s)")  # fmt: skip
    for file, function, why in skipped:
        print(f"  not evaluated: {file} {function}: {why}")

    missed: Counter[str] = Counter()
    per_rule: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for fn, text in real:
        per_rule[fn] += 1
        if not ours(text):
            missed[fn] += 1
            examples.setdefault(fn, []).append(text)
    found = len(real) - sum(missed.values())
    recall = found / max(len(real), 1)
    print(f"\npavedroad recall on non-demo true positives: {recall:.1%} ({found}/{len(real)})")
    demo_found = sum(1 for _, t in tps if is_demo(t) and ours(t))
    print(f"  (demo examples found anyway: {demo_found}/{demo})")
    for fn, n in missed.most_common():
        print(f"  missed {n}/{per_rule[fn]} of {fn}")
        for text in examples[fn][: args.misses]:
            print("     ", repr(text[:160]))

    flagged = [(fn, f) for fn, f in fps if ours(f)]
    judged = Counter(labels.get((fn, digest(f)), {}).get("label", "unjudged") for fn, f in flagged)
    counted = judged["fp"] + judged["unjudged"]
    share = counted / max(len(fps), 1)
    print(f"\nfalse-positive examples flagged: {len(flagged)}/{len(fps)} "
          f"({len(flagged) / max(len(fps), 1):.1%}); judged real credentials of a neighbouring "
          f"format: {judged['tp']}; false alarms: {judged['fp']}; unjudged: {judged['unjudged']}")  # fmt: skip
    print(
        f"false alarms on gitleaks' negatives (fp + unjudged): {share:.1%} ({counted}/{len(fps)})"
    )
    for fn, f in flagged:
        label = labels.get((fn, digest(f)))
        if args.show_fps or label is None:
            print(f"  {label['label'] if label else '??'} {fn} {digest(f)}: {masked_rules(f)}")

    if args.detect_secrets:
        ds = DetectSecrets()
        ds_found = sum(1 for _, t in real if ds.found(t))
        ds_fp = sum(1 for _, f in fps if ds.found(f))
        print(f"\ndetect-secrets: recall {ds_found / max(len(real), 1):.1%} ({ds_found}/{len(real)}), "
              f"false-positive examples flagged {ds_fp / max(len(fps), 1):.1%} ({ds_fp}/{len(fps)})")  # fmt: skip

    ok_recall, ok_fp = recall >= 0.95, share <= 0.10
    print(f"\n[{'PASS' if ok_recall else 'FAIL'}] recall >= 95% on non-demo true positives")
    print(
        f"[{'PASS' if ok_fp else 'FAIL'}] <= 10% of false-positive examples flagged as false alarms"
    )
    return 0 if ok_recall and ok_fp else 1


if __name__ == "__main__":
    raise SystemExit(main())

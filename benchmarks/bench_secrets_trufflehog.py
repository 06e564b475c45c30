"""Secret coverage on trufflehog's detector pattern tests: a second public benchmark, measured
first after the rules were grown on gitleaks' examples (`bench_secrets.py`).

1. Cases come from `trufflehog_examples.read_cases` (read from a git mirror at the pinned commit;
   nothing of trufflehog is vendored).
2. A positive whose wanted secret is a demo value by `bench_secrets.is_demo` (the same fixed test
   as for gitleaks) is set aside; the test is applied to the secret, not the whole input, because
   the inputs are log, YAML or XML text around it (`example.com` URLs, indentation).
3. A positive counts as found when `scan_text` reports at least one `secret.*` finding in its
   input; a negative counts as flagged the same way. Every flagged negative is judged by hand in
   `benchmarks/corpora/trufflehog_fp_labels.json` (by the first 16 hex digits of the input's
   sha256): "tp" = a real credential all the same (the detector's own valid value with its keyword
   out of range, or a neighbouring format), "fp" = our false alarm. Unjudged ones count as false
   alarms until judged.

trufflehog writes its tests from a few templates; two synthetic ones (a Jenkins credentials XML
with `<secret>{svc AQAAABAAA value}</secret>`, and `svc token - 'value'`) are reported apart, since
they weigh 190 positives and say little about real text.

Usage: python benchmarks/bench_secrets_trufflehog.py [--mirror DIR] [--misses N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_secrets import is_demo
from pavedroad.prompts import scan_text
from trufflehog_examples import TRUFFLEHOG_COMMIT, Case, read_cases

LABELS = Path(__file__).resolve().parent / "corpora" / "trufflehog_fp_labels.json"
_TEMPLATES = (("jenkins-xml", re.compile(r"<secret>\{[^ }]{1,60} AQAAABAAA ")),
              ("dash-separator", re.compile(r"\w \w{1,20} - '")))


def _flagged(case: Case) -> bool:
    return any(f.kind == "secret" for f in scan_text(case.text))


def _template(case: Case) -> str:
    return next((name for name, rx in _TEMPLATES if rx.search(case.text)), "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", type=Path,
                        default=Path("/work/.mirror/trufflesecurity+trufflehog/repo"))
    parser.add_argument("--misses", type=int, default=0, help="list N missed detectors")
    options = parser.parse_args()
    if not options.mirror.is_dir():
        parser.error(f"no git mirror of trufflehog at {options.mirror} (fetch it first)")
    cases, skipped = read_cases(options.mirror)
    labels = {x["key"]: x for x in json.loads(LABELS.read_text())["labels"]}

    positives = [c for c in cases if c.positive]
    scored = [c for c in positives if not any(is_demo(w) for w in c.wants)]
    found = [c for c in scored if _flagged(c)]
    plain = [c for c in scored if not _template(c)]
    plain_found = [c for c in found if not _template(c)]
    negatives = [c for c in cases if not c.positive]
    flagged = [c for c in negatives if _flagged(c)]
    judged = Counter(labels.get(c.key, {}).get("label", "unjudged") for c in flagged)
    false_alarms = judged["fp"] + judged["unjudged"]

    print(f"trufflehog {TRUFFLEHOG_COMMIT[:12]}: {len(cases)} cases of "
          f"{len({c.detector for c in cases})} detectors ({skipped} not evaluable, skipped); "
          f"{len(positives) - len(scored)} demo positives set aside")
    print(f"recall on positives: {len(found) / len(scored):.1%} ({len(found)}/{len(scored)}); "
          f"without the two synthetic templates: {len(plain_found) / len(plain):.1%} "
          f"({len(plain_found)}/{len(plain)})")
    for kind in ("context", "invalid"):
        subset = [c for c in negatives if c.negative_kind == kind]
        hit = [c for c in flagged if c.negative_kind == kind]
        print(f"  {kind} negatives flagged: {len(hit)}/{len(subset)}")
    print(f"negatives flagged: {len(flagged) / len(negatives):.1%} ({len(flagged)}/{len(negatives)}); "
          f"judged real credentials: {judged['tp']}, false alarms: {judged['fp']}, "
          f"unjudged: {judged['unjudged']}")
    print(f"false alarms on negatives (fp + unjudged): {false_alarms / len(negatives):.1%} "
          f"({false_alarms}/{len(negatives)})")
    for c in flagged:
        if c.key not in labels:
            print(f"  unjudged: {c.detector} / {c.name!r} key {c.key}")
    if options.misses:
        missed = Counter(c.detector for c in scored if c not in found)
        for detector, n in missed.most_common(options.misses):
            print(f"  missed {n} of {detector}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

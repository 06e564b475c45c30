"""trufflehog's detector pattern tests as labelled secret examples (a second public benchmark).

trufflehog (AGPL-3.0) declares, per detector, a table of `{name, input, want}` cases in
`pkg/detectors/**/<name>_test.go` for the test that calls `FromData(ctx, false, ...)` (no live
verification). A case with a non-empty `want` is a positive (the detector must find a secret in
`input`); `want: nil` or an empty list is a negative. Negatives are of two kinds:

* "context": the input holds one of the file's own `valid*` values (or the case says its keyword
  is out of range): a real-looking credential this detector refuses only for lack of its keyword;
* "invalid": everything else (a wrong length or alphabet for that detector; often a credential of
  a neighbouring format all the same).

Nothing of trufflehog is vendored: the test files are read from a git mirror at the pinned commit
when the benchmark runs, and Go expressions (`fmt.Sprintf`, string concatenation, generated
values) are evaluated with `gitleaks_examples.Evaluator`. Cases that cannot be evaluated are
counted and skipped. The rules were not tuned on these tables before their first measurement
(2026-12-01: 67.0% recall; see docs/prompts.md).
"""

from __future__ import annotations

import hashlib
import random
import re
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitleaks_examples import Evaluator, Unsupported, _body, package_level, tokenize

#: The commit measured (2026-08-21); `--mirror` points at a git mirror that has it.
TRUFFLEHOG_COMMIT = "3ab759fef4bb5935d4fe9ac68b503d05346b8364"


@dataclass(frozen=True)
class Case:
    detector: str
    name: str
    positive: bool
    #: "context" or "invalid" for a negative, "" for a positive
    negative_kind: str
    text: str
    #: the secrets the detector must report (positives)
    wants: tuple[str, ...]

    @property
    def key(self) -> str:
        """A stable id that holds no secret: the first 16 hex digits of the input's sha256."""
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _git(mirror: Path, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={mirror}", *args], check=True, capture_output=True,
                          text=True).stdout


def top_level_vars(source: str, rng: random.Random) -> dict[str, Any]:
    """Package-level const/var values (function bodies and imports removed)."""
    top = re.sub(r"^import [^\n]*", "", package_level(source), flags=re.M)
    top = re.sub(r"^const\b", "var", top, flags=re.M)
    # typed declarations `name string = ...` -> `name = ...`
    top = re.sub(r"^(\s*)([A-Za-z_]\w*)\s+string\s*=", r"\1\2 =", top, flags=re.M)
    ev = Evaluator(tokenize(top), {}, rng)
    ev.run()
    return ev.vars


class CaseParser(Evaluator):
    """Parses `[]struct{...}{ {field: expr, ...}, ... }` element by element."""

    def struct_elements(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        self.braced(lambda: out.append(self.fields()), "table")
        return out

    def fields(self) -> dict[str, Any]:
        rec: dict[str, Any] = {}
        errors: dict[str, str] = {}

        def field() -> None:
            name = self.take().text
            self.take(":")
            self.skip_nl()
            start = self.i
            nxt = self.peek()
            if nxt is not None and nxt.text == "nil":
                self.take()
                rec[name] = None
                return
            try:
                rec[name] = self.expr()
            except (Unsupported, IndexError, ValueError, KeyError, TypeError) as exc:
                errors[name] = str(exc)
                self.i = start
                self.skip_element()

        self.braced(field, "element")
        rec["_errors"] = errors
        return rec


_TABLE = re.compile(r"\[\]struct\s*\{")


def cases_of(file: str, source: str) -> tuple[list[dict[str, Any]], list[str]]:
    rng = random.Random(zlib.crc32(file.encode()))
    try:
        consts = top_level_vars(source, rng)
    except Exception:
        consts = {}
    out: list[dict[str, Any]] = []
    problems: list[str] = []
    for fm in re.finditer(r"^func (Test\w*)\(t \*testing\.T\) \{", source, re.M):
        fname = fm.group(1)
        body = _body(source, fm.start())
        if "FromData(context.Background(), false" not in body and "FromData(ctx, false" not in body:
            continue  # not a pattern test (verification tests need live credentials)
        tm = _TABLE.search(body)
        if tm is None:
            problems.append(f"{fname}: no table")
            continue
        # locals before the table
        pre = body[: tm.start()]
        pre = pre[: pre.rfind("\n") + 1]
        ev = Evaluator(tokenize(pre), consts, rng)
        ev.run()
        local = ev.vars
        # skip the struct type braces
        depth, i = 0, tm.end() - 1
        while True:
            ch = body[i]
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        rest = body[i + 1 :]
        cp = CaseParser(tokenize(rest), {**local, "true": True, "false": False}, rng)
        try:
            elements = cp.struct_elements()
        except (Unsupported, IndexError) as exc:
            problems.append(f"{fname}: table: {exc}")
            continue
        valids = {k: v for k, v in local.items() if isinstance(v, str) and re.match(r"(?i)valid", k)}
        for el in elements:
            el["_function"] = fname
            el["_valids"] = valids
            out.append(el)
    return out, problems


def detector_of(path: str) -> str:
    parts = path.split("/")[2:-1]  # pkg/detectors/<...>/file
    return "/".join(parts) or "(root)"




def read_cases(mirror: Path, commit: str = TRUFFLEHOG_COMMIT) -> tuple[list[Case], int]:
    """Every evaluable pattern-test case at `commit` (one per distinct input per detector and
    kind), and the number of cases or tables that could not be evaluated."""
    files = [f for f in _git(mirror, "ls-tree", "-r", "--name-only", commit, "pkg/detectors").split()
             if f.endswith("_test.go") and "integration" not in f]
    out: list[Case] = []
    skipped = 0
    for f in files:
        elements, problems = cases_of(f, _git(mirror, "show", f"{commit}:{f}"))
        skipped += len(problems)
        seen: set[tuple[bool, str]] = set()
        for el in elements:
            case = _case(detector_of(f), el)
            if case is None:
                skipped += 1
            elif (case.positive, case.text) not in seen:
                seen.add((case.positive, case.text))
                out.append(case)
    return out, skipped


def _case(detector: str, el: dict[str, Any]) -> Case | None:
    name = str(el.get("name", ""))
    if "input" not in el and isinstance(el.get("data"), str) and "shouldMatch" in el:
        el["input"] = el["data"]
    if "want" not in el and "shouldMatch" in el:
        el["want"] = [str(el.get("match") or "?")] if el["shouldMatch"] in (True, "true") else None
    if "want" not in el and "expectedPairs" in el:
        el["want"] = el["expectedPairs"]
    text, want = el.get("input"), el.get("want", ...)
    if not isinstance(text, str) or want is ...:
        return None
    if not text.strip():
        return None  # nothing to scan
    if want is None or want == [] or want == {}:
        wants: tuple[str, ...] = ()
    elif isinstance(want, list):
        wants = tuple(str(w) for w in want)
    elif isinstance(want, dict):
        wants = tuple(str(v) for v in want.values())
    elif isinstance(want, str):
        wants = (want,)
    else:
        return None
    kind = ""
    if not wants:
        valids = [v for v in el["_valids"].values() if len(v) >= 8]
        context = any(v in text for v in valids) or _CONTEXT_NAME.search(name) is not None
        kind = "context" if context else "invalid"
    return Case(detector, name, bool(wants), kind, text, wants)


_CONTEXT_NAME = re.compile(r"(?i)prefix range|not close|out of range|without keyword|no keyword|keyword")

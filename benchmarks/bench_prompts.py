"""Prompt-check quality and speed: pavedroad.prompts vs detect-secrets 1.5.0, in one process.

1. Quality on the labelled corpus (tests/prompts/corpus/generate.py, generated from a fixed seed).
   Secrets are scored at line level for both tools, because detect-secrets reports line numbers
   (and has no PII rules): a reported line is correct if it lies inside a labelled secret, a label
   is found if any reported line lies inside it. Our span-level scores per kind are printed too.
2. Throughput over the same texts, in ms per 10 KB. detect-secrets runs its normal file pipeline
   (`detect_secrets.core.scan.scan_file` under `default_settings()`: all default plugins and
   filters) on temp files written before timing; we run the full `check_prompt` (secrets, PII,
   internal hosts, redaction). Also over a larger set of real files (CPython stdlib modules).
3. Latency of `check_prompt` on adversarial 10 KB inputs (p50 / p99 / max per 10 KB), including
   dense `.env` dumps (`API_KEY_n=<random>` on every line).
4. Latency through the CLI/LSP path (`PromptWorkspace.check`: zones, sensitive files, file index)
   on this repository with every preset, warm (index built once and then frozen out of the
   collector's way, as a running server does), on the same inputs plus reference-heavy ones
   (files, folders, globs), next to the engine alone.

The machine may be shared, so every figure is given in CPU time of the measuring thread
(`time.thread_time`, robust to other processes) and in wall-clock time.

Usage: python benchmarks/bench_prompts.py [--repeat N] [--adversarial-runs N] [--no-stdlib]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import logging
import os
import random
import statistics
import string
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from pavedroad.prompts import check_prompt

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "prompts" / "corpus"
KB10 = 10 * 1024
STDLIB_FILES = [
    "smtplib.py", "imaplib.py", "ftplib.py", "netrc.py", "urllib/request.py", "urllib/parse.py",
    "http/client.py", "http/cookiejar.py", "email/utils.py", "hmac.py", "secrets.py", "base64.py",
    "ssl.py", "uuid.py", "ipaddress.py", "json/decoder.py", "configparser.py", "logging/handlers.py",
    "poplib.py", "xmlrpc/client.py", "hashlib.py", "random.py", "socket.py", "argparse.py",
    "subprocess.py", "tarfile.py", "zipfile.py", "typing.py", "dataclasses.py", "pathlib.py",
]  # fmt: skip


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_corpus_{name}", CORPUS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class Clock:
    """CPU time of this thread and wall time, measured together."""

    def __init__(self) -> None:
        self.cpu = 0.0
        self.wall = 0.0

    def time(self, fn: Callable[[], object]) -> object:
        c0, w0 = time.thread_time(), time.perf_counter()
        out = fn()
        self.cpu += time.thread_time() - c0
        self.wall += time.perf_counter() - w0
        return out


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# --- the two tools -----------------------------------------------------------------------------


def ours_lines(text: str, domains: Sequence[str]) -> set[int]:
    report = check_prompt(text, internal_domains=domains)
    return {line_of(text, f.start) for f in report.findings if f.kind == "secret"}


class DetectSecrets:
    def __init__(self, tmp: Path) -> None:
        from detect_secrets.core import scan
        from detect_secrets.settings import default_settings

        logging.getLogger("detect-secrets").setLevel(logging.CRITICAL)
        self.scan_file = scan.scan_file
        self.settings = default_settings
        self.tmp = tmp
        self.count = 0

    def write(self, text: str) -> str:
        self.count += 1
        path = self.tmp / f"prompt-{self.count:05d}.txt"
        path.write_text(text, encoding="utf-8")
        return str(path)

    def lines(self, path: str) -> set[int]:
        with self.settings():
            return {s.line_number for s in self.scan_file(path)}


# --- reports -----------------------------------------------------------------------------------


def quality(
    items: list[object], gen: ModuleType, scoring: ModuleType, ds: DetectSecrets, paths: list[str]
) -> tuple[object, object]:
    ours_reported = [ours_lines(it.text, gen.INTERNAL_DOMAINS) for it in items]  # type: ignore[attr-defined]
    ds_reported = [ds.lines(p) for p in paths]
    ours = scoring.line_score(items, ours_reported)
    theirs = scoring.line_score(items, ds_reported)
    print("== Quality: secrets, line level, labelled corpus ==")
    print(scoring.Score.line(ours, "pavedroad"))
    print(scoring.Score.line(theirs, "detect-secrets"))
    spans = scoring.span_scores(
        items,
        lambda it: [
            (f.kind, f.rule, f.start, f.end)
            for f in check_prompt(it.text, internal_domains=gen.INTERNAL_DOMAINS).findings
        ],
    )
    print("-- pavedroad, span level per kind (detect-secrets has no PII / internal rules) --")
    for kind in ("secret", "pii", "internal"):
        print(scoring.Score.line(spans[kind], kind))
    return ours, theirs


def throughput(
    texts: list[str], paths: list[str], ds: DetectSecrets, domains: Sequence[str], repeat: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Best-of-`repeat` (cpu, wall) seconds for one pass of each tool over all texts."""
    best_ours = (float("inf"), float("inf"))
    best_ds = (float("inf"), float("inf"))
    for _ in range(repeat):
        c = Clock()
        for t in texts:
            c.time(lambda t=t: check_prompt(t, internal_domains=domains))
        best_ours = min(best_ours, (c.cpu, c.wall))
        c = Clock()
        for p in paths:
            c.time(lambda p=p: ds.lines(p))
        best_ds = min(best_ds, (c.cpu, c.wall))
    return best_ours, best_ds


def per10k(seconds: float, chars: int) -> float:
    return seconds * 1000 * KB10 / chars


def adversarial_inputs(corpus_text: str) -> dict[str, str]:
    r = random.Random(7)
    b64 = string.ascii_letters + string.digits + "+/"

    def fit(s: str) -> str:
        return (s * (KB10 // max(1, len(s)) + 1))[:KB10]

    return {
        "realistic-corpus": corpus_text[:KB10],
        "realistic-corpus-2": corpus_text[KB10 : 2 * KB10],
        "at-signs": "@" * KB10,
        "a-at": fit("a@"),
        "dotted-words": fit("a."),
        "base64": "".join(r.choice(b64) for _ in range(KB10)),
        "keyword-run": fit("key"),
        "password-eq": fit("password="),
        "password-colon-lines": fit("password: x\n"),
        "jwt-prefix": fit("eyJ"),
        "github-prefix": fit("ghp_"),
        "scheme-run": fit("http://"),
        "userinfo-run": fit("://a:b@"),
        "pem-headers": fit("-----BEGIN PRIVATE KEY-----"),
        "brackets": "[" * KB10,
        "backticks": fit("`a"),
        "hash-file": fit("#file:"),
        "digits": "4" * KB10,
        "spaced-digits": fit("4 "),
        "card-groups": fit("4539 1488 0343 6467 "),
        # not 10.0.0.1: the first hosts of the default subnets are textbook values, never flagged
        "ips-with-context": fit("host 10.20.30.40 "),
        "ip-dots": fit("10."),
        "host-suffix": fit("corp.acme.com"),
        "phone-context": fit("phone: "),
        "iban-shape": fit("GB82 "),
        "emails": fit("dana.novak@gmail.com "),
        "slashes": fit("a/"),
        "unicode": fit("é€𝄞İ"),
        # `.env` dumps: one generic credential per line, ~230 findings per 10 KB (issue 10).
        "dense-env-lines": "".join(
            f"API_KEY_{i}=" + "".join(r.choice(b64[:62]) for _ in range(32)) + "\n"
            for i in range(400)
        )[:KB10],
        # commands that print a credential from the environment: each one a shell parse
        # (`sensitive_file.environment-print`, capped per text), and near misses that are not
        "env-print-commands": "".join(
            f"Run `printf '%s' \"$API_KEY_{i}\"` or `env | grep -i tok{i}`.\n" for i in range(400)
        )[:KB10],
        "env-print-near-misses": "".join(f"$ echo $PASS_{i} | tee -a out{i}\n" for i in range(600))[:KB10],
        "mixed-prefixes": "".join(
            r.choice(["sk-", "AKIA", "xoxb-", "SG.", "@", "://", "=", ":", " ", "token", "10."])
            for _ in range(KB10)
        )[:KB10],
    }


def adversarial(
    domains: Sequence[str], sensitive: Sequence[str], corpus_text: str, runs: int, label: str
) -> tuple[float, float]:
    inputs = adversarial_inputs(corpus_text)
    cpu: list[float] = []
    wall: list[float] = []
    worst: list[tuple[float, str]] = []
    for name, text in inputs.items():
        check_prompt(text, internal_domains=domains, sensitive=sensitive)  # warm-up
        mine: list[float] = []
        for _ in range(runs):
            c0, w0 = time.thread_time(), time.perf_counter()
            check_prompt(text, internal_domains=domains, sensitive=sensitive)
            c1, w1 = time.thread_time(), time.perf_counter()
            scale = KB10 / len(text)
            cpu.append((c1 - c0) * 1000 * scale)
            wall.append((w1 - w0) * 1000 * scale)
            mine.append(cpu[-1])
        worst.append((statistics.median(mine), name))
    cpu.sort()
    wall.sort()

    def pct(xs: list[float], q: float) -> float:
        return xs[min(len(xs) - 1, int(q * len(xs)))]

    print(f"-- {label}: {len(inputs)} inputs x {runs} runs --")
    print(f"CPU  ms/10KB  p50 {pct(cpu, 0.5):6.2f}  p99 {pct(cpu, 0.99):6.2f}  max {cpu[-1]:6.2f}")
    print(
        f"wall ms/10KB  p50 {pct(wall, 0.5):6.2f}  p99 {pct(wall, 0.99):6.2f}  max {wall[-1]:6.2f}"
    )
    slowest = ", ".join(f"{n} {t:.2f}" for t, n in sorted(worst)[-4:])
    print(f"slowest inputs (median CPU ms/10KB): {slowest}")
    return pct(cpu, 0.99), pct(wall, 0.99)


WORKSPACE_CONFIG = "version: 1\nextends:\n" + "".join(
    f"  - preset: {p}\n"
    for p in ("auth", "secrets", "crypto", "iac", "pii", "payments", "tests", "docs")
)


def reference_inputs() -> dict[str, str]:
    """Prompts that attach files, folders and globs of this repository."""

    def fit(s: str) -> str:
        return (s * (KB10 // len(s) + 1))[:KB10]

    return {
        "refs-files": fit(
            "Read #file:server/pavedroad/cli.py and `server/pavedroad/check.py`, then fix "
            "server/pavedroad/zonemap.py and @tests/conftest.py. "
        ),
        "refs-folders": fit("Summarise #folder:server/pavedroad/prompts and #folder:tests/lsp. "),
        "refs-globs": fit("Review `server/**/*.py`, `tests/**/test_*.py` and `zones/**/*.yaml`. "),
        "refs-sensitive": fit(
            "Please read .env.production, `secrets/db.yaml` and #file:certs/x.pem. "
        ),
    }


def workspace_path(corpus_text: str, runs: int) -> tuple[float, float]:
    """p99 of `PromptWorkspace.check` (what `pavedroad prompt` and the server run) per 10 KB."""
    from pavedroad.analysis.classify import Classifier
    from pavedroad.config import load_config
    from pavedroad.promptcheck import PromptWorkspace

    config = load_config(REPO, repo_text=WORKSPACE_CONFIG).config
    assert config is not None
    t0 = time.perf_counter()
    ws = PromptWorkspace(REPO, config, Classifier(config))
    ws.prewarm()
    gc.collect()
    gc.freeze()  # as the server does once a root's index is built (lsp/prompts.py)
    print("\n== Latency: CLI/LSP path (PromptWorkspace.check, all presets, this repository) ==")
    print(f"index of {len(ws.index())} files and path zones built once in "
          f"{(time.perf_counter() - t0) * 1000:.0f} ms (a server does it in the background)")  # fmt: skip
    inputs = {**adversarial_inputs(corpus_text), **reference_inputs()}
    engine: list[float] = []
    cpu: list[float] = []
    wall: list[float] = []
    worst: list[tuple[float, str]] = []
    for name, text in inputs.items():
        ws.check(text)  # warm: first classification of referenced files, as a server has done
        scale = KB10 / len(text)
        mine: list[float] = []
        for _ in range(runs):
            c0 = time.thread_time()
            check_prompt(text)
            engine.append((time.thread_time() - c0) * 1000 * scale)
            c0, w0 = time.thread_time(), time.perf_counter()
            ws.check(text)
            cpu.append((time.thread_time() - c0) * 1000 * scale)
            wall.append((time.perf_counter() - w0) * 1000 * scale)
            mine.append(cpu[-1])
        worst.append((statistics.median(mine), name))
    for xs in (engine, cpu, wall):
        xs.sort()

    def pct(xs: list[float], q: float) -> float:
        return xs[min(len(xs) - 1, int(q * len(xs)))]

    print(f"-- {len(inputs)} inputs x {runs} runs --")
    print(f"engine alone CPU ms/10KB  p50 {pct(engine, 0.5):6.2f}  p99 {pct(engine, 0.99):6.2f}")
    print(
        f"CLI/LSP path CPU ms/10KB  p50 {pct(cpu, 0.5):6.2f}  p99 {pct(cpu, 0.99):6.2f}  max {cpu[-1]:6.2f}"
    )
    print(f"CLI/LSP path wall ms/10KB p50 {pct(wall, 0.5):6.2f}  p99 {pct(wall, 0.99):6.2f}  max {wall[-1]:6.2f}")  # fmt: skip
    slowest = ", ".join(f"{n} {t:.2f}" for t, n in sorted(worst)[-4:])
    print(f"slowest inputs (median CPU ms/10KB): {slowest}")
    gc.unfreeze()
    return pct(cpu, 0.99), pct(wall, 0.99)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="throughput passes (best is kept)")
    ap.add_argument("--adversarial-runs", type=int, default=30)
    ap.add_argument("--no-stdlib", action="store_true", help="skip the real-files throughput")
    args = ap.parse_args()

    from importlib.metadata import version

    gen, scoring = load("generate"), load("scoring")
    items = gen.generate()
    texts = [it.text for it in items]
    chars = sum(len(t) for t in texts)
    print(f"corpus: {len(items)} items, {chars / 1024:.1f} KB, "
          f"{sum(len(it.labels) for it in items)} labels, {sum(1 for it in items if not it.labels)} negatives")  # fmt: skip
    print(f"detect-secrets {version('detect-secrets')}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}\n")  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        ds = DetectSecrets(Path(tmp))
        paths = [ds.write(t) for t in texts]
        ours_q, ds_q = quality(items, gen, scoring, ds, paths)

        (o_cpu, o_wall), (d_cpu, d_wall) = throughput(
            texts, paths, ds, gen.INTERNAL_DOMAINS, args.repeat
        )
        print(f"\n== Throughput: labelled corpus (best of {args.repeat} passes) ==")
        print(
            f"pavedroad       CPU {per10k(o_cpu, chars):7.3f} ms/10KB   wall {per10k(o_wall, chars):7.3f} ms/10KB"
        )
        print(
            f"detect-secrets  CPU {per10k(d_cpu, chars):7.3f} ms/10KB   wall {per10k(d_wall, chars):7.3f} ms/10KB"
        )
        ratio = d_cpu / o_cpu
        print(f"ratio (detect-secrets / pavedroad): CPU {ratio:.1f}x   wall {d_wall / o_wall:.1f}x")

        if not args.no_stdlib:
            std = Path(sysconfig.get_paths()["stdlib"])
            real = [
                (std / f).read_text(encoding="utf-8", errors="replace")
                for f in STDLIB_FILES
                if (std / f).exists()
            ]
            rchars = sum(len(t) for t in real)
            rpaths = [ds.write(t) for t in real]
            (ro_cpu, ro_wall), (rd_cpu, rd_wall) = throughput(
                real, rpaths, ds, gen.INTERNAL_DOMAINS, 1
            )
            print(
                f"\n== Throughput: {len(real)} CPython stdlib modules, {rchars / 1024:.0f} KB (1 pass) =="
            )
            print(
                f"pavedroad       CPU {per10k(ro_cpu, rchars):7.3f} ms/10KB   wall {per10k(ro_wall, rchars):7.3f} ms/10KB"
            )
            print(
                f"detect-secrets  CPU {per10k(rd_cpu, rchars):7.3f} ms/10KB   wall {per10k(rd_wall, rchars):7.3f} ms/10KB"
            )
            print(
                f"ratio (detect-secrets / pavedroad): CPU {rd_cpu / ro_cpu:.1f}x   wall {rd_wall / ro_wall:.1f}x"
            )
            # Unlabelled real code: counts only, for a feel of each tool's noise on ordinary source.
            ours_kinds: dict[str, int] = {}
            for t in real:
                for f in check_prompt(t, internal_domains=gen.INTERNAL_DOMAINS).findings:
                    ours_kinds[f.kind] = ours_kinds.get(f.kind, 0) + 1
            ds_count = sum(len(ds.lines(p)) for p in rpaths)
            print(
                f"findings on these files (unlabelled): "
                f"pavedroad {ours_kinds}, detect-secrets {{'secret lines': {ds_count}}}"
            )

    print("\n== Latency: check_prompt on adversarial 10 KB inputs ==")
    sensitive = ("**/.env*", "secrets/**", "*.pem")
    corpus_text = "\n".join(texts)
    gc.collect()
    p99_cpu, p99_wall = adversarial(
        gen.INTERNAL_DOMAINS, sensitive, corpus_text, args.adversarial_runs, "default GC"
    )
    # A long-running server would freeze its start-up heap; then a collection never rescans the
    # benchmark's own objects (corpus, detect-secrets), only what the checks allocate.
    gc.collect()
    gc.freeze()
    f99_cpu, f99_wall = adversarial(
        gen.INTERNAL_DOMAINS, sensitive, corpus_text, args.adversarial_runs, "after gc.freeze()"
    )
    gc.unfreeze()

    w99_cpu, w99_wall = workspace_path(corpus_text, args.adversarial_runs)

    avg = os.getloadavg()
    print(
        f"\nload average at the end: {avg[0]:.2f} {avg[1]:.2f} {avg[2]:.2f} on {os.cpu_count()} CPUs"
    )
    print("\n== Targets ==")
    checks = [
        ("p99 under 10 ms per 10 KB on adversarial input (CPU, default GC)", p99_cpu < 10.0),
        ("p99 under 10 ms per 10 KB on adversarial input (wall, default GC)", p99_wall < 10.0),
        ("p99 under 10 ms per 10 KB on adversarial input (CPU, gc.freeze())", f99_cpu < 10.0),
        ("p99 under 10 ms per 10 KB on adversarial input (wall, gc.freeze())", f99_wall < 10.0),
        ("p99 under 10 ms per 10 KB through the CLI/LSP path, warm (CPU)", w99_cpu < 10.0),
        ("p99 under 10 ms per 10 KB through the CLI/LSP path, warm (wall)", w99_wall < 10.0),
        ("throughput at least 10x detect-secrets (CPU, corpus)", ratio >= 10.0),
        ("secret F1 at least detect-secrets' F1", ours_q.f1 >= ds_q.f1),  # type: ignore[attr-defined]
    ]
    for name, ok in checks:
        print(f"[{'PASS' if ok else 'FAIL'}] {name}")


if __name__ == "__main__":
    main()

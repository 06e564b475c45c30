"""The byte-level shortcuts (anchors, liveness checks, symbol candidates, query windows, skipping the
parse) must never change a result: compare against a classifier with all of them turned off."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pavedroad.analysis import queries as queries_module
from pavedroad.analysis import syntax as syntax_module
from pavedroad.analysis.classify import Classifier
from pavedroad.analysis.model import FileZones
from pavedroad.config import load_config
from presets.samples import CASES  # tests/ is on sys.path (tests/presets is a package)

REPO = Path(__file__).resolve().parents[2]
STDLIB = Path(os.path.dirname(os.__file__))
STDLIB_FILES = [
    "hmac.py", "ftplib.py", "imaplib.py", "smtplib.py", "poplib.py", "ssl.py", "hashlib.py",
    "secrets.py", "random.py", "uuid.py", "os.py", "getpass.py", "http/client.py", "urllib/request.py",
    "email/utils.py", "json/decoder.py", "argparse.py", "netrc.py", "base64.py", "tempfile.py",
]


def corpus() -> list[tuple[str, bytes]]:
    files = [(c.path, c.code.encode()) for c in CASES]
    workspace = REPO / "zones/examples/workspace"
    files += [(p.relative_to(workspace).as_posix(), p.read_bytes()) for p in sorted(workspace.rglob("*")) if p.is_file()]
    files += [(f"lib/{name}", (STDLIB / name).read_bytes()) for name in STDLIB_FILES if (STDLIB / name).is_file()]
    return files


def shape(result: FileZones) -> set[tuple[object, ...]]:
    return {(r.zone, r.symbol, r.kind, r.start_line, r.end_line, r.start_byte, r.end_byte, r.reasons) for r in result.regions}


def test_shortcuts_do_not_change_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".pavedroad.yaml").write_text(
        "version: 1\nextends:\n"
        + "".join(f"  - preset:{p}\n" for p in ("auth", "secrets", "crypto", "iac", "pii", "payments", "tests"))
    )
    config = load_config(tmp_path).config
    assert config is not None
    files = corpus()
    fast = Classifier(config)
    expected = [shape(fast.classify(path, data)) for path, data in files]
    assert sum(map(len, expected)) > 100

    # the reference: every query over the whole file, every definition looked at, every anchor kept
    monkeypatch.setattr(queries_module, "query_windows", lambda query, data, memo: None)
    monkeypatch.setattr(syntax_module.PythonSyntax, "symbol_candidates", lambda self, data: None)
    reference = Classifier(config)
    reference._symbols_any = None
    for language in ("python", "javascript", "typescript", "tsx", "go", "java", "hcl", "yaml"):
        plan = reference._plan(language)
        plan.token_heads = {}
        plan.import_segments = {}
        plan.symbols_always = bool(reference._symbols) and language != "yaml"
    for (path, data), want in zip(files, expected, strict=True):
        assert shape(reference.classify(path, data)) == want, path

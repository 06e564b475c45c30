from __future__ import annotations

import os
from pathlib import Path

from pavedroad.workspace import iter_files, read_bounded


def test_walk_honours_gitignore_and_skips_vendored(tmp_path: Path):
    (tmp_path / ".gitignore").write_text("build/\n*.log\n!keep.log\n")
    for rel in ["src/a.py", "build/out.py", "x.log", "keep.log", "node_modules/m/index.js", "vendor/v.go",
                ".git/config", "pkg/.gitignore", "pkg/gen.py", "pkg/real.py"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    (tmp_path / "pkg/.gitignore").write_text("gen.py\n")
    assert sorted(iter_files(tmp_path)) == [".gitignore", "keep.log", "pkg/.gitignore", "pkg/real.py", "src/a.py"]


def test_symlink_loops_do_not_trap_the_walk(tmp_path: Path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f.py").write_text("x")
    os.symlink(tmp_path, tmp_path / "d" / "loop")
    os.symlink(tmp_path / "missing", tmp_path / "dangling.py")
    assert list(iter_files(tmp_path)) == ["d/f.py"]


def test_read_bounded_never_reads_a_huge_file_whole(tmp_path: Path):
    big = tmp_path / "big.bin"
    big.write_bytes(b"a" * 100_000)
    data, size = read_bounded(big, 1000)
    assert size == 100_000 and len(data) <= 8192
    small, size = read_bounded(big, 200_000)
    assert len(small) == size == 100_000


def test_zone_map_of_a_directory_ignored_above_it(tmp_path: Path):
    """`pavedroad zones DIR` scans DIR even when the enclosing repo's .gitignore ignores it."""
    import subprocess
    import sys

    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("versions/\n")
    target = tmp_path / "versions" / "lib"
    target.mkdir(parents=True)
    (target / "auth.py").write_text("import jwt\n\ndef login(t):\n    return jwt.decode(t)\n")
    (target / ".gitignore").write_text("skip.py\n")
    (target / "skip.py").write_text("import jwt\njwt.decode(1)\n")
    (tmp_path / ".pavedroad.yaml").write_text("version: 1\nextends: [preset:auth]\n")
    done = subprocess.run([sys.executable, "-m", "pavedroad", "zones", str(target), "--format", "json"],
                          capture_output=True, text=True, check=True)
    import json

    files = json.loads(done.stdout)["files"]
    assert [f["path"] for f in files] == ["versions/lib/auth.py"]
    assert files[0]["regions"][0]["symbol"] == "login"


def test_huge_and_binary_files_get_path_regions_with_their_real_line_count(tmp_path: Path):
    import json
    import subprocess
    import sys

    (tmp_path / ".git").mkdir()
    (tmp_path / ".pavedroad.yaml").write_text(
        "version: 1\nzones:\n  - id: auth\n    ai: review\n    match:\n      paths: ['src/auth/**']\n"
    )
    auth = tmp_path / "src" / "auth"
    auth.mkdir(parents=True)
    (auth / "huge.py").write_bytes(b"x = 1\n" * 500_000)  # 3 MB: above the parse cap
    (auth / "blob.py").write_bytes(b"\0\1\2" * 10)
    done = subprocess.run([sys.executable, "-m", "pavedroad", "zones", str(tmp_path), "--format", "json"],
                          capture_output=True, text=True, check=True)
    regions = {f["path"]: f["regions"][0] for f in json.loads(done.stdout)["files"]}
    assert regions["src/auth/huge.py"]["end_line"] == 500_000
    assert regions["src/auth/huge.py"]["reasons"] == ["path src/auth/**"]
    assert regions["src/auth/blob.py"]["zone"] == "auth"

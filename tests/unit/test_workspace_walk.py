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

"""A hostile repository against same-repository propagation: dependencies that are pipes, device
symlinks, symlink loops, huge or binary files, and a package of thousands of files. The zone map
and a single-file classification finish, read nothing they must not, and stay bounded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pavedroad.analysis.classify import Classifier
from pavedroad.analysis.crossfile import MAX_DEPENDENCIES
from pavedroad.analysis.model import FileZones
from pavedroad.config import load_config
from pavedroad.repoview import MAX_DEPENDENCY_BYTES, DiskRepo

CALLER = 'package app\n\nimport "golang.org/x/crypto/bcrypt"\n\nfunc Hash(p string) { bcrypt.GenerateFromPassword([]byte(p), 4); helper() }\n'


class Counting(Classifier):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.seen: list[str] = []

    def classify(self, rel_path: str, data: bytes, **kwargs: object) -> FileZones:  # type: ignore[override]
        self.seen.append(rel_path)
        return super().classify(rel_path, data, **kwargs)  # type: ignore[arg-type]


def hostile_package(root: Path) -> None:
    pkg = root / "app"
    pkg.mkdir(parents=True)
    (root / ".pavedroad.yaml").write_text("version: 1\nextends: [preset:auth]\n")
    (pkg / "main.go").write_text(CALLER)
    os.mkfifo(pkg / "pipe.go")
    (pkg / "zero.go").symlink_to("/dev/zero")
    (pkg / "loop_a.go").symlink_to(pkg / "loop_b.go")
    (pkg / "loop_b.go").symlink_to(pkg / "loop_a.go")
    (pkg / "huge.go").write_bytes(b"package app\n" + b"// x\n" * (MAX_DEPENDENCY_BYTES // 5 + 10))
    (pkg / "binary.go").write_bytes(b"package app\n\x00\x01\x02" * 100)
    for i in range(3 * MAX_DEPENDENCIES):
        (pkg / f"f{i:04d}.go").write_text(f"package app\n\nfunc helper{i}() int {{ return {i} }}\n")


def test_single_file_classification_reads_only_regular_bounded_dependencies(tmp_path: Path) -> None:
    hostile_package(tmp_path)
    loaded = load_config(tmp_path)
    assert loaded.config is not None
    classifier = Counting(loaded.config)
    # a FIFO or /dev/zero read as a dependency would never return
    result = classifier.classify("app/main.go", (tmp_path / "app/main.go").read_bytes(),
                                 repo=DiskRepo(tmp_path, classifier))
    assert result.zone_ids == ("auth",)
    dependencies = [p for p in classifier.seen if p != "app/main.go"]
    assert len(dependencies) <= MAX_DEPENDENCIES
    assert not {"app/pipe.go", "app/zero.go", "app/loop_a.go", "app/loop_b.go", "app/huge.go"} & set(dependencies)


def test_zone_map_of_the_hostile_package_finishes(tmp_path: Path) -> None:
    hostile_package(tmp_path)
    done = subprocess.run([sys.executable, "-m", "pavedroad", "zones", "--format", "json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PAVEDROAD_SYSTEM_CENTRAL": "/nonexistent"})
    assert done.returncode == 0, done.stderr
    assert '"app/main.go"' in done.stdout

"""Same-repository propagation: callers in other files of the repository join a zone function's
zone, one level deep, through what imports and packages make visible (real files on disk, the
real classifier, the `DiskRepo` every shell uses)."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

from pavedroad.analysis.classify import Classifier
from pavedroad.analysis.crossfile import MAX_DEPENDENCIES
from pavedroad.analysis.model import FileZones
from pavedroad.repoview import DiskRepo

from .helpers import config, zone

AUTH = replace(zone("auth", imports=["bcrypt", "golang.org/x/crypto/bcrypt", "org.mindrot.jbcrypt"]), propagate=True)
CRYPTO = replace(zone("crypto", imports=["crypto", "hashlib", "java.security"]), propagate=True)


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def classify(root: Path, rel: str, *zones_: object, linked: bool = True) -> FileZones:
    classifier = Classifier(config(*(zones_ or (AUTH, CRYPTO))))  # type: ignore[arg-type]
    repo = DiskRepo(root, classifier) if linked else None
    return classifier.classify(rel, (root / rel).read_bytes(), repo=repo)


def in_zone(result: FileZones, zone_id: str) -> dict[str, tuple[str, ...]]:
    return {r.symbol or "(file)": r.reasons for r in result.regions if r.zone == zone_id}


GO_PASSWORDS = """
package accounts

import "golang.org/x/crypto/bcrypt"

func hashPassword(p string) ([]byte, error) {
    return bcrypt.GenerateFromPassword([]byte(p), 12)
}
"""


def test_go_same_package_caller_joins_and_says_where_from(tmp_path: Path) -> None:
    write(tmp_path, {
        "accounts/hash.go": GO_PASSWORDS,
        "accounts/register.go": """
            package accounts

            func Register(name, p string) error {
                _, err := hashPassword(p)
                return err
            }

            func Greeting(name string) string { return "hello " + name }
            """,
    })
    found = in_zone(classify(tmp_path, "accounts/register.go"), "auth")
    assert found == {"Register": ("calls hashPassword (accounts/hash.go)",)}
    assert in_zone(classify(tmp_path, "accounts/register.go", linked=False), "auth") == {}


def test_go_imported_repo_package_is_found_by_its_import_path_suffix(tmp_path: Path) -> None:
    write(tmp_path, {
        "internal/signing/sign.go": """
            package signing

            import "crypto/hmac"

            func Sign(key, msg []byte) []byte { return hmac.New(nil, key).Sum(msg) }
            """,
        "cmd/server/main.go": """
            package main

            import (
                "fmt"
                "example.com/shop/internal/signing"
            )

            func handle(k, m []byte) { fmt.Println(signing.Sign(k, m)) }
            func other() { fmt.Println("Sign") }
            """,
    })
    assert set(in_zone(classify(tmp_path, "cmd/server/main.go"), "crypto")) == {"handle"}


def test_propagation_stays_one_level_across_files(tmp_path: Path) -> None:
    write(tmp_path, {
        "accounts/hash.go": GO_PASSWORDS,
        "accounts/register.go": """
            package accounts

            func Register(p string) { hashPassword(p) }
            """,
        "accounts/signup.go": """
            package accounts

            func Signup(p string) { Register(p) }
            """,
    })
    assert in_zone(classify(tmp_path, "accounts/signup.go"), "auth") == {}


def test_a_zone_without_propagate_does_not_spread(tmp_path: Path) -> None:
    write(tmp_path, {"accounts/hash.go": GO_PASSWORDS,
                     "accounts/register.go": "package accounts\n\nfunc Register(p string) { hashPassword(p) }\n"})
    still = replace(AUTH, propagate=False)
    assert in_zone(classify(tmp_path, "accounts/register.go", still), "auth") == {}


JAVA_DIGESTS = """
package org.example.util;

import java.security.MessageDigest;

public final class Digests {
    public static byte[] sha256(byte[] in) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(in);
    }
    public static String hex(byte[] in) { return ""; }
}
"""


def test_java_static_call_on_an_imported_class_and_an_inherited_method(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/main/java/org/example/util/Digests.java": JAVA_DIGESTS,
        "src/main/java/org/example/realm/Base.java": """
            package org.example.realm;

            import java.security.MessageDigest;

            public abstract class Base {
                protected byte[] mutate(byte[] in) throws Exception {
                    return MessageDigest.getInstance("SHA-1").digest(in);
                }
            }
            """,
        "src/main/java/org/example/realm/Handler.java": """
            package org.example.realm;

            import org.example.util.Digests;

            public class Handler extends Base {
                public byte[] store(byte[] in) throws Exception { return Digests.sha256(in); }
                public String show(byte[] in) { return Digests.hex(in); }
                public byte[] salted(byte[] in) throws Exception { return mutate(in); }
                public byte[] viaSuper(byte[] in) throws Exception { return super.mutate(in); }
                public String name() { return "handler"; }
            }
            """,
    })
    found = in_zone(classify(tmp_path, "src/main/java/org/example/realm/Handler.java"), "crypto")
    assert set(found) == {"Handler.store", "Handler.salted", "Handler.viaSuper"}
    assert found["Handler.store"] == ("calls Digests.sha256 (src/main/java/org/example/util/Digests.java)",)


def test_python_from_import_alias_module_import_and_relative_import(tmp_path: Path) -> None:
    write(tmp_path, {
        "app/__init__.py": "",
        "app/security.py": """
            import bcrypt

            def verify(password, hashed):
                return bcrypt.checkpw(password, hashed)

            def banner():
                return "hi"
            """,
        "app/views.py": """
            from app.security import verify as check, banner
            import app.security as sec
            from . import security

            def login(p, h):
                return check(p, h)

            def again(p, h):
                return sec.verify(p, h)

            def third(p, h):
                return security.verify(p, h)

            def page():
                return banner()
            """,
    })
    found = in_zone(classify(tmp_path, "app/views.py"), "auth")
    assert set(found) == {"login", "again", "third"}


def test_typescript_named_namespace_and_alias_imports(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/lib/auth.ts": """
            import bcrypt from "bcrypt";
            export function hashPassword(p: string) { return bcrypt.hashSync(p, 10); }
            export function title() { return "x"; }
            """,
        "src/routes/signup.ts": """
            import { hashPassword } from "../lib/auth";
            import * as auth from "@/lib/auth";
            export function signup(p: string) { return hashPassword(p); }
            export function reset(p: string) { return auth.hashPassword(p); }
            export function page() { return auth.title(); }
            """,
    })
    assert set(in_zone(classify(tmp_path, "src/routes/signup.ts"), "auth")) == {"signup", "reset"}


def test_compiled_commonjs_calls_reach_the_exporting_file(tmp_path: Path) -> None:
    # what Babel and tsc publish to npm: `(0, _auth.hashPassword)(p)` calls an import without `this`
    write(tmp_path, {
        "build/lib/auth.js": """
            "use strict";
            exports.hashPassword = hashPassword;
            var _bcrypt = _interopRequireDefault(require("bcrypt"));
            function _interopRequireDefault(e) { return e && e.__esModule ? e : { default: e }; }
            function hashPassword(p) { return _bcrypt.default.hashSync(p, 10); }
            function title() { return "x"; }
            exports.title = title;
            """,
        "build/api/signup.js": """
            "use strict";
            var _auth = require("../lib/auth");
            function signup(p) { return (0, _auth.hashPassword)(p); }
            function page() { return (0, _auth.title)(); }
            """,
        "dist/routes/reset.js": """
            const auth_1 = require("../../build/lib/auth");
            function reset(p) { return (0, auth_1.hashPassword)(p); }
            """,
    })
    assert in_zone(classify(tmp_path, "build/api/signup.js"), "auth") == {
        "signup": ("calls hashPassword (build/lib/auth.js)",)
    }
    assert set(in_zone(classify(tmp_path, "dist/routes/reset.js"), "auth")) == {"reset"}


def test_a_method_called_on_a_variable_is_not_guessed(tmp_path: Path) -> None:
    write(tmp_path, {
        "svc.py": """
            import bcrypt

            class Hasher:
                def check(self, p, h):
                    return bcrypt.checkpw(p, h)
            """,
        "use.py": """
            from svc import Hasher

            def run(h, p, x):
                return h.check(p, x)
            """,
    })
    assert in_zone(classify(tmp_path, "use.py"), "auth") == {}


def test_test_files_stay_tests_when_they_call_an_auth_function(tmp_path: Path) -> None:
    tests = replace(zone("tests", ai=zone("x").ai, paths=["tests/**"]), exclusive=True)
    write(tmp_path, {"accounts/hash.go": GO_PASSWORDS,
                     "tests/hash_test.go": "package accounts\n\nfunc TestHash() { hashPassword(\"x\") }\n"})
    result = classify(tmp_path, "tests/hash_test.go", AUTH, tests)
    assert result.zone_ids == ("tests",)


def test_imports_cannot_reach_outside_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    root = tmp_path / "repo"
    write(outside, {"evil.py": "import bcrypt\n\ndef verify(p, h):\n    return bcrypt.checkpw(p, h)\n"})
    write(root, {"pkg/a.py": "from ...outside.evil import verify\nfrom .. import evil\n\n"
                             "def go(p, h):\n    return verify(p, h) or evil.verify(p, h)\n"})
    write(root, {"pkg/b.ts": "import { verify } from '../../outside/evil';\nexport function go() { return verify(); }\n"})
    assert in_zone(classify(root, "pkg/a.py"), "auth") == {}
    assert in_zone(classify(root, "pkg/b.ts"), "auth") == {}
    # a committed symlink to a directory outside the root is not followed either
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "evil_link.py").symlink_to(outside / "evil.py")
    write(root, {"pkg/c.py": "from linked.evil import verify\nimport evil_link\n\n"
                             "def go(p, h):\n    return verify(p, h) or evil_link.verify(p, h)\n"})
    assert in_zone(classify(root, "pkg/c.py"), "auth") == {}
    # inside the root, a symlinked directory is the same code under another name
    write(root, {"real/sec.py": "import bcrypt\n\ndef verify(p, h):\n    return bcrypt.checkpw(p, h)\n"})
    (root / "alias").symlink_to(root / "real", target_is_directory=True)
    write(root, {"pkg/d.py": "from alias.sec import verify\n\ndef go(p, h):\n    return verify(p, h)\n"})
    assert set(in_zone(classify(root, "pkg/d.py"), "auth")) == {"go"}


class CountingClassifier(Classifier):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.calls = 0

    def classify(self, *args: object, **kwargs: object) -> FileZones:  # type: ignore[override]
        self.calls += 1
        return super().classify(*args, **kwargs)  # type: ignore[arg-type]


def test_a_file_importing_thousands_of_modules_reads_a_bounded_number(tmp_path: Path) -> None:
    files = {f"m{i}.py": "def f():\n    return 1\n" for i in range(MAX_DEPENDENCIES * 3)}
    files["main.py"] = "".join(f"from m{i} import f as f{i}\n" for i in range(MAX_DEPENDENCIES * 3)) + (
        "\n\ndef run():\n" + "".join(f"    f{i}()\n" for i in range(MAX_DEPENDENCIES * 3)))
    write(tmp_path, files)
    classifier = CountingClassifier(config(AUTH))
    repo = DiskRepo(tmp_path, classifier)
    classifier.classify("main.py", (tmp_path / "main.py").read_bytes(), repo=repo)
    assert classifier.calls == 1 + MAX_DEPENDENCIES
    # remembered dependencies are free: the next classification takes the next ones
    classifier.classify("main.py", (tmp_path / "main.py").read_bytes(), repo=repo)
    assert classifier.calls == 1 + MAX_DEPENDENCIES + 1 + MAX_DEPENDENCIES


def test_unused_imports_cannot_push_the_real_dependency_out(tmp_path: Path) -> None:
    files = {f"pkg/m{i}.py": "def f():\n    return 1\n" for i in range(MAX_DEPENDENCIES + 5)}
    files["pkg/security.py"] = "import bcrypt\n\ndef verify(p, h):\n    return bcrypt.checkpw(p, h)\n"
    files["pkg/__init__.py"] = ""
    files["pkg/views.py"] = (
        "".join(f"from pkg import m{i}\n" for i in range(MAX_DEPENDENCIES + 5))
        + "from pkg.security import verify\n\n\ndef login(p, h):\n    return verify(p, h)\n"
    )
    write(tmp_path, files)
    assert set(in_zone(classify(tmp_path, "pkg/views.py"), "auth")) == {"login"}


def test_exports_are_remembered_until_the_file_changes(tmp_path: Path) -> None:
    write(tmp_path, {"accounts/hash.go": GO_PASSWORDS,
                     "accounts/register.go": "package accounts\n\nfunc Register(p string) { hashPassword(p) }\n"})
    classifier = CountingClassifier(config(AUTH))
    repo = DiskRepo(tmp_path, classifier)
    for _ in range(3):
        classifier.classify("accounts/register.go", (tmp_path / "accounts/register.go").read_bytes(), repo=repo)
    assert classifier.calls == 3 + 1  # the dependency once
    (tmp_path / "accounts/hash.go").write_text("package accounts\n\nfunc hashPassword(p string) {}\n")
    import os
    os.utime(tmp_path / "accounts/hash.go", ns=(1, 1))
    result = classifier.classify("accounts/register.go", (tmp_path / "accounts/register.go").read_bytes(), repo=repo)
    assert result.zone_ids == ()  # the dependency no longer hashes: its caller is out again


# --- found in review: false links, disagreements, a crash --------------------------------------
def scan_symbols(root: Path, rel: str, zone_id: str, jobs: int = 1) -> set[str]:
    from pavedroad import zonemap

    files = {f.path: f for f in zonemap.scan(root, config(AUTH, CRYPTO), jobs=jobs)}
    found = files.get(rel)
    return {r.symbol or "(file)" for r in found.regions if r.zone == zone_id} if found else set()


def test_java_inherited_methods_only_for_the_class_that_extends(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/org/ex/Digests.java": JAVA_DIGESTS.replace("package org.example.util;", "package org.ex;")
        .replace("public static byte[] sha256", "protected byte[] mutate"),
        "src/org/ex/C.java": """
            package org.ex;

            public class C {
                public byte[] mutate(byte[] in) { return in; }
                public byte[] run(byte[] in) throws Exception { return mutate(in); }
                static class Inner extends Digests {}
            }
            """,
        "src/org/ex/E.java": """
            package org.ex;

            public class E<T extends Digests> {
                public byte[] run(byte[] in) throws Exception { return mutate(in); }
                byte[] mutate(byte[] in) { return in; }
            }
            """,
    })
    assert in_zone(classify(tmp_path, "src/org/ex/C.java"), "crypto") == {}
    assert in_zone(classify(tmp_path, "src/org/ex/E.java"), "crypto") == {}


def test_a_parameter_sharing_an_exports_name_is_not_handed_over(tmp_path: Path) -> None:
    write(tmp_path, {
        "app/__init__.py": "",
        "app/security.py": "import bcrypt\n\ndef verify(p, h):\n    return bcrypt.checkpw(p, h)\n",
        "app/views.py": "from app.security import verify\n\n\ndef unrelated(verify=True):\n    print(verify)\n\n\n"
                        "def login(p, h):\n    return check(verify)\n",
        "src/org/ex/Base.java": "package org.ex;\n\nimport java.security.MessageDigest;\n\npublic class Base {\n"
                                "    protected void login(String s) throws Exception { MessageDigest.getInstance(s); }\n}\n",
        "src/org/ex/Form.java": "package org.ex;\n\npublic class Form extends Base {\n"
                                "    public Form(String login) { setPage(login); }\n    void setPage(String p) {}\n}\n",
    })
    assert set(in_zone(classify(tmp_path, "app/views.py"), "auth")) == {"login"}
    assert in_zone(classify(tmp_path, "src/org/ex/Form.java"), "crypto") == {}


def test_zone_map_agrees_with_single_files_and_survives_kebab_case_names(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/auth-utils.js": "import bcrypt from 'bcrypt';\nexport function hashIt(p) { return bcrypt.hashSync(p, 4); }\n",
        "src/route.js": "import { hashIt } from './auth-utils';\nexport function signupHandler(p) { return hashIt(p); }\n",
        "internal/go-sec/sec.go": "package sec\n\nimport \"golang.org/x/crypto/bcrypt\"\n\n"
                                  "func Hash(p []byte) { bcrypt.GenerateFromPassword(p, 4) }\n",
        "cmd/main.go": "package main\n\nimport (\n\tx \"example.com/app/internal/go-sec\"\n)\n\nfunc run(p []byte) { x.Hash(p) }\n",
        "pay/__init__.py": "import bcrypt\n\ndef authorize_card(p, h):\n    return bcrypt.checkpw(p, h)\n",
        "pay/plugin.py": "from . import authorize_card\n\n\ndef charge(p, h):\n    return authorize_card(p, h)\n",
    })
    for rel, symbol in (("src/route.js", "signupHandler"), ("cmd/main.go", "run"), ("pay/plugin.py", "charge")):
        single = set(in_zone(classify(tmp_path, rel), "auth"))
        assert symbol in single, rel
        assert scan_symbols(tmp_path, rel, "auth") == single, rel


def test_a_directory_swapped_for_a_symlink_out_of_the_root_is_not_read(tmp_path: Path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "outside"
    write(root, {"lib/sec.py": "import bcrypt\n\ndef verify(p, h):\n    return bcrypt.checkpw(p, h)\n"})
    write(outside, {"sec.py": "import bcrypt\n\ndef verify(p, h):\n    return bcrypt.checkpw(p, h)\n"})
    classifier = Classifier(config(AUTH))
    repo = DiskRepo(root, classifier)
    assert [e.name for e in repo.exports("lib/sec.py")] == ["verify"]
    (root / "lib" / "sec.py").unlink()
    (root / "lib").rmdir()
    (root / "lib").symlink_to(outside, target_is_directory=True)
    assert repo.exports("lib/sec.py") == ()


def test_go_mod_decides_which_imports_are_the_repositorys_own(tmp_path: Path) -> None:
    sign = "package auth\n\nimport \"crypto/hmac\"\n\nfunc Verify(k []byte) []byte { return hmac.New(nil, k).Sum(nil) }\n"
    write(tmp_path, {
        "backend/go.mod": "module github.com/acme/widget\n\ngo 1.21\n",
        "backend/internal/auth/auth.go": sign,
        "backend/cmd/main.go": "package main\n\nimport \"github.com/acme/widget/internal/auth\"\n\n"
                               "func run(k []byte) { auth.Verify(k) }\n",
        "backend/cmd/other.go": "package main\n\nimport \"github.com/someone/oauth/auth\"\n\n"
                                "func other(k []byte) { auth.Verify(k) }\n",
    })
    assert set(in_zone(classify(tmp_path, "backend/cmd/main.go"), "crypto")) == {"run"}
    assert in_zone(classify(tmp_path, "backend/cmd/other.go"), "crypto") == {}  # someone else's `auth`


def test_javascript_default_import_of_a_default_exported_function(tmp_path: Path) -> None:
    write(tmp_path, {
        "lib/auth.js": "import bcrypt from 'bcrypt';\nexport default function verify(p, h) { return bcrypt.compareSync(p, h); }\n",
        "routes/login.js": "import verify from '../lib/auth';\nexport function loginRoute(p, h) { return verify(p, h); }\n",
    })
    assert set(in_zone(classify(tmp_path, "routes/login.js"), "auth")) == {"loginRoute"}


def test_a_call_found_by_name_and_by_file_is_one_reason(tmp_path: Path) -> None:
    named = replace(AUTH, match=replace(AUTH.match, symbols=("(?i)^hash_?password$",)))
    write(tmp_path, {"accounts/hash.go": GO_PASSWORDS.replace("hashPassword", "HashPassword"),
                     "accounts/register.go": "package accounts\n\nfunc Register(p string) { HashPassword(p) }\n"})
    found = in_zone(classify(tmp_path, "accounts/register.go", named), "auth")
    assert found == {"Register": ("calls HashPassword (accounts/hash.go)",)}

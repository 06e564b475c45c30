"""One-level propagation to same-file callers (`propagate: true`), calls of functions named like a
zone's functions, style-insensitive names, and the `exclusive` precedence of a path zone."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from pavedroad.analysis.classify import Classifier
from pavedroad.config import load_config
from pavedroad.config.model import Level

from .helpers import classify, reasons, symbols, zone

# actual-sync-server 25.6.0 (MIT, npm @actual-app/sync-server), build/src/accounts/password.js
PASSWORD_JS = """
import * as bcrypt from 'bcrypt';
function isValidPassword(password) {
    return password != null && password !== '';
}
function hashPassword(password) {
    return bcrypt.hashSync(password, 12);
}
export function changePassword(newPassword) {
    const accountDb = getAccountDb();
    if (!isValidPassword(newPassword)) {
        return { error: 'invalid-password' };
    }
    const hashed = hashPassword(newPassword);
    accountDb.mutate("UPDATE auth SET extra_data = ? WHERE method = 'password'", [hashed]);
    return {};
}
"""


def test_propagation_is_off_by_default_and_one_level_when_on() -> None:
    off = zone("auth", imports=["bcrypt"])
    assert symbols(classify(off, "password.js", PASSWORD_JS)) == {"hashPassword"}
    on = replace(off, propagate=True)
    result = classify(on, "password.js", PASSWORD_JS)
    assert symbols(result) == {"hashPassword", "changePassword"}
    assert reasons(result, "auth", "changePassword") == ("calls hashPassword",)


def test_propagation_stops_after_one_level_and_ignores_other_objects_methods() -> None:
    payments = replace(zone("payments", imports=["stripe"]), propagate=True)
    code = """
    import stripe

    def _client(key):
        stripe.api_key = key
        return stripe

    def authorize(info, key):
        return _client(key).PaymentIntent.create(amount=info.amount)

    def process_payment(info, key):
        return authorize(info, key)

    def describe(cache):
        return cache._client("x")
    """
    found = symbols(classify(payments, "gateway.py", code))
    assert found == {"_client", "authorize"}  # process_payment is two levels away; cache._client is not ours


def test_calls_of_functions_named_like_a_zone_function(tmp_path: Path) -> None:
    # actual-sync-server 25.6.0 (MIT), build/src/app-account.js (abridged)
    code = """
    import express from 'express';
    import { changePassword, loginWithPassword } from './accounts/password.js';
    import { validateSession } from './util/validate-user.js';
    const app = express();
    app.use(express.json());
    app.get('/login-methods', (req, res) => {
        res.send({ status: 'ok', methods: listLoginMethods() });
    });
    app.post('/change-password', (req, res) => {
        const session = validateSession(req, res);
        if (!session)
            return;
        const { error } = changePassword(req.body.password);
        res.send({ status: 'ok', data: {} });
    });
    """
    (tmp_path / ".pavedroad.yaml").write_text("version: 1\nextends: [preset:auth]\n")
    config = load_config(tmp_path).config
    assert config is not None
    result = Classifier(config).classify("app-account.js", code.encode())
    assert {r.symbol for r in result.regions} == {"POST /change-password"}
    assert "calls validateSession" in result.regions[0].reasons


def test_style_insensitive_call_and_symbol_rules() -> None:
    z = zone("auth", calls=["check_password"], symbols=["(?i)^(set|reset)_?password$"])
    code = """
    export class User {
      setPassword(p) { this.hash = hash(p); }
      login(p) { return checkPassword(p, this.hash); }
      rename(n) { this.name = n; }
    }
    """
    assert symbols(classify(z, "user.ts", code)) == {"User.setPassword", "User.login"}
    assert symbols(classify(zone("auth", calls=["signInWithPassword"]), "a.py", "def f(c):\n    return c.sign_in_with_password(1)\n")) == {"f"}


def test_exclusive_tests_zone_keeps_test_files_out_of_unlocked_zones() -> None:
    # golang-github-docker-distribution-dev 2.8.2 (Apache-2.0), registry/auth/token/token_test.go
    code = """
    package token

    import (
    \t"crypto/x509"
    \t"github.com/golang-jwt/jwt/v5"
    )

    func makeRootCerts(rootKeys []PrivateKey) ([]*x509.Certificate, error) {
    \tcert, err := x509.ParseCertificate(der)
    \treturn []*x509.Certificate{cert}, err
    }

    func TestToken(t *testing.T) { jwt.Parse("x", nil) }
    """
    tests = zone("tests", scope="file", ai=Level.ALLOW, paths=["**/*_test.go"])
    exclusive = replace(tests, exclusive=True)
    auth = zone("auth", imports=["github.com/golang-jwt/jwt"])
    crypto = zone("crypto", imports=["crypto"])
    locked = replace(crypto, locked=True)
    shared = classify([tests, auth, crypto], "token/token_test.go", code)
    assert {r.zone for r in shared.regions} == {"tests", "auth", "crypto"}
    result = classify([exclusive, auth, locked], "token/token_test.go", code)
    assert {r.zone for r in result.regions} == {"tests", "crypto"}  # a locked zone stays in force
    assert classify([exclusive, auth], "token/token.go", code).regions != ()  # only files it matches


def test_exclusive_and_propagate_load_from_config_and_lock(tmp_path: Path) -> None:
    central = tmp_path / "central.yaml"
    central.write_text(
        "version: 1\nlocked: true\nzones:\n  - id: auth\n    ai: review\n    propagate: true\n"
        "    match: {imports: [jwt]}\n  - id: tests\n    ai: allow\n    exclusive: false\n"
        "    match: {paths: ['tests/**']}\n"
    )
    (tmp_path / ".pavedroad.yaml").write_text(
        "version: 1\nzones:\n  - id: auth\n    propagate: false\n  - id: tests\n    exclusive: true\n"
    )
    loaded = load_config(tmp_path, central=[str(central)])
    assert loaded.config is not None
    by_id = {z.id: z for z in loaded.config.zones}
    assert by_id["auth"].propagate is True and by_id["tests"].exclusive is False
    refused = [p for p in loaded.problems if p.code == "PR005"]
    assert len(refused) == 2 and all("locked" in p.message for p in refused)
    # the preset's own settings
    (tmp_path / ".pavedroad.yaml").write_text("version: 1\nextends: [preset:tests, preset:auth]\n")
    preset = load_config(tmp_path).config
    assert preset is not None
    assert {z.id: (z.exclusive, z.propagate) for z in preset.zones} == {"tests": (True, False), "auth": (False, True)}


def test_bad_values_for_the_new_keys_are_reported(tmp_path: Path) -> None:
    (tmp_path / ".pavedroad.yaml").write_text(
        "version: 1\nzones:\n  - id: z\n    propagate: sometimes\n    exclusive: 3\n"
    )
    loaded = load_config(tmp_path)
    messages = [p.message for p in loaded.problems if p.code == "PR002"]
    assert any("propagate" in m for m in messages) and any("exclusive" in m for m in messages)


# --- `propagate_match: false`: a layer's own rules mark without pulling callers in ----------------

QUIET_CENTRAL = (
    "version: 1\nlocked: true\nzones:\n  - id: auth\n    ai: review\n    propagate: true\n"
    "    match: {imports: [jwt], symbols: ['^check_login$']}\n"
)
QUIET_REPO = (
    "version: 1\nzones:\n  - id: auth\n    propagate_match: false\n"
    "    match: {symbols: ['^run_login_flow$', '^check_login$']}\n"
)
QUIET_CODE = b"""\
import jwt


def verify(token):
    return jwt.decode(token, "k")


def run_login_flow(request):
    return request.form["user"]


def check_login(request):
    return request.user


def handle(request):
    run_login_flow(request)
    return render(request)


def dispatch(request):
    return check_login(request) and verify(request.token)
"""


def test_quiet_rules_mark_what_they_name_but_callers_do_not_join(tmp_path: Path) -> None:
    central = tmp_path / "central.yaml"
    central.write_text(QUIET_CENTRAL)
    (tmp_path / ".pavedroad.yaml").write_text(QUIET_REPO)
    loaded = load_config(tmp_path, central=[str(central)])
    assert loaded.config is not None and not loaded.problems
    auth = loaded.config.zone("auth")
    assert auth is not None and auth.propagate
    # the repo's own rule is quiet; the one central also wrote stays loud: no layer quiets another's
    assert auth.quiet.symbols == ("^run_login_flow$",)
    result = Classifier(loaded.config).classify("app/views.py", QUIET_CODE)
    found = symbols(result, "auth")
    assert {"verify", "run_login_flow", "check_login", "dispatch"} <= found
    assert "handle" not in found  # calls only the quiet rule's function
    assert set(reasons(result, "auth", "dispatch")) == {"calls check_login", "calls verify"}


def test_propagate_match_changes_the_digest_and_rejects_non_booleans(tmp_path: Path) -> None:
    (tmp_path / ".pavedroad.yaml").write_text(QUIET_REPO.replace("    propagate_match: false\n", ""))
    loud = load_config(tmp_path).config
    (tmp_path / ".pavedroad.yaml").write_text(QUIET_REPO)
    quiet = load_config(tmp_path).config
    assert loud is not None and quiet is not None and loud.digest != quiet.digest
    (tmp_path / ".pavedroad.yaml").write_text(QUIET_REPO.replace("false", "maybe"))
    problems = [p for p in load_config(tmp_path).problems if p.code == "PR002"]
    assert len(problems) == 1 and "propagate_match" in problems[0].message
    assert problems[0].where.line == 4


def test_quiet_rules_do_not_pull_callers_in_other_files(tmp_path: Path) -> None:
    """Through the CLI, on a repository: the caller in another file joins only when loud."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "flow.py").write_text('def run_login_flow(request):\n    return request.form["user"]\n')
    (tmp_path / "app" / "views.py").write_text(
        "from app.flow import run_login_flow\n\n\ndef handle(request):\n    return run_login_flow(request)\n"
    )
    config = ("version: 1\nzones:\n  - id: auth\n    ai: review\n    propagate: true\n    propagate_match: {}\n"
              "    match: {{symbols: ['^run_login_flow$']}}\n")
    found = {}
    for flag in ("true", "false"):
        (tmp_path / ".pavedroad.yaml").write_text(config.format(flag))
        out = subprocess.run([sys.executable, "-m", "pavedroad", "zones", str(tmp_path), "--format", "json"],
                             capture_output=True, text=True, check=True).stdout
        found[flag] = {(f["path"], r["symbol"]) for f in json.loads(out)["files"] for r in f["regions"]}
    assert found["true"] == {("app/flow.py", "run_login_flow"), ("app/views.py", "handle")}
    assert found["false"] == {("app/flow.py", "run_login_flow")}


def test_propagate_match_that_can_change_nothing_is_a_warning_on_its_line(tmp_path: Path) -> None:
    central = tmp_path / "central.yaml"
    central.write_text(QUIET_CENTRAL)
    cases = {
        # the zone does not propagate
        "version: 1\nzones:\n  - id: pii\n    propagate_match: false\n    match: {symbols: ['^ssn$']}\n":
            "does not propagate",
        # nothing but paths
        "version: 1\nzones:\n  - id: auth\n    propagate_match: false\n    match: {paths: ['auth/**']}\n":
            "no content rules",
        # every rule also written by the central map, where it propagates
        "version: 1\nzones:\n  - id: auth\n    propagate_match: false\n    match: {imports: [jwt]}\n":
            "also written by another entry",
    }
    for text, why in cases.items():
        (tmp_path / ".pavedroad.yaml").write_text(text)
        loaded = load_config(tmp_path, central=[str(central)])
        warnings = [p for p in loaded.problems if p.severity == "warning"]
        assert len(warnings) == 1 and why in warnings[0].message, (text, loaded.problems)
        assert warnings[0].where.line == 4 and warnings[0].where.file.endswith(".pavedroad.yaml")

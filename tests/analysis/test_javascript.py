"""JavaScript, TypeScript and TSX: imports, require, calls, decorators, symbols."""

from __future__ import annotations

import pytest

from .helpers import classify, reasons, region, symbols, zone

AUTH = zone("auth", imports=["jsonwebtoken", "crypto"])


@pytest.mark.parametrize("path", ["a.js", "a.mjs", "a.ts", "a.tsx"])
def test_import_forms(path: str) -> None:
    result = classify(
        AUTH,
        path,
        """
        import jwt from "jsonwebtoken";
        import * as c from "node:crypto";
        import { createHash as h } from "crypto";
        import { format } from "util";

        export function sign(user) {
          return jwt.sign({ sub: user }, "k");
        }

        export const digest = (s) => c.createHash("sha256").update(s).digest("hex");

        function hashIt(s) {
          return h("sha1").update(s);
        }

        function greet(name) {
          return format("Hello %s", name);
        }
        """,
    )
    assert symbols(result) == {"sign", "digest", "hashIt"}
    r = region(result, "auth", "sign")
    assert (r.start_line, r.end_line, r.kind) == (6, 8, "function")  # `export` included


def test_require_forms() -> None:
    result = classify(
        AUTH,
        "server.js",
        """
        const jwt = require("jsonwebtoken");
        const { createCipheriv, randomBytes: rb } = require("crypto");
        const verify = require("jsonwebtoken").verify;

        function issue(id) { return jwt.sign({ id }, "k"); }
        function enc(k, iv) { return createCipheriv("aes-256-gcm", k, iv); }
        function nonce() { return rb(12); }
        function check(t) { return verify(t, "k"); }
        function inline() { return require("crypto").randomUUID(); }
        async function lazy() { const m = await import("jsonwebtoken"); return m; }
        function plain(a) { return a + 1; }
        """,
    )
    assert symbols(result) == {"issue", "enc", "nonce", "check", "inline", "lazy"}


def test_module_level_use_and_side_effect_import() -> None:
    # the top-level statement that uses the name / the import itself, never the whole file
    result = classify(AUTH, "a.js", 'const jwt = require("jsonwebtoken");\nexport default jwt;\n')
    assert [(r.kind, r.start_line) for r in result.regions] == [("statement", 2)]
    assert symbols(classify(AUTH, "a.js", 'import "crypto";\nfunction f() {}\n')) == {'import "crypto";'}
    result = classify(AUTH, "a.js", 'export { sign } from "jsonwebtoken";\nfunction f() {}\n')
    assert [(r.kind, r.start_line) for r in result.regions] == [("statement", 1)]


def test_module_boundaries() -> None:
    code = 'import CryptoJS from "crypto-js";\nimport x from "jsonwebtoken-lite";\nfunction f() { return CryptoJS.x + x; }\n'
    assert classify(AUTH, "a.js", code).regions == ()
    code = 'import { a } from "jsonwebtoken/lib/sign";\nfunction f() { return a(); }\n'
    assert symbols(classify(AUTH, "a.js", code)) == {"f"}


CRYPTO_CALLS = zone("crypto", calls=["crypto.createCipheriv", "createHash", "crypto.subtle.encrypt"])


def test_calls_through_bindings() -> None:
    result = classify(
        CRYPTO_CALLS,
        "c.ts",
        """
        import crypto from "crypto";
        import { createCipheriv } from "node:crypto";
        const { createCipheriv: cc } = require("crypto");

        class Vault {
          seal(k: Buffer, iv: Buffer) {
            return crypto.createCipheriv("aes-256-gcm", k, iv);
          }
          seal2(k: Buffer, iv: Buffer) {
            return createCipheriv("aes-256-gcm", k, iv);
          }
          digest(s: string) {
            return this.hasher.createHash(s);
          }
          open(k: CryptoKey, d: ArrayBuffer) {
            return window.crypto.subtle.encrypt({ name: "AES-GCM" }, k, d);
          }
          label() {
            return "vault";
          }
        }
        const seal3 = (k, iv) => cc("aes-128-gcm", k, iv);
        """,
    )
    assert symbols(result) == {"Vault.seal", "Vault.seal2", "Vault.digest", "Vault.open", "seal3"}
    assert region(result, "crypto", "Vault.seal").kind == "method"
    assert reasons(result, "crypto", "Vault.seal2") == ("call crypto.createCipheriv",)


def test_new_expression_counts_as_a_call() -> None:
    result = classify(zone("x", calls=["Stripe"]), "p.js", "function pay() { return new Stripe(key); }\n")
    assert symbols(result) == {"pay"}


def test_typescript_decorators() -> None:
    result = classify(
        zone("auth", decorators=["UseGuards", "Roles", "auth.Required"]),
        "c.ts",
        """
        @Controller("users")
        export class UsersController {
          @UseGuards(AuthGuard("jwt"))
          @Get()
          list() {
            return [];
          }

          @Roles("admin") remove() {}

          @auth.Required()
          update() {}

          health() {
            return "ok";
          }
        }

        @UseGuards(AdminGuard)
        class Admin {}
        """,
    )
    assert symbols(result) == {"UsersController.list", "UsersController.remove", "UsersController.update", "Admin"}
    r = region(result, "auth", "UsersController.list")
    assert r.start_line == 3  # the decorators belong to the method's region


def test_symbols_and_imports_in_type_positions() -> None:
    result = classify(
        [zone("auth", symbols=["(?i)^(login|issueToken)$"], imports=["jsonwebtoken"])],
        "t.ts",
        """
        import type { JwtPayload } from "jsonwebtoken";

        interface Session { user: string }

        export async function login(u: string): Promise<Session> { return { user: u }; }
        const issueToken = function () { return "t"; };
        export class Api {
          parse(p: JwtPayload) { return p.sub; }
          private formatGreeting = (n: string) => `hi ${n}`;
        }
        """,
    )
    # `parse(p: JwtPayload)` only names the type: no use of the library
    assert symbols(result) == {"login", "issueToken"}


def test_tsx_component() -> None:
    result = classify(
        zone("auth", imports=["next-auth/react"]),
        "Page.tsx",
        """
        import { useSession } from "next-auth/react";

        export default function Page() {
          const { data } = useSession();
          return <div>{data?.user?.name}</div>;
        }

        function Footer() {
          return <footer>hi</footer>;
        }
        """,
    )
    assert symbols(result) == {"Page"}


def test_imported_names_in_member_decorators_belong_to_the_member() -> None:
    result = classify(
        zone("auth", imports=["@nestjs/passport"]),
        "c.ts",
        """
        import { AuthGuard } from "@nestjs/passport";

        export class ProfileController {
          @UseGuards(AuthGuard("jwt"))
          me() { return 1; }

          version() { return "1"; }
        }
        """,
    )
    assert symbols(result) == {"ProfileController.me"}


def test_commonjs_and_default_exports_are_definitions() -> None:
    result = classify(
        AUTH,
        "legacy.js",
        """
        const jwt = require("jsonwebtoken");

        exports.login = (req) => jwt.sign({ sub: req.user }, "k");
        module.exports.check = function check(t) { return jwt.verify(t, "k"); };
        const api = { refresh: function () { return jwt.sign({}, "k"); }, ping() { return 1; } };

        export default function () {
          return jwt.decode("t");
        }
        """,
    )
    assert symbols(result) == {"login", "check", "refresh", "default"}
    named = classify(zone("a", symbols=["^(login|check)$"]), "x.js", "exports.login = () => 1;\nmodule.exports = function check() {};\n")
    assert symbols(named) == {"login", "check"}


def test_anonymous_route_handlers_are_their_own_regions() -> None:
    code = (
        'import jwt from "jsonwebtoken";\n'
        'app.get("/", (req, res) => res.send(jwt.sign({}, "k")));\n'
        'app.get("/health", (req, res) => res.send("ok"));\n'
    )
    result = classify(AUTH, "routes.js", code)
    assert symbols(result) == {"GET /"}
    assert [(r.kind, r.start_line, r.end_line) for r in result.regions] == [("statement", 2, 2)]


def test_package_names_with_dots_are_not_subpaths() -> None:
    code = 'import merge from "lodash.merge";\nexport function f(a, b) { return merge(a, b); }\n'
    assert classify(zone("z", imports=["lodash"]), "a.js", code).regions == ()
    assert symbols(classify(zone("z", imports=["lodash.merge"]), "a.js", code)) == {"f"}


def test_typescript_import_equals_require() -> None:
    code = 'import jwt = require("jsonwebtoken");\nexport function f() { return jwt.sign({}, "k"); }\nexport function g() {}\n'
    assert symbols(classify(AUTH, "a.ts", code)) == {"f"}


def test_compiled_unbound_calls_are_calls_of_the_import() -> None:
    # Babel and tsc's CommonJS output call a named import as `(0, _mod.name)(...)`
    verify = zone("auth", calls=["jsonwebtoken.verify", "createRemoteUser"])
    result = classify(
        verify,
        "build/auth.js",
        """
        "use strict";
        var _jsonwebtoken = require("jsonwebtoken");
        const jsonwebtoken_1 = require("jsonwebtoken");
        var _utils = require("./utils");
        function babel(t) { return (0, _jsonwebtoken.verify)(t, "k"); }
        function tsc(t) { return (0, jsonwebtoken_1.verify)(t, "k"); }
        function local(u) { return (0, _utils.createRemoteUser)(u, []); }
        function bare(u) { return (0, createRemoteUser)(u); }
        function referenced() { const f = (0, _jsonwebtoken.verify); return f; }
        function sideEffect(t) { return (log(t), _jsonwebtoken.verify)(t); }
        function other(t) { return (0, _jsonwebtoken.decode)(t); }
        """,
    )
    assert symbols(result) == {"babel", "tsc", "local", "bare"}
    assert reasons(result, "auth", "tsc") == ("call jsonwebtoken.verify",)


def test_compiled_default_imports_reach_the_module_through_default() -> None:
    # `import jwt from "jsonwebtoken"; jwt.verify(t)` compiles to `_jsonwebtoken.default.verify(t)`
    # (Babel) or `jsonwebtoken_1.default.verify(t)` (tsc), with the require wrapped for interop
    verify = zone("auth", calls=["jsonwebtoken.verify"])
    result = classify(
        verify,
        "build/auth.js",
        """
        "use strict";
        var _jsonwebtoken = _interopRequireDefault(require("jsonwebtoken"));
        const jsonwebtoken_1 = __importDefault(require("jsonwebtoken"));
        const star = __importStar(require("jsonwebtoken"));
        const other = _interopRequireDefault(require("jwt-decode"));
        function babel(t) { return _jsonwebtoken.default.verify(t, "k"); }
        function tsc(t) { return jsonwebtoken_1.default.verify(t, "k"); }
        function unbound(t) { return (0, star.verify)(t, "k"); }
        function elsewhere(t) { return other.default.verify(t); }
        function sign(t) { return _jsonwebtoken.default.sign(t, "k"); }
        """,
    )
    assert symbols(result) == {"babel", "tsc", "unbound"}
    assert reasons(result, "auth", "babel") == ("call jsonwebtoken.verify",)


@pytest.mark.parametrize("path", ["dist/auth/crypto.js", "dist/auth/crypto.ts"])
def test_compiler_export_getters_are_not_the_functions_they_name(path: str) -> None:
    """payload 2.32.3 (MIT), dist/auth/crypto.js: SWC emits `_export(exports, { decrypt:
    function() { return decrypt; } })` for every export (esbuild: `decrypt: () => decrypt`).
    Named `decrypt`, the getter joined the zone of a rule for the real `decrypt`."""
    result = classify(
        zone("crypto", symbols=["^(en|de)crypt$"]),
        path,
        """
        _export(exports, {
            decrypt: function() {
                return decrypt;
            },
            encrypt: () => encrypt,
            login: function(req) { return login; },
        });
        function decrypt(hash) {
            return hash;
        }
        """,
    )
    assert [(r.symbol, r.start_line) for r in result.regions] == [("decrypt", 8)]


def test_an_exported_settings_object_stays_whole() -> None:
    # tried and taken back: narrowed to the member holding the match, the cookie flags next to
    # the session secret left the zone (an AI could turn `secure` off unreviewed)
    code = """
    export default {
        secret: process.env.SESSION_SECRET,
        cookie: { secure: true, httpOnly: true, sameSite: "strict" },
    };
    """
    query = '((member_expression) @m (#match? @m "SESSION_SECRET"))'
    result = classify(zone("secrets", queries={"javascript": query}), "session.js", code)
    whole = [r for r in result.regions if r.zone == "secrets"]
    assert whole and all(r.start_line == 1 and r.end_line == 4 for r in whole)

"""Python: imports (and the usage rule), calls, decorators, symbols, aliases."""

from __future__ import annotations

from .helpers import classify, reasons, region, symbols, zone

AUTH = zone("auth", imports=["jwt"])


def test_import_marks_only_the_functions_that_use_it() -> None:
    result = classify(
        AUTH,
        "app.py",
        """
        import jwt

        def verify(token):
            return jwt.decode(token, "k")

        def harmless(x):
            return x + 1
        """,
    )
    assert symbols(result) == {"verify"}
    assert reasons(result, "auth", "verify") == ("import jwt",)
    r = region(result, "auth", "verify")
    assert (r.start_line, r.end_line, r.kind) == (3, 4, "function")


def test_module_level_use_marks_the_statement_and_the_users_of_its_name() -> None:
    result = classify(
        AUTH,
        "app.py",
        """
        import jwt

        DECODE = jwt.decode

        def harmless():
            return 1

        def verify(token):
            return DECODE(token)
        """,
    )
    assert symbols(result) == {"DECODE", "verify"}
    r = region(result, "auth", "DECODE")
    assert (r.kind, r.start_line, r.end_line) == ("statement", 3, 3)
    assert reasons(result, "auth", "verify") == ("uses DECODE (import jwt)",)


def test_scope_file_marks_the_file_for_a_use_in_a_function() -> None:
    result = classify(
        zone("auth", scope="file", imports=["jwt"]),
        "app.py",
        """
        import jwt

        def verify(t):
            return jwt.decode(t)
        """,
    )
    assert symbols(result) == {None}


def test_unused_import_marks_the_import() -> None:
    assert symbols(classify(AUTH, "a.py", "import jwt\n\ndef f():\n    return 1\n")) == {"import jwt"}
    result = classify(AUTH, "a.py", "def f():\n    import jwt\n    return 1\n\ndef g():\n    pass\n")
    assert symbols(result) == {"f"}


def test_import_forms_and_aliases() -> None:
    code = """
        import jwt as j
        from jwt import algorithms as algs
        import jwt.utils
        from os import path

        def a():
            return j.encode({}, "k")

        def b():
            return algs.get_default_algorithms()

        def c():
            return jwt.utils.base64url_encode(b"x")

        def d():
            return path.join("a", "b")
        """
    assert symbols(classify(AUTH, "m.py", code)) == {"a", "b", "c"}


def test_prefix_matches_only_at_dot_boundary() -> None:
    code = "import jwtx\nimport jwt_helpers\n\ndef f():\n    return jwtx.x + jwt_helpers.y\n"
    assert classify(AUTH, "m.py", code).regions == ()
    # a pattern deeper than the imported module only matches uses of that submodule
    result = classify(
        zone("dj", imports=["django.contrib.auth"]),
        "v.py",
        """
        import django.contrib.auth
        import django
        from django.contrib import auth as dj_auth

        def login(request):
            return django.contrib.auth.login(request)

        def settings():
            return django.conf.settings

        def logout(request):
            return dj_auth.logout(request)
        """,
    )
    assert symbols(result) == {"login", "logout"}


def test_from_import_of_the_module_itself() -> None:
    result = classify(
        zone("dj", imports=["django.contrib.auth"]),
        "v.py",
        """
        from django.contrib.auth import authenticate, login as do_login

        def view(request):
            user = authenticate(request)
            do_login(request, user)

        def other():
            return 2
        """,
    )
    assert symbols(result) == {"view"}


def test_wildcard_and_relative_imports() -> None:
    assert symbols(classify(AUTH, "m.py", "from jwt import *\n\ndef f():\n    pass\n")) == {None}
    assert classify(AUTH, "m.py", "from . import jwt\n\ndef f():\n    return jwt.x\n").regions == ()


def test_import_in_a_string_or_comment_is_not_an_import() -> None:
    code = '# import jwt\nDOC = "import jwt"\n\ndef f():\n    return DOC\n'
    assert classify(AUTH, "m.py", code).regions == ()


def test_class_body_use_marks_the_member_and_methods_are_qualified() -> None:
    result = classify(
        AUTH,
        "m.py",
        """
        import jwt

        class Tokens:
            ALGORITHMS = jwt.algorithms

            def issue(self):
                def inner():
                    return jwt.encode({}, "k")
                return inner()

            def name(self):
                return "tokens"
        """,
    )
    # the class attribute, not the class (`name` has nothing to do with jwt)
    assert symbols(result) == {"Tokens.ALGORITHMS", "Tokens.issue.inner"}
    assert region(result, "auth", "Tokens.ALGORITHMS").kind == "statement"
    assert region(result, "auth", "Tokens.issue.inner").kind == "function"


CALLS = zone("auth", calls=["jwt.encode", "check_password_hash"])


def test_calls_dotted_bare_and_aliased() -> None:
    result = classify(
        CALLS,
        "c.py",
        """
        import jwt as j
        from jwt import encode
        from jwt import encode as enc
        from werkzeug.security import check_password_hash as cph
        from werkzeug import security

        def a():
            return j.encode({}, "k")

        def b():
            return encode({}, "k")

        def c():
            return enc({}, "k")

        def d(h, p):
            return cph(h, p)

        def e(h, p):
            return security.check_password_hash(h, p)

        def f(h, p):
            return check_password_hash(h, p)

        def g(codec):
            return codec.encode("x")

        def h():
            return encode
        """,
    )
    assert symbols(result) == {"a", "b", "c", "d", "e", "f"}
    assert reasons(result, "auth", "a") == ("call jwt.encode",)
    assert reasons(result, "auth", "f") == ("call check_password_hash",)


def test_call_of_an_unrelated_object_with_the_same_method_name() -> None:
    code = "import json\n\ndef f(s):\n    return s.encode('utf-8') + json.encode(1)\n"
    assert classify(CALLS, "c.py", code).regions == ()


DECORATORS = zone("auth", decorators=["login_required", "app.route", "admin.only"])


def test_decorators() -> None:
    result = classify(
        DECORATORS,
        "views.py",
        """
        from flask_login import login_required as needs_login

        @login_required
        def a():
            pass

        @app.route("/x", methods=["POST"])
        def b():
            pass

        @admin.only(level=3)
        def c():
            pass

        @needs_login
        def d():
            pass

        @other.route("/y")
        def e():
            pass

        class Views:
            @auth.login_required
            def f(self):
                pass

        def g():
            login_required(g)
        """,
    )
    assert symbols(result) == {"a", "b", "c", "d", "Views.f"}
    r = region(result, "auth", "a")
    assert (r.start_line, r.end_line) == (3, 5)  # the decorator line is part of the region
    assert reasons(result, "auth", "b") == ("decorator app.route",)
    assert region(result, "auth", "Views.f").kind == "method"


def test_symbols() -> None:
    result = classify(
        zone("auth", symbols=["(?i)^(login|verify_token)$", "^Token"]),
        "s.py",
        """
        def login():
            pass

        def Login_helper():
            pass

        class TokenStore:
            def verify_token(self):
                pass

        async def VERIFY_TOKEN():
            pass

        x = "def login(): pass"
        """,
    )
    assert symbols(result) == {"login", "TokenStore", "TokenStore.verify_token", "VERIFY_TOKEN"}
    assert reasons(result, "auth", "TokenStore") == ("symbol TokenStore",)


def test_non_ascii_identifiers_and_symbol_positions() -> None:
    data = "# é\nNAME = 'ünïcödé'\n\ndef vérifier_jeton():\n    return 'ü'\n".encode()
    result = classify(zone("auth", symbols=["^vérifier"]), "s.py", data)
    r = region(result, "auth", "vérifier_jeton")
    assert (r.start_line, r.end_line) == (4, 5)
    assert data[r.start_byte : r.end_byte].decode().startswith("def vérifier_jeton")
    assert r.end_byte == len(data) - 1  # the function ends before the final newline


def test_names_used_in_decorators_belong_to_the_decorated_function() -> None:
    result = classify(
        zone("auth", imports=["flask_login"]),
        "views.py",
        """
        from flask_login import login_required

        @app.route("/me")
        @login_required
        def me():
            return "me"

        def health():
            return "ok"
        """,
    )
    assert symbols(result) == {"me"}


def test_dotted_import_with_alias() -> None:
    result = classify(
        zone("crypto", imports=["cryptography.hazmat"]),
        "k.py",
        """
        import cryptography.hazmat.primitives.hashes as h
        import cryptography.fernet as f

        def digest():
            return h.SHA256()

        def box(key):
            return f.Fernet(key)
        """,
    )
    assert symbols(result) == {"digest"}

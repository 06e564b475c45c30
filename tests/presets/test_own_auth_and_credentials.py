"""preset:auth on real code shapes: the project's own `auth` package (`**/auth` imports) in every
language, functions that receive a password or credentials, and Go methods calling a sibling
through their receiver. Every query of the preset compiles (`classifier` asserts no notes)."""

from __future__ import annotations

from pathlib import Path

from .test_regressions import classifier, zoned

# docker/distribution 2.8.2 (Apache-2.0), registry/handlers/app.go (abridged)
GO_OWN_AUTH = """
package handlers

import (
    "net/http"

    "github.com/docker/distribution/registry/auth"
)

type App struct{ accessController auth.AccessController }

func appendAccessRecords(records []auth.Access, method string, repo string) []auth.Access {
    resource := auth.Resource{Type: "repository", Name: repo}
    return append(records, auth.Access{Resource: resource, Action: "pull"})
}

func nameRequired(r *http.Request) bool { return r.URL.Path != "/v2/" }
"""


def test_go_own_auth_package(tmp_path: Path) -> None:
    assert zoned(classifier(tmp_path, "auth"), "registry/handlers/app.go", GO_OWN_AUTH, "auth") == {
        "appendAccessRecords"  # the struct's field type alone is a declaration, not a use
    }


def test_python_own_auth_module_absolute_relative_and_as_member(tmp_path: Path) -> None:
    code = """
    from shop.auth import current_user
    from . import auth
    from .authz import can_edit
    from shop.authority import rank

    def profile(request):
        return current_user(request)

    def edit(request, item):
        return can_edit(request, item) and auth.check(request)

    def ranking(item):
        return rank(item)
    """
    assert zoned(classifier(tmp_path, "auth"), "shop/views.py", code, "auth") == {"profile", "edit"}


def test_typescript_own_auth_module_next_auth_style(tmp_path: Path) -> None:
    code = """
    import { auth } from "@/auth";
    import { formatDate } from "@/lib/dates";
    import { getSession } from "../../lib/auth/index.ts";

    export async function GET() {
        const session = await auth();
        return Response.json({ user: session?.user });
    }

    export function label(d: Date) { return formatDate(d); }

    export async function me(req: Request) { return getSession(req); }
    """
    assert zoned(classifier(tmp_path, "auth"), "app/api/me/route.ts", code, "auth") == {"GET", "me"}


def test_java_own_auth_package(tmp_path: Path) -> None:
    code = """
    package com.acme.web;

    import com.acme.auth.TokenService;
    import com.acme.authoring.Draft;

    public class Api {
        public String login(String user) { return TokenService.issue(user); }
        public String draft(String text) { return Draft.of(text).toString(); }
    }
    """
    assert zoned(classifier(tmp_path, "auth"), "src/main/java/com/acme/web/Api.java", code, "auth") == {"Api.login"}


# Apache Tomcat 10.1.55 (Apache-2.0), java/org/apache/catalina/realm/SecretKeyCredentialHandler.java (abridged)
TOMCAT_HANDLER = """
package org.apache.catalina.realm;

public class SecretKeyCredentialHandler extends DigestCredentialHandlerBase {
    private int keyLength = 160;

    public int getKeyLength() { return keyLength; }

    public void setKeyLength(int keyLength) { this.keyLength = keyLength; }

    @Override
    public boolean matches(String inputCredentials, String storedCredentials) {
        return matchesSaltIterationsEncoded(inputCredentials, storedCredentials);
    }
}
"""


def test_a_function_receiving_credentials_is_auth_in_every_language(tmp_path: Path) -> None:
    built = classifier(tmp_path, "auth")
    assert zoned(built, "SecretKeyCredentialHandler.java", TOMCAT_HANDLER, "auth") == {
        "SecretKeyCredentialHandler.matches"
    }
    python = """
    def create_user(email, password=None, **extra):
        return {"email": email, "secret": password}

    def set_name(user, name: str):
        user.name = name

    def change(user, *, new_password: str = ""):
        user.pw = new_password
    """
    assert zoned(built, "users.py", python, "auth") == {"create_user", "change"}
    typescript = """
    export async function register(email: string, password: string) { return db.insert(email, password); }
    export const reset = async ({ token, newPassword }: { token: string; newPassword: string }) => token;
    export function rename(user: User, name?: string) { user.name = name; }
    """
    assert zoned(built, "users.ts", typescript, "auth") == {"register", "reset"}
    javascript = "function login({ email, password }) { return post(email, password); }\nfunction page(n) { return n; }\n"
    assert zoned(built, "users.js", javascript, "auth") == {"login"}
    go = "package users\n\nfunc Check(user, password string) bool { return user != password }\n\nfunc Name(u string) string { return u }\n"
    assert zoned(built, "users.go", go, "auth") == {"Check"}


# docker/distribution 2.8.2 (Apache-2.0), registry/auth/token/token.go (abridged)
GO_RECEIVER = """
package token

import "crypto/x509"

type Token struct{ Raw string }

func (t *Token) parseDER(der []byte) error {
    _, err := x509.ParseCertificate(der)
    return err
}

func (t *Token) VerifySigningKey(der []byte) error { return t.parseDER(der) }

func (t *Token) Compact() string { return t.Raw }

func (o *Other) VerifyOther(der []byte) error { return o.parseDER(der) }
"""


def test_go_method_calling_a_sibling_through_its_receiver(tmp_path: Path) -> None:
    found = zoned(classifier(tmp_path, "crypto"), "token.go", GO_RECEIVER, "crypto")
    assert found == {"Token.parseDER", "Token.VerifySigningKey"}  # Other's receiver is another type


def test_credentials_on_a_request_and_csrf_guards(tmp_path: Path) -> None:
    built = classifier(tmp_path, "auth")
    # Syncthing 1.19.2 (MPL-2.0), cmd/syncthing/cli/client.go and lib/api/api_csrf.go (abridged)
    go = """
    package cli

    func (c *apiClient) Do(req *http.Request) (*http.Response, error) {
        req.Header.Set("X-API-Key", c.apikey)
        return c.Client.Do(req)
    }

    func (c *apiClient) Get(url string) (*http.Response, error) {
        req, _ := http.NewRequest("GET", c.Endpoint()+"rest/"+url, nil)
        req.Header.Set("Content-Type", "application/json")
        return c.Do(req)
    }

    func (m *csrfManager) validToken(token string) bool { return m.tokens[token] }
    """
    assert zoned(built, "client.go", go, "auth") == {"apiClient.Do", "apiClient.Get", "csrfManager.validToken"}
    python = """
    def fetch(session, url, token):
        return session.get(url, headers={"Authorization": f"Bearer {token}"})

    def page(session, url):
        return session.get(url, headers={"Accept": "text/html"})
    """
    assert zoned(built, "api.py", python, "auth") == {"fetch"}
    typescript = """
    export async function call(url: string, key: string) {
        return fetch(url, { headers: { "x-api-key": key } });
    }
    export async function plain(url: string) { return fetch(url, { headers: { Accept: "json" } }); }
    """
    assert zoned(built, "api.ts", typescript, "auth") == {"call"}

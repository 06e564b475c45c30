"""Structured credentials without a provider prefix: private keys, URL userinfo, auth headers."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from .detector import B64, Detector, Hits
from .findings import make_finding, secret_rule
from .model import PromptFinding
from .placeholders import char_classes, is_placeholder, shannon_entropy, token_body_ok
from .prefilter import Anchor
from .reserved import is_reserved_host

PRIVATE_KEY = secret_rule("secret.private-key", "a private key")
URL_CREDENTIALS = secret_rule("secret.url-credentials", "a password embedded in a URL")
AUTH_HEADER = secret_rule("secret.auth-header", "a credential in an Authorization header")
CLI_PASSWORD = secret_rule("secret.cli-password", "a password passed on a command line")
REGISTRY_AUTH = secret_rule("secret.registry-auth", "a registry login in a Docker config (`auths`)")

#: Longest key block we look at; an RSA-8192 PEM is about 6.5 KB.
MAX_KEY_CHARS = 16384

_PEM_HEADER = re.compile(
    r"-----BEGIN (?P<label>(?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?)-----", re.ASCII
)
#: Body of a PEM block whose END line is missing (truncated paste): base64, line breaks and
#: literal `\n` escapes from JSON strings. No `-`, so it stops at the next `-----` line.
_PEM_BODY = re.compile(rf"[A-Za-z0-9+/=\s\\:,]{{0,{MAX_KEY_CHARS}}}", re.ASCII)
_PEM_NOISE = re.compile(r"\\[nr]|\s|(?:Proc-Type|DEK-Info|Comment|Version):[^\n\\]{0,200}")
_PUTTY = re.compile(
    r"Private-Lines: [0-9]{1,3}\r?\n(?P<b>(?:[A-Za-z0-9+/=]{1,80}\r?\n){0,63}[A-Za-z0-9+/=]{1,80})",
    re.ASCII,
)


def _key_material_ok(body: str) -> bool:
    material = _PEM_NOISE.sub("", body)
    if len(material) < 64 or "..." in body or "\u2026" in body:
        return False
    # Stand-ins show at the ends (`MIIEv...your key here`); the middle of real key material is
    # random, so checking both ends keeps this cheap for 6 KB keys.
    if is_placeholder(material[:256]) or is_placeholder(material[-256:]):
        return False
    if any(ch not in B64 for ch in material):
        return False
    return shannon_entropy(material) >= 4.5


class PrivateKeyDetector(Detector):
    """PEM and OpenSSH private keys (with real key material), and PuTTY key files."""

    anchors = (Anchor("-----begin"), Anchor("private-lines:"))

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterator[PromptFinding]:
        covered = -1
        for pos, anchor in hits:
            if pos < covered:
                continue
            if anchor.literal == "private-lines:":
                m = _PUTTY.match(text, pos)
                if m and _key_material_ok(m.group("b")):
                    covered = m.end("b")
                    yield make_finding(
                        PRIVATE_KEY,
                        text,
                        m.start("b"),
                        m.end("b"),
                        "PuTTY key file",
                        masked="PuTTY Private-Lines: " + "*" * 16,
                    )
                continue
            header = _PEM_HEADER.match(text, pos)
            if header is None:
                continue
            label = header.group("label")
            end_marker = f"-----END {label}-----"
            stop = text.find(end_marker, header.end(), header.end() + MAX_KEY_CHARS)
            if stop >= 0:
                body = text[header.end() : stop]
                end = stop + len(end_marker)
            else:
                tail = _PEM_BODY.match(text, header.end())
                body = tail.group(0) if tail else ""
                end = header.end() + len(body.rstrip())
            # No other key can start inside this block, whatever we decide about it: skipping
            # the hits inside keeps `-----BEGIN ...` x 1000 linear.
            covered = end
            if not _key_material_ok(body):
                continue
            shown = header.group(0)
            if len(shown) * 3 > end - pos:
                shown = ""
            yield make_finding(
                PRIVATE_KEY, text, pos, end, label, masked=shown + "*" * 16 if shown else None
            )


_USERINFO = re.compile(
    r"://(?P<user>[^\s:@/?#\"'<>\[\]{}|\\^`]{0,128}):(?P<pw>[^\s@/\"'<>\[\]{}|\\^`]{1,256})@"
    r"(?P<host>\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9._~%-]{1,253})",
    re.ASCII,
)


class UrlCredentialDetector(Detector):
    """`scheme://user:password@host`: the password is flagged (and redacted), the rest kept."""

    anchors = (Anchor("://", case_sensitive=True),)

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterator[PromptFinding]:
        for pos, _anchor in hits:
            if pos == 0 or not text[pos - 1].isalpha():
                continue
            m = _USERINFO.match(text, pos)
            if m is None:
                continue
            user, pw, host = m.group("user"), m.group("pw"), m.group("host")
            if pw == user or is_placeholder(pw) or is_reserved_host(host):
                continue
            if pw.isdigit() and len(pw) <= 5:  # `host:port@...` in odd notations, not a password
                continue
            yield make_finding(URL_CREDENTIALS, text, m.start("pw"), m.end("pw"))


_AUTH_SCHEMES = r"bearer|basic|token|bot|apikey|api-key|key|sso-key|gateway-key|otp"
_AUTHORIZATION = re.compile(
    r"(?i:(?:proxy-)?authorization)[\"']?\s{0,3}[:=]\s{0,3}[\"']?"
    rf"(?:(?P<scheme>(?i:{_AUTH_SCHEMES}))\s{{1,3}})?(?P<v>[A-Za-z0-9._~+/=:-]{{8,4096}})",
    re.ASCII,
)
_BEARER = re.compile(r"(?i:bearer)\s{1,3}(?P<v>[A-Za-z0-9._~+/=-]{16,4096})", re.ASCII)


def _basic_ok(value: str) -> bool:
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False
    user, sep, password = decoded.partition(":")
    if not sep or not password.isprintable():
        return False
    return password != user and not is_placeholder(password)


_CODE_VALUE = re.compile(r"[A-Za-z_$][A-Za-z_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*", re.ASCII)


class AuthHeaderDetector(Detector):
    """`Authorization: Bearer ...` / `Basic ...` / `token ...`, and bare `Bearer <token>`."""

    anchors = (Anchor("authorization"), Anchor("bearer"))

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterator[PromptFinding]:
        seen: set[int] = set()
        for pos, anchor in hits:
            if pos > 0 and text[pos - 1].isalnum():
                continue
            pattern = _BEARER if anchor.literal == "bearer" else _AUTHORIZATION
            m = pattern.match(text, pos)
            if m is None or m.start("v") in seen:
                continue
            value = m.group("v")
            if text[m.end("v") : m.end("v") + 1] in ("(", "[") and _CODE_VALUE.fullmatch(value):
                continue  # code that looks the token up: `localStorage.getItem('token')`
            scheme = (m.groupdict().get("scheme") or "").lower()
            if scheme == "basic":
                ok = _basic_ok(value)
            else:
                ok = len(value) >= 16 and token_body_ok(value, min_entropy=3.2)
            if ok:
                seen.add(m.start("v"))
                yield make_finding(AUTH_HEADER, text, m.start("v"), m.end("v"))


#: `"auth": "<base64 of user:password>"` in a Docker / Podman config, also as a JSON string inside
#: YAML, TOML or a CI variable (`\\"auth\\": \\"...\\"`, one to three escaping backslashes).
_REGISTRY_AUTH = re.compile(
    r'"auth\\{0,3}"[ \t]{0,4}:[ \t]{0,4}\\{0,3}"(?P<v>[A-Za-z0-9+/]{8,4096}={0,2})\\{0,3}"', re.ASCII
)


class RegistryAuthDetector(Detector):
    """The `auth` field of a Docker config's `auths`: base64 of `user:password`, so it is a
    login whatever the registry (the decoded value is checked like a Basic header's)."""

    anchors = (Anchor('"auth', case_sensitive=True),)

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterator[PromptFinding]:
        for pos, _anchor in hits:
            m = _REGISTRY_AUTH.match(text, pos)
            if m is not None and _basic_ok(m.group("v")):
                yield make_finding(REGISTRY_AUTH, text, m.start("v"), m.end("v"))


#: Command-line tools and the flag each uses for a password (`-p` is a *port* for redis-cli and
#: `docker run`, so the flags are per tool).
_CLI_FLAGS = {
    "mysql": r"-p(?P<v>[^\s'\"-][^\s'\"]{0,127})|--password=(?P<v2>[^\s'\"]{1,128})",
    "mysqldump": r"-p(?P<v>[^\s'\"-][^\s'\"]{0,127})|--password=(?P<v2>[^\s'\"]{1,128})",
    "mariadb": r"-p(?P<v>[^\s'\"-][^\s'\"]{0,127})|--password=(?P<v2>[^\s'\"]{1,128})",
    "docker login": r"(?:-p|--password)[ =](?P<v>[^\s'\"]{1,128})",
    "podman login": r"(?:-p|--password)[ =](?P<v>[^\s'\"]{1,128})",
    "helm registry login": r"(?:-p|--password)[ =](?P<v>[^\s'\"]{1,128})",
    "sshpass": r"-p ?(?P<v>[^\s'\"]{1,128})",
    "redis-cli": r"-a (?P<v>[^\s'\"]{1,128})",
    "mongosh": r"(?:-p|--password) (?P<v>[^\s'\"]{1,128})",
    # `curl -u user:password`, `--user "user:password"` (a colon, and something on one side)
    "curl": r"(?:-u|--user)(?:[ =]|(?=[\"']))[ ]{0,3}[\"']?(?P<v>[^\s'\"]{0,64}:[^\s'\"]{0,128})",
}
_CLI = {tool: re.compile(r"(?<=\s)(?:" + flag + ")", re.ASCII) for tool, flag in _CLI_FLAGS.items()}


class CliPasswordDetector(Detector):
    """`mysql -pS3cret`, `docker login -p S3cret`, `sshpass -p S3cret ssh ...`."""

    anchors = tuple(Anchor(tool) for tool in _CLI_FLAGS)

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterator[PromptFinding]:
        covered = -1
        for pos, anchor in hits:
            if pos < covered or (pos > 0 and text[pos - 1].isalnum()):
                continue
            line_end = text.find("\n", pos, pos + 400)
            line_end = min(len(text), pos + 400) if line_end < 0 else line_end
            covered = line_end
            for m in _CLI[anchor.literal].finditer(text, pos, line_end):
                group = "v" if m.group("v") else "v2"
                value = m.group(group)
                secret = value
                if ":" in value:  # curl's `user:password`; `user:` alone makes curl prompt
                    user, _, password = value.partition(":")
                    secret = password or (user if char_classes(user) >= 3 else "")
                if (
                    len(secret) >= 6
                    and not secret.startswith("$")
                    and not value.startswith("$")
                    and not is_placeholder(secret)
                ):
                    yield make_finding(CLI_PASSWORD, text, m.start(group), m.end(group))

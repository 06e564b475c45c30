"""Names that sound like a zone's vocabulary but are in no zone of that kind: the candidates
`pavedroad zones --suggest` offers a team for its own `symbols` rules.

The presets know public libraries and common names. An application's own checks
(`allow_publish`, `isAdministrator`), credential holders and crypto wrappers are words only its
team can confirm, and on applications the presets were never tuned on they are most of what is
missed (docs/zones.md section 8.3). This module lists the definitions whose name holds a word of a
zone's vocabulary, in any style (`allowPublish`, `allow_publish`), or two words that make one
(`apiKey` -> `apikey`), and that classification left out of that zone.

It never decides anything: a person reviews the list. A name holding `access` or `token` is as
often a parser's as a security check's, so the words are chosen for recall, and the list is
grouped by word so that a whole group can be kept or dropped at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import re2

from pavedroad.analysis.languages import parse_with
from pavedroad.analysis.model import Region
from pavedroad.analysis.plan import name_words
from pavedroad.analysis.prefilter import SCANNER_OPTIONS
from pavedroad.analysis.syntax import SYNTAXES

#: Words (lower case, one word or two joined) that make a name worth a look, per preset zone id.
VOCABULARY: dict[str, frozenset[str]] = {
    "auth": frozenset({
        "auth", "authn", "authz", "authenticate", "authenticated", "authentication", "authenticator",
        "authorize", "authorized", "authorization", "authorizer", "unauthorized", "forbidden",
        "permission", "permissions", "permit", "permits", "permitted", "allow", "allowed", "allows",
        "deny", "denied", "acl", "acls", "ace", "aci", "role", "roles", "privilege", "privileges",
        "login", "logout", "logon", "signin", "signon", "signout", "principal", "principals",
        "admin", "administrator", "superuser", "grant", "granted", "grants", "guard", "access",
        "impersonate", "otp", "totp", "mfa", "sso", "saml", "oauth", "oidc", "ldap", "kerberos",
    }),
    "secrets": frozenset({
        "secret", "secrets", "password", "passwords", "passwd", "passphrase", "credential",
        "credentials", "creds", "apikey", "privatekey", "secretkey", "accesskey", "masterkey",
        "signingkey", "keystore", "truststore", "keytab", "keychain", "keyring", "vault", "token",
        "tokens",
    }),
    "crypto": frozenset({
        "crypt", "crypto", "encrypt", "decrypt", "encrypted", "decrypted", "encryption", "decryption",
        "encrypter", "decrypter", "encryptor", "decryptor", "cipher", "ciphers", "sign", "signed",
        "signer", "signing", "signature", "signatures", "verify", "verifier", "hash", "hashed", "hasher",
        "hashing", "digest", "hmac", "nonce", "salt", "kdf", "pbkdf2", "scrypt", "argon2", "bcrypt",
        "cert", "certs", "certificate", "certificates", "tls", "ssl", "x509", "pem", "keypair",
        "rsa", "aes", "ecdsa", "ed25519", "checksum", "entropy",
    }),
    "payments": frozenset({
        "payment", "payments", "pay", "payout", "payouts", "refund", "refunds", "invoice", "invoices",
        "billing", "checkout", "chargeback", "stripe", "paypal", "braintree", "adyen", "razorpay",
    }),
}

#: Languages whose definitions are read (the ones with a definitions query).
LANGUAGES = frozenset({"python", "go", "java", "javascript", "typescript", "tsx"})

#: Members every class has, whatever it holds: never a team's vocabulary.
_UNIVERSAL_MEMBERS = frozenset({
    "hashCode", "equals", "toString", "__repr__", "__str__", "__eq__", "__ne__", "__hash__",
})


@dataclass(frozen=True)
class Candidate:
    """A definition named like `zone`'s code (by `word`) that is not in `zone`."""

    zone: str
    word: str
    name: str
    line: int
    #: "function", "method" or "class" (a class rule puts every member in the zone)
    kind: str


def for_zones(zones: Iterable[Any]) -> dict[str, frozenset[str]]:
    """The vocabularies of the configured zones that have one (an `exclusive` zone such as
    `tests` is about where code lives, not what it is named)."""
    return {z.id: VOCABULARY[z.id] for z in zones if z.id in VOCABULARY and not z.exclusive}


def in_exclusive_zone(zones: Iterable[Any], path_zones: Iterable[str]) -> bool:
    """Whether an exclusive zone's path rules claim a file (`path_zones`: the zones its path is
    in): test files' names are not the application's vocabulary."""
    claimed = set(path_zones)
    return any(z.exclusive and z.id in claimed for z in zones)


def words_of(name: str) -> list[str]:
    """The words a name holds, in order, each preceded by it joined with the next one
    (`getApiKey` -> getapi, get, apikey, api, key): the first one a vocabulary knows names the
    group, so `allow_access` is an `allow` and `getApiKey` an `apikey`."""
    words = name_words(name)
    out = []
    for first, second in itertools.zip_longest(words, words[1:]):
        if second is not None:
            out.append(first + second)
        out.append(first)
    return out


#: every byte but ASCII letters and digits: what `name_words` splits on or drops
_SEPARATORS = bytes(b for b in range(256) if not (chr(b).isascii() and chr(b).isalnum()))


@lru_cache(maxsize=16)
def _prefilter(words: frozenset[str]) -> Any:
    """Any vocabulary word, case-insensitive, in a file with its separators removed: a superset
    of what `words_of` finds (`allowPublish` holds `allow`, `trust_store` makes `truststore`)."""
    alternatives = "|".join(re2.escape(w) for w in sorted(words))
    return re2.compile(f"(?i)(?:{alternatives})".encode(), options=SCANNER_OPTIONS)


def candidates(
    language: str, data: bytes, regions: Iterable[Region], vocabulary: Mapping[str, frozenset[str]],
    tree: Any = None,
) -> list[Candidate]:
    """The definitions of one file named like a zone of `vocabulary` but outside that zone
    (`regions`: the file's classification; `tree`: `data` already parsed, as the language server
    keeps it). Empty for a language without definitions."""
    if language not in LANGUAGES or not vocabulary:
        return []
    every = frozenset().union(*vocabulary.values())
    if _prefilter(every).search(data.translate(None, _SEPARATORS)) is None:
        return []  # no word of any zone: no parse
    spans: dict[str, list[tuple[int, int]]] = {}
    for region in regions:
        spans.setdefault(region.zone, []).append((region.start_line, region.end_line))
    syntax = SYNTAXES[language]
    root = (tree if tree is not None else parse_with(language, data)).root_node
    out = []
    for name, definition in syntax.definition_names(root, data):
        if name in _UNIVERSAL_MEMBERS:
            continue
        held = words_of(name)
        line = definition.start_point.row + 1
        for zone, words in vocabulary.items():
            word = next((w for w in held if w in words), None)
            if word is None or any(start <= line <= end for start, end in spans.get(zone, ())):
                continue
            out.append(Candidate(zone, word, name, line, syntax.definition_kind(definition)))
    return out

"""Generic `password = value` / `api_key: value` / "my token is value" credentials.

This is the noisiest family, so it is gated three ways: the *name* must read as a credential
(`db_password`, `apiKey`, `X-Api-Key`; not `token_count`, `password_field`, `monkey`), the *value*
must not be code (`get_password()`, `os.environ["X"]`, `self.token`, `${VAR}`), and the value must
be long and random enough for its kind of name.
"""

from __future__ import annotations

import base64
import binascii
import re
import string
from collections.abc import Iterator
from functools import lru_cache

from .detector import Detector, Hits
from .findings import make_finding, secret_rule
from .model import PromptFinding
from .placeholders import char_classes, is_placeholder, shannon_entropy
from .prefilter import Anchor

GENERIC = secret_rule("secret.generic-assignment", "a hard-coded password, secret or key")
CONNECTION_STRING = secret_rule(
    "secret.connection-string", "a password in a database connection string"
)

_ASSIGNMENT = re.compile(
    r"(?P<kw>(?i:pass(?:word|wd|phrase)?|pwd|pw|secret|token|key|credentials?))"
    r"(?P<suffix>[A-Za-z0-9_-]{0,24})[\"'\]]{0,2}"
    # a declared type between name and operator: `var x string = `, `var x: String = `
    r"(?:[ \t]{1,2}(?:string|String|str)\b|[ \t]{0,2}:[ \t]{0,2}(?:string|String|str)\b(?=[ \t]{0,2}=))?"
    r"(?P<op>\s{0,4}(?::::=|::=|:=|\?\?=|\.=|\?=|=>|==|=|:)"
    r"|(?<=[\"'])[ \t]{0,2},"  # `System.setProperty("X_TOKEN", "...")`, `("password", "...")`
    r"|(?<=[\"'])[ \t]{1,4}value[ \t]{0,2}="  # NuGet: `<add key="ClearTextPassword" value="..."/>`
    r"|>[ \t]{0,8}(?:\r?\n[ \t]{0,40})?"  # `<token>value</token>`, also over lines
    r"|\s{1,4}(?i:is|was)\b:?"
    r"|\s(?i:for|of|to)\s[A-Za-z0-9 _.'-]{1,40}?\s(?i:is|was)\b:?|[ \t]{1,3})[ \t]{0,4}"
    # a quoted value may be long (an Entra refresh token is over 1 KB): it ends at its quote
    r"(?:(?P<q>[\"'`])(?P<qv>(?:[^\"'`\s\\]|\\[^\s\"'`]){1,4096})(?P=q)"
    r"|(?P<uv>(?:[^\s\"'`,;<>(){}\[\]&=\\]|&(?![A-Za-z_][A-Za-z0-9_]{0,30}=)){1,256}={0,2}))",
    re.ASCII,
)
_CLOSING_TAG = re.compile(r"\s{0,40}</", re.ASCII)

_IDENT_RUN = re.compile(r"[A-Za-z0-9_.-]*", re.ASCII)
#: After an unquoted value: more words on the same line make it prose, not a setting.
_PROSE_AFTER = re.compile(r"[ \t]{1,3}[A-Za-z]{2}", re.ASCII)

_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+", re.ASCII)
_PREV_WORD = re.compile(r"([A-Za-z]{2,14})[ \t]{1,2}\Z", re.ASCII)

#: Name words that make the value a credential on their own.
_STRONG = ("password", "passwd", "passphrase", "secret", "token", "apikey", "credential")
_STRONG_EXACT = frozenset({"pwd", "pass", "pw", "secrets", "credentials", "creds"})
#: Words that, right before `key`, make it a credential name (`api key`, `PRIVATE_KEY`).
_KEY_QUALIFIERS = frozenset(
    [
        "api",
        "access",
        "secret",
        "private",
        "auth",
        "client",
        "signing",
        "encryption",
        "encrypt",
        "master",
        "license",
        "app",
        "account",
        "subscription",
        "admin",
        "root",
        "session",
        "shared",
        "consumer",
        "deploy",
        "ssh",
        "gpg",
        "pgp",
        "jwt",
        "hmac",
        "webhook",
        "x",
        "storage",
        "service",
        "sas",
        "primary",
        "secondary",
        "developer",
        "dev",
        "prod",
        "live",
    ]
)
#: Name words that make the value metadata about a secret, not the secret.
_META = frozenset(
    [
        "max",
        "min",
        "num",
        "count",
        "length",
        "len",
        "size",
        "limit",
        "type",
        "types",
        "name",
        "names",
        "id",
        "ids",
        "url",
        "uri",
        "urls",
        "endpoint",
        "path",
        "file",
        "filename",
        "files",
        "dir",
        "field",
        "fields",
        "prefix",
        "suffix",
        "format",
        "pattern",
        "regex",
        "re",
        "label",
        "hint",
        "prompt",
        "placeholder",
        "policy",
        "policies",
        "expiry",
        "expires",
        "expiration",
        "ttl",
        "timeout",
        "lifetime",
        "header",
        "headers",
        "param",
        "params",
        "env",
        "var",
        "vars",
        "ref",
        "arn",
        "kind",
        "mode",
        "style",
        "class",
        "status",
        "input",
        "validator",
        "validation",
        "form",
        "reset",
        "strength",
        "enabled",
        "required",
        "changed",
        "store",
        "manager",
        "provider",
        "version",
        "hash",
        "hashed",
        "digest",
        "salt",
        "rounds",
        "algorithm",
        "algo",
        "cost",
        "usage",
        "index",
        "idx",
        "position",
        "pos",
        "offset",
        "budget",
        "rate",
        "total",
        "used",
        "remaining",
        "cache",
        "location",
        "source",
        "target",
        "getter",
        "setter",
        "fn",
        "func",
        "callback",
        "handler",
        "schema",
        "column",
        "table",
        "model",
        "serializer",
        "widget",
        "visible",
        "visibility",
        "show",
        "toggle",
        "icon",
        "button",
        "text",
        "title",
        "description",
        "help",
        "error",
        "errors",
        "message",
        "msg",
        "exchange",
        "request",
        "response",
        "flow",
        "grant",
        "introspect",
        "revoke",
        "next",
        "page",
        "continuation",
        "cursor",
        "sync",
        "cancel",
        "cancellation",
        "lexer",
        "parser",
        "stream",
        "tokenizer",
        "tokens",
        "keys",
        "keyword",
        "keywords",
        "keyboard",
        "keystore",
        "keychain",
        "keyring",
        "keypair",
        "keyframes",
        "keyof",
        "keydown",
        "keyup",
        "keypress",
        "passport",
        "bypass",
        "compass",
        "passed",
        "passes",
        "passing",
        "passthrough",
        "secretary",
        "manager",
        "rotation",
        "rotate",
        "created",
        "updated",
        "age",
        "last",
        "generator",
        "generate",
        "lookup",
        "vault",
        "mapping",
        "map",
        "dict",
        "list",
        "set",
        "ring",
        "policy",
        "scope",
        "scopes",
        "audience",
        "issuer",
        "subject",
        "alias",
        "template",
        "csrf",
        "xsrf",
        "public",
        "publishable",
        "named",
        "authenticity",
    ]
)
_LITERAL_FILE_EXT = (
    ".txt",
    ".pem",
    ".key",
    ".json",
    ".yaml",
    ".yml",
    ".env",
    ".crt",
    ".p12",
    ".pfx",
    ".jks",
    ".keystore",
    ".der",
    ".cer",
)
_HASH_PREFIXES = (
    "$2a$",
    "$2b$",
    "$2y$",
    "$argon2",
    "$6$",
    "$5$",
    "$1$",
    "pbkdf2_",
    "sha256:",
    "sha512:",
    "sha1:",
    "sha256-",
    "sha384-",
    "sha512-",
    "sha1-",
    "md5:",
)
_ATTRIBUTE = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+", re.ASCII)
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*", re.ASCII)
_DIGITS = frozenset(string.digits)
_LOWERS = frozenset(string.ascii_lowercase)
_UPPERS = frozenset(string.ascii_uppercase)
#: `callout:External_API`, `vault:secret/data/db`, `env:DB_PASSWORD`: a named reference.
_SCHEME_REF = re.compile(r"[a-z][a-z0-9+.-]{1,20}:(?P<ref>[A-Za-z_][A-Za-z0-9_./-]*)", re.ASCII)
#: PowerShell cmdlets (`Get-AzKeyVaultSecret`, `ConvertTo-SecureString`): code, not a value.
_CMDLET = re.compile(r"[A-Z][a-z]{1,11}(?:To)?-[A-Z][A-Za-z0-9]{1,60}", re.ASCII)
#: A word of an identifier or a title: lower, Capitalized, ALLCAPS, optionally trailing digits.
_WORDISH = re.compile(r"(?:[a-z]+|[A-Z][a-z]*|[A-Z]+)[0-9]{0,2}", re.ASCII)
_SEPARATORS = re.compile(r"[-_./ ]")
_UPPER_SNAKE = re.compile(r"[A-Z]{2,16}(?:_[A-Z]{2,16}){1,6}", re.ASCII)
_VOWEL = re.compile(r"[AEIOUY]")
#: Words that make a wordy value the *name* of a credential (`github_client_secret`).
_NAME_WORDS = ("secret", "key", "token", "password", "passwd", "pwd", "client", "api", "id",
               "name", "user", "cred", "auth", "env", "var")  # fmt: skip
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

_PASSWORD, _TOKEN, _BARE_KEY = "password", "token", "bare-key"


_DIGITS_TO_ZERO = str.maketrans("123456789", "000000000")


@lru_cache(maxsize=4096)
def _classify_cached(shape: str, prev: str) -> tuple[tuple[str, ...], str | None]:
    words = [w.lower() for w in _WORDS.findall(shape)]
    if prev and len(words) == 1 and words[0] == "key":
        words.insert(0, prev)  # prose: "my API key is ..."
    return tuple(words), _name_class(words)


def _classify_name(name: str, prev: str) -> tuple[tuple[str, ...], str | None]:
    """Words and gate of a name; digits never change the answer, so `API_KEY_17` and `API_KEY_3`
    share one cache entry (dense `.env` dumps repeat a name shape hundreds of times)."""
    return _classify_cached(name.translate(_DIGITS_TO_ZERO), prev)


def _name_class(words: list[str]) -> str | None:
    """Which gate applies to a name split into lower-case words, or None if not a credential.

    A metadata word (`count`, `url`, `name`, `max`, ...) disqualifies the name when it follows the
    credential word or stands right before it (`token_count`, `max_tokens`, `secret_name`,
    `next_page_token`); further away it is part of a provider name (`message_bird_token`)."""
    if not words:
        return None
    for i in range(len(words) - 1, 0, -1):
        if words[i] == "text" and words[i - 1] in ("clear", "plain"):
            words = [*words[: i - 1], words[i - 1] + "text", *words[i + 1 :]]  # ClearTextPassword
    found: str | None = None
    first = -1
    for i, w in enumerate(words):
        cls: str | None = None
        if w in ("password", "passwd", "passphrase") or w.endswith(("password", "passwd")):
            cls = _PASSWORD
        elif w in ("pwd", "pass", "pw"):
            if i == len(words) - 1:
                cls = _PASSWORD  # `db_pass`, `PWD`; not `passWithNoTests`, `pw_hash_rounds`
        elif w in _STRONG_EXACT or w.endswith(_STRONG) or w.startswith(("secret", "credential")):
            cls = _TOKEN
        elif w == "key" or w.endswith("key"):
            qualifier = words[i - 1] if i > 0 else w[:-3]
            if qualifier in _KEY_QUALIFIERS or w[:-3] in _KEY_QUALIFIERS:
                cls = _TOKEN
            elif found is None and len(words) == 1 and w == "key":
                cls = _BARE_KEY
        if cls is not None:
            if first < 0:
                first = i
            if found != _PASSWORD:
                found = cls
    if found is None or any(w in _META for w in words[max(0, first - 1) :]):
        return None
    if "public" in words or "publishable" in words:
        return None  # `PublicKeyToken`, `publishable_key`: public by design
    return found


def _value_is_code(value: str, quoted: bool, following: str) -> bool:
    """True for references (`get_password()`, `os.environ[...]`, `self.token`, `DEFAULT_KEY`)."""
    if value.startswith(_HASH_PREFIXES) or "://" in value:
        return True
    if value.startswith(("/", "./", "../", "~/")) or value.lower().endswith(_LITERAL_FILE_EXT):
        return True
    if ("/" in value or "\\" in value) and _word_path(value):
        return True  # an S3 object key `reports/monthly/sales-2025-01.csv`, a registry key
    if "." in value and _HOST_NAME.fullmatch(value) and not any(_random_part(p) for p in value.split(".")):
        return True  # `acme.invoiceocean.com`: where a secret is used, not the secret
    if _PUBLISHABLE.match(value):
        return True  # `pk_live_...`, `live_pub_...`: public by design
    if quoted:
        return False
    if following and following in "([":
        return True
    if _ATTRIBUTE.fullmatch(value) and not any(_random_part(p) for p in value.split(".")):
        return True  # `self.token`, `config.db.password`; not `pat.p9xljvtytgn3n2lw8l3yge.gxv5...`
    if _IDENTIFIER.fullmatch(value):  # ASCII only: the character sets below are exact
        has_digit = not _DIGITS.isdisjoint(value)
        has_lower = not _LOWERS.isdisjoint(value)
        has_upper = not _UPPERS.isdisjoint(value)
        if not has_digit:
            # get_password, DEFAULT_KEY, apiKey, str; but not base64 noise like `aXFpanNWakJp`,
            # whose case flips far more often than camelCase words do.
            return not any(_random_part(p) for p in value.split("_"))
        if "_" in value and not (has_lower and has_upper):
            # user_id2, API_KEY_V2; not `ghp_0ei2zhjf7w5mn9sn848u1j5cdg2s1g91tbom`
            return all(_WORDISH.fullmatch(p) or p.isdigit() for p in value.split("_") if p)
    return False


#: One segment of a path written by a person: words and numbers joined by `-`, `_` or `.`
#: (`sales-2025-01.csv`, `CurrentVersion`); random segments mix digits into letters (`kJ8s`).
_PATH_SEGMENT = re.compile(r"(?:[A-Za-z]{2,32}|[0-9]{1,8})(?:[-_.](?:[A-Za-z]{1,32}|[0-9]{1,8})){0,6}", re.ASCII)
_PATH_SPLIT = re.compile(r"[/\\]{1,2}")


_HOST_NAME = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,6}(?:com|net|org|io|app|dev|cloud|co|ai)", re.ASCII)
_PUBLISHABLE = re.compile(r"(?:pk_(?:live|test)_|(?:live|test)_pub_|pub-c-)", re.ASCII)
_ARN_START = re.compile(r"arn:aws[a-z-]{0,12}:", re.ASCII | re.IGNORECASE)


def _inside_arn(text: str, name_start: int) -> bool:
    """The name is a field of an AWS ARN: the unbroken run it sits in starts with `arn:aws`."""
    floor = max(0, name_start - 160)
    j = name_start
    while j > floor and text[j - 1] not in " \t\r\n\"'`=,([{&;?|":
        j -= 1
    return _ARN_START.match(text, j) is not None


def _word_path(value: str) -> bool:
    """Three or more word segments split by `/` or `\\`, or two when the last has an extension."""
    parts = _PATH_SPLIT.split(value)
    if len(parts) < 2 or not all(_PATH_SEGMENT.fullmatch(p) for p in parts):
        return False
    return len(parts) >= 3 or "." in parts[-1]


_LETTER_DIGIT_LETTER = re.compile(r"[A-Za-z][0-9]+(?=[A-Za-z])", re.ASCII)


def _random_part(part: str) -> bool:
    """Random-looking rather than a word: digits inside letters (`p9xljv3n2l`), or a long run
    whose case flips far more often than camelCase words do (`RKdXEDxHvBoNGRRsRZ`)."""
    if len(_LETTER_DIGIT_LETTER.findall(part)) >= 2:
        return True
    letters = sum(c.isalpha() for c in part)
    if len(part) < 16 or letters == 0:
        return False
    upper = sum(c.isupper() for c in part)
    return 0.3 <= upper / letters <= 0.7


def _scheme_ref(value: str) -> bool:
    """`callout:External_API`, `env:DB_PASSWORD`, `vault:secret/data/db`: a named reference."""
    m = _SCHEME_REF.fullmatch(value)
    if m is None:
        return False
    return not any(_random_part(p) for p in _SEPARATORS.split(m.group("ref")) if p)


def _wordy(value: str, cls: str) -> bool:
    """An identifier, a header name or a title made of words (`github_client_secret`,
    `PINECONE_API_KEY`, `X-Content-Type-Options`, `Desktop/Title/H1`), not a random secret.

    A lower-case diceware passphrase (`correct-horse-battery-staple`) stays a secret unless a
    credential word or the bare name `key` says it is a name."""
    parts = [p for p in _SEPARATORS.split(value) if p]
    if len(parts) < 2 or len(value) > 80 or not all(_WORDISH.fullmatch(p) for p in parts):
        return False
    if "/" in value or cls == _BARE_KEY:
        return True
    if _UPPER_SNAKE.fullmatch(value) and all(_VOWEL.search(p) for p in parts):
        return True  # `ACTIONS_STEP_DEBUG`: the name of a variable or a secret, not its value
    if any(p[0].isupper() for p in parts) and not value.isupper() and "_" not in value:
        return True  # Title-Case-Words: a header or a label
    low = value.lower()
    return any(w in low for w in _NAME_WORDS)


#: `jjwt-jackson-0.11.2`, `lib:1.2.3`: a package coordinate ending in a version.
_VERSIONED = re.compile(r".*[-_:@/]v?[0-9]{1,4}(?:\.[0-9]{1,6}){1,3}", re.ASCII)


def _value_ok(value: str, cls: str, prose: bool) -> bool:
    n = len(value)
    if "..." in value or _VERSIONED.fullmatch(value):
        return False  # truncated in docs (`ops_eyJzaW...`), or a versioned package name
    # Cheap shape tests first; the placeholder test, the dearest, last.
    if value.isdigit() and n < 16:
        return False
    classes = char_classes(value)
    if classes < 2:
        return False
    entropy = shannon_entropy(value)
    if cls == _PASSWORD:
        ok = n >= 8 and entropy >= 2.5
    elif cls == _TOKEN:
        ok = n >= 12 and entropy >= 3.0
    else:
        ok = n >= 16 and entropy >= 3.5 and not _UUID.fullmatch(value)
    if not ok or is_placeholder(value):
        return False
    # a base64 stand-in is a Kubernetes Secret's password or a padded value
    return not ((cls == _PASSWORD or value.endswith("=")) and _encoded_placeholder(value))


_BASE64 = re.compile(r"[A-Za-z0-9+/]{12,}={0,2}", re.ASCII)
_ASCII_LEAD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef")


def _encoded_placeholder(value: str) -> bool:
    """A Kubernetes Secret's `data:` holds base64: `bXlzZWNyZXRwYXNzd29yZA==` is the demo word
    `mysecretpassword`. Only a value that decodes to printable text is judged by that text
    (random key material decodes to bytes and stays a secret)."""
    if len(value) % 4 or not all(value[i] in _ASCII_LEAD for i in range(0, min(len(value), 24), 4)):
        return False  # each 4-character group of base64 text starts with A-Z or a-f (top bit 0)
    if _BASE64.fullmatch(value) is None:
        return False
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    if not raw.isascii():
        return False  # random bytes (without raising on them: this runs on every random value)
    decoded = raw.decode("ascii")
    if len(decoded) > 64 or not decoded.isprintable() or any(c in decoded for c in _STRUCTURE):
        return False  # a payload (JSON, a URL, a line of config): its words say nothing of its secret
    return is_placeholder(decoded)


_STRUCTURE = frozenset(" {}[]\"':=;,<>$@/")


class AssignmentDetector(Detector):
    anchors = tuple(Anchor(k) for k in ("pass", "pw", "secret", "token", "key", "credential"))

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterator[PromptFinding]:
        seen: set[int] = set()
        value_end = -1
        arns = "arn:" in lowered  # (once per text, not once per name)
        for k, (pos, _anchor) in enumerate(hits):
            if pos < value_end:
                continue  # a keyword inside the previous value (`key=password_reset_x`)
            # Several keywords in one identifier (`secret_key`, `keykeykey...`) name the same
            # value: only the last one, whose suffix is shortest, needs the regex.
            if k + 1 < len(hits):
                nxt = hits[k + 1][0]
                if nxt > pos:
                    run = _IDENT_RUN.match(text, pos, nxt)
                    if run is not None and run.end() == nxt:
                        continue
            m = _ASSIGNMENT.match(text, pos)
            if m is None:
                continue
            quoted = m.group("q") is not None
            vstart, vend = m.span("qv") if quoted else m.span("uv")
            # Keywords inside an unquoted value are part of it; a quoted one may be a name whose
            # own value follows (`<add key="ClearTextPassword" value="..."/>`). A bare space is
            # no operator: in `secret key = "..."` the "value" of `secret` is the real name.
            if m.group("op").strip():
                value_end = vend if not quoted else vstart
            if vstart in seen or vend - vstart < 8:  # every name class needs 8+ characters
                continue
            value = text[vstart:vend]
            following = text[vend : vend + 1]
            # The name runs back from the keyword over identifier characters: `spring.db.password`.
            floor = max(0, pos - 48)
            back = _IDENT_RUN.match(text[floor:pos][::-1])  # reversed: C-speed backward scan
            i = pos - (back.end() if back else 0)
            name = text[i : m.end("suffix")]
            prev = _PREV_WORD.search(text, max(0, pos - 16), i)
            words, cls = _classify_name(name, prev.group(1).lower() if prev else "")
            if cls is None or value.rstrip("=").lower() == name.lower():
                continue
            if arns and m.group("op").strip() != "=" and _inside_arn(text, i):
                continue  # `arn:aws:secretsmanager:...:secret:db-token`: names a secret, holds none
            op = m.group("op").strip().lower()
            if not op and not name.startswith("--"):
                continue  # `password Xyz` is prose; `--password Xyz` is a CLI flag
            if (op == "," or op.startswith("value")) and not quoted:
                continue  # only `"NAME", "value"` pairs (function arguments, tuples)
            if op == ">" and (
                i == 0 or text[i - 1] != "<" or _CLOSING_TAG.match(text, vend) is None
            ):
                continue  # only `<name>value</name>`
            prose = op.startswith(("is", "was", "for", "of", "to"))
            if "..." in value or "\u2026" in value:
                continue  # truncated in docs: `export OP_TOKEN=ops_eyJzaW...`
            if not quoted:
                # `... a secret is unavoidable.`: the full stop ends the sentence, not the value.
                if value[-1] in ".,;:?" and (vend == len(text) or text[vend] in " \t\r\n"):
                    value, vend = value[:-1], vend - 1
                if value.startswith("-"):
                    continue  # `--passWithNoTests --forceExit`: another flag, not a value
                if op == ":" and _PROSE_AFTER.match(text, vend):
                    continue  # `Pass: Least-privilege scopes, ...`: a label in prose
                if _CMDLET.fullmatch(value):
                    continue
            if len(value) < 8 or value.rstrip("=").lower() == name.lower():
                continue
            if _value_is_code(value.rstrip("!"), quoted, following):
                continue  # `process.env.APIFY_TOKEN!` (TypeScript's non-null assertion)
            if _scheme_ref(value) or _wordy(value, cls) or not _value_ok(value, cls, prose):
                continue
            seen.add(vstart)
            rule = GENERIC
            if (
                words[-1] in ("password", "pwd")
                and m.group("op").strip() == "="
                and (following == ";" or ";" in text[max(0, i - 80) : i])
            ):
                rule = CONNECTION_STRING
            yield make_finding(rule, text, vstart, vend)

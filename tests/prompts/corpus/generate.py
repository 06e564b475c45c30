"""Deterministic, labelled corpus for the prompt-hygiene engine and its benchmark.

Live-looking credentials are *generated here at run time* from a fixed seed and never committed,
so the repository holds no token that push protection (or an attacker) could mistake for a real
one. Every item carries the labels a perfect detector would report: kind, rule (family) and the
span in the item's text.

Run `python tests/prompts/corpus/generate.py --stats` for counts per kind and rule, or
`--dump N` to print a few items.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import string
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

SEED = 20240611
INTERNAL_DOMAINS = ("corp.acme.com", "*.internal")

ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


@dataclass(frozen=True)
class Label:
    kind: str  # secret | pii | internal
    rule: str
    start: int
    end: int


@dataclass
class Item:
    id: str
    category: str  # what the text imitates: prompt, python, env, yaml, log, ...
    text: str
    labels: list[Label] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "category": self.category,
            "text": self.text,
            "labels": [vars(lab) for lab in self.labels],
        }


class Doc:
    """Builds a text piece by piece and records the span of every planted value."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.labels: list[Label] = []

    def add(self, text: str) -> Doc:
        self.parts.append(text)
        self.size += len(text)
        return self

    def plant(self, value: str, kind: str, rule: str) -> Doc:
        self.labels.append(Label(kind, rule, self.size, self.size + len(value)))
        return self.add(value)

    def text(self) -> str:
        return "".join(self.parts)


# --- random building blocks ---------------------------------------------------------------------


def rs(rng: random.Random, n: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _crc_b62(body: str) -> str:
    value = binascii.crc32(body.encode())
    out = ""
    for _ in range(6):
        value, r = divmod(value, 62)
        out = B62[r] + out
    return out


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(rng: random.Random) -> str:
    header = _b64url(json.dumps({"alg": rng.choice(["HS256", "RS256"]), "typ": "JWT"}).encode())
    claims = {
        "sub": rs(rng, 12, HEX),
        "iat": rng.randint(1_600_000_000, 1_750_000_000),
        "scope": rng.choice(["read", "admin", "deploy"]),
    }
    payload = _b64url(json.dumps(claims).encode())
    return f"{header}.{payload}.{rs(rng, 43, B64URL)}"


#: One generator per provider-token rule id: a fresh, format-valid, random token.
TOKENS: dict[str, Callable[[random.Random], str]] = {
    "secret.aws-access-key": lambda r: r.choice(["AKIA", "ASIA"]) + rs(r, 16, string.ascii_uppercase + "234567"),
    "secret.github-token": lambda r: (lambda b: f"gh{r.choice('pousr')}_{b}{_crc_b62(b)}")(rs(r, 30)),
    "secret.github-fine-grained-pat": lambda r: f"github_pat_11{rs(r, 20, string.ascii_uppercase + string.digits)}_{rs(r, 59)}",
    "secret.gitlab-token": lambda r: r.choice(["glpat-", "gldt-", "glrt-"]) + rs(r, 20, B64URL),
    "secret.slack-token": lambda r: f"xox{r.choice('bp')}-{rs(r, 12, string.digits)}-{rs(r, 13, string.digits)}-{rs(r, 24)}",
    "secret.slack-webhook": lambda r: f"https://hooks.slack.com/services/T{rs(r, 8, string.ascii_uppercase + string.digits)}/B{rs(r, 10, string.ascii_uppercase + string.digits)}/{rs(r, 24)}",
    "secret.stripe-key": lambda r: r.choice(["sk_live_", "rk_live_", "sk_test_"]) + rs(r, r.choice([24, 99])),
    "secret.stripe-webhook-secret": lambda r: "whsec_" + rs(r, 32),
    "secret.openai-key": lambda r: r.choice([f"sk-proj-{rs(r, 74, B64URL)}T3BlbkFJ{rs(r, 74, B64URL)}", f"sk-{rs(r, 20)}T3BlbkFJ{rs(r, 20)}"]),
    "secret.anthropic-key": lambda r: f"sk-ant-api03-{rs(r, 93, B64URL)}AA",
    "secret.google-api-key": lambda r: "AIza" + rs(r, 35, B64URL),
    "secret.google-oauth-secret": lambda r: "GOCSPX-" + rs(r, 28, B64URL),
    "secret.google-oauth-token": lambda r: "ya29." + rs(r, 120, B64URL),
    "secret.azure-client-secret": lambda r: f"{rs(r, 3)}{r.randint(0, 9)}Q~{rs(r, 34, ALNUM + '_~.-')}",
    "secret.twilio-api-key": lambda r: "SK" + rs(r, 32, HEX),
    "secret.sendgrid-key": lambda r: f"SG.{rs(r, 22, B64URL)}.{rs(r, 43, B64URL)}",
    "secret.mailgun-key": lambda r: "key-" + rs(r, 32, HEX),
    "secret.mailchimp-key": lambda r: f"{rs(r, 32, HEX)}-us{r.randint(1, 21)}",
    "secret.npm-token": lambda r: (lambda b: f"npm_{b}{_crc_b62(b)}")(rs(r, 30)),
    "secret.pypi-token": lambda r: "pypi-AgEIcHlwaS5vcmc" + rs(r, 140, B64URL),
    "secret.jwt": jwt,
    "secret.digitalocean-token": lambda r: "dop_v1_" + rs(r, 64, HEX),
    "secret.shopify-token": lambda r: r.choice(["shpat_", "shpss_"]) + rs(r, 32, HEX),
    "secret.huggingface-token": lambda r: "hf_" + rs(r, 34, string.ascii_letters),
    "secret.databricks-token": lambda r: "dapi" + rs(r, 32, HEX),
    "secret.doppler-token": lambda r: "dp.pt." + rs(r, 43),
    "secret.atlassian-token": lambda r: "ATATT3xFfGF0" + rs(r, 170, B64URL) + "=" + rs(r, 8, HEX.upper()),
    "secret.linear-key": lambda r: "lin_api_" + rs(r, 40),
    "secret.postman-key": lambda r: f"PMAK-{rs(r, 24, HEX)}-{rs(r, 34, HEX)}",
    "secret.square-token": lambda r: "sq0csp-" + rs(r, 43, B64URL),
    "secret.newrelic-key": lambda r: "NRAK-" + rs(r, 27, string.ascii_uppercase + string.digits),
    "secret.sentry-token": lambda r: "sntryu_" + rs(r, 64, HEX),
    "secret.grafana-token": lambda r: f"glsa_{rs(r, 32)}_{rs(r, 8, HEX)}",
    "secret.vault-token": lambda r: "hvs." + rs(r, 90, B64URL),
    "secret.terraform-token": lambda r: f"{rs(r, 14)}.atlasv1.{rs(r, 67)}",
    "secret.pulumi-token": lambda r: "pul-" + rs(r, 40, HEX),
    "secret.alibaba-access-key": lambda r: "LTAI" + rs(r, 20),
    "secret.age-key": lambda r: "AGE-SECRET-KEY-1" + rs(r, 58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"),
    "secret.dockerhub-token": lambda r: "dckr_pat_" + rs(r, 27, B64URL),
    "secret.figma-token": lambda r: "figd_" + rs(r, 40, B64URL),
    "secret.replicate-token": lambda r: "r8_" + rs(r, 37),
    "secret.groq-key": lambda r: "gsk_" + rs(r, 52),
    "secret.supabase-token": lambda r: "sbp_" + rs(r, 40, HEX),
    "secret.telegram-bot-token": lambda r: f"{r.randint(10**8, 10**10 - 1)}:AA{rs(r, 33, B64URL)}",
    "secret.discord-webhook": lambda r: f"https://discord.com/api/webhooks/{r.randint(10**17, 10**19)}/{rs(r, 68, B64URL)}",
    "secret.jfrog-key": lambda r: "AKCp" + rs(r, 69),
    "secret.perplexity-key": lambda r: "pplx-" + rs(r, 48),
    "secret.dynatrace-token": lambda r: f"dt0c01.{rs(r, 24, string.ascii_uppercase + string.digits)}.{rs(r, 64, string.ascii_uppercase + string.digits)}",
    "secret.planetscale-token": lambda r: "pscale_tkn_" + rs(r, 43, B64URL),
    "secret.easypost-key": lambda r: "EZAK" + rs(r, 54),
    "secret.langsmith-key": lambda r: f"lsv2_pt_{rs(r, 32, HEX)}_{rs(r, 10, HEX)}",
    "secret.facebook-token": lambda r: "EAAG" + rs(r, 160),
    "secret.heroku-key": lambda r: "HRKU-" + rs(r, 60, B64URL),
    "secret.flyio-token": lambda r: "fo1_" + rs(r, 43, B64URL),
    "secret.cloudflare-origin-ca-key": lambda r: f"v1.0-{rs(r, 24, HEX)}-{rs(r, 146, HEX)}",
    "secret.contentful-token": lambda r: "CFPAT-" + rs(r, 43, B64URL),
    "secret.netlify-token": lambda r: "nfp_" + rs(r, 36),
    "secret.notion-token": lambda r: "ntn_" + rs(r, 11, string.digits) + rs(r, 35),
    "secret.mapbox-token": lambda r: f"sk.eyJ{rs(r, 60, B64URL)}.{rs(r, 22, B64URL)}",
    "secret.nuget-key": lambda r: "oy2" + rs(r, 43, string.ascii_lowercase + string.digits),
    "secret.rubygems-key": lambda r: "rubygems_" + rs(r, 48, HEX),
    "secret.shippo-token": lambda r: "shippo_live_" + rs(r, 40, HEX),
    "secret.xai-key": lambda r: "xai-" + rs(r, 80),
    "secret.airtable-token": lambda r: f"pat{rs(r, 14)}.{rs(r, 64, HEX)}",
    "secret.azure-sas-token": lambda r: f"sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-01-01T00:00:00Z&sig={rs(r, 43, B64)}%3D",
    "secret.azure-shared-access-key": lambda r: f"Endpoint=sb://orders.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey={rs(r, 43, B64)}=",
    "secret.azure-storage-key": lambda r: azure_storage_conn(r)[0],
    "secret.teams-webhook": lambda r: f"https://acme.webhook.office.com/webhookb2/{rs(r, 36, HEX)}@{rs(r, 36, HEX)}/IncomingWebhook/{rs(r, 32, HEX)}/{rs(r, 36, HEX)}",
}  # fmt: skip


def azure_storage_conn(r: random.Random) -> tuple[str, str]:
    key = rs(r, 86, B64) + "=="
    text = (
        f"DefaultEndpointsProtocol=https;AccountName={rs(r, 10, string.ascii_lowercase)};"
        f"AccountKey={key};EndpointSuffix=core.windows.net"
    )
    return text, key


def pem_key(
    r: random.Random, label: str = "RSA PRIVATE KEY", lines: int = 25, nl: str = "\n"
) -> str:
    body = nl.join(rs(r, 64, B64) for _ in range(lines)) + nl + rs(r, 40, B64) + "=="
    return f"-----BEGIN {label}-----{nl}{body}{nl}-----END {label}-----"


def password(r: random.Random) -> str:
    words = ["Falcon", "Orchid", "Tundra", "Maple", "Cobalt", "Saffron", "Quartz", "Harbor"]
    style = r.randrange(4)
    if style == 0:
        return f"{r.choice(words)}{r.choice('!#%&*@')}{r.randint(1000, 9999)}{rs(r, 2, string.ascii_lowercase)}"
    if style == 1:
        return rs(r, r.randint(14, 24), ALNUM + "!#%*+-_")
    if style == 2:
        return rs(r, 32, HEX)
    return rs(r, r.randint(20, 40), ALNUM)


def luhn_complete(prefix_digits: str, length: int, r: random.Random) -> str:
    body = prefix_digits + "".join(
        r.choice(string.digits) for _ in range(length - len(prefix_digits) - 1)
    )
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def card(r: random.Random) -> str:
    prefix, length = r.choice(
        [("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("37", 15), ("6011", 16), ("3530", 16)]
    )
    digits = luhn_complete(prefix + rs(r, 2, string.digits), length, r)
    style = r.randrange(3)
    if style == 0:
        return digits
    sep = " " if style == 1 else "-"
    if length == 15:
        return sep.join([digits[:4], digits[4:10], digits[10:]])
    return sep.join(digits[i : i + 4] for i in range(0, 16, 4))


def iban(r: random.Random, spaced: bool | None = None) -> str:
    country, bban = r.choice(
        [
            ("DE", lambda: rs(r, 18, string.digits)),
            ("GB", lambda: rs(r, 4, string.ascii_uppercase) + rs(r, 14, string.digits)),
            ("FR", lambda: rs(r, 23, string.digits)),
            ("NL", lambda: rs(r, 4, string.ascii_uppercase) + rs(r, 10, string.digits)),
            ("ES", lambda: rs(r, 20, string.digits)),
            ("BE", lambda: rs(r, 12, string.digits)),
        ]
    )
    b = bban()
    number = int("".join(str(int(c, 36)) for c in b + country + "00"))
    compact = f"{country}{98 - number % 97:02d}{b}"
    if spaced is None:
        spaced = r.random() < 0.6
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4)) if spaced else compact


def ssn(r: random.Random) -> str:
    area = r.choice([a for a in range(1, 900) if a != 666 and a != 78 and a != 219])
    return f"{area:03d}-{r.randint(1, 99):02d}-{r.randint(1, 9999):04d}"


def phone(r: random.Random) -> str:
    style = r.randrange(4)
    exchange = r.choice([x for x in range(201, 999) if x != 555])
    if style == 0:
        return f"({r.randint(201, 989)}) {exchange}-{r.randint(1000, 9999)}"
    if style == 1:
        return f"+1 {r.randint(201, 989)} {exchange} {r.randint(1000, 9999)}"
    if style == 2:
        return f"+49 30 {r.randint(10_000_000, 99_999_999)}"
    return f"+44 {r.choice(['7911', '7400', '7788'])} {r.randint(100_000, 999_999)}"


FIRST = ["alice", "bogdan", "chen", "dana", "emeka", "farah", "gustavo", "hana", "ivan", "jules",
         "keiko", "lars", "mira", "nikhil", "olga", "pedro", "quinn", "rosa", "sven", "tariq"]  # fmt: skip
LAST = ["novak", "okafor", "schmidt", "tanaka", "moreau", "silva", "kowalski", "haddad", "berg",
        "ferreira", "nguyen", "obrien", "rossi", "weber", "yilmaz", "lindqvist"]  # fmt: skip
MAIL_DOMAINS = ["gmail.com", "outlook.com", "fastmail.fm", "protonmail.com", "yahoo.co.uk",
                "acmecorp.io", "globex.de", "initech.com"]  # fmt: skip


def email(r: random.Random) -> str:
    sep = r.choice([".", "_", ""])
    return f"{r.choice(FIRST)}{sep}{r.choice(LAST)}{r.choice(['', str(r.randint(1, 99))])}@{r.choice(MAIL_DOMAINS)}"


def private_ip(r: random.Random) -> str:
    return r.choice(
        [
            f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
            f"172.{r.randint(16, 31)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
            f"192.168.{r.randint(0, 255)}.{r.randint(1, 254)}",
        ]
    )


def internal_host(r: random.Random) -> str:
    svc = r.choice(
        ["build01", "vault", "grafana", "kafka-3", "db-primary", "ldap", "ci", "jira", "nexus"]
    )
    return r.choice(
        [
            f"{svc}.corp.acme.com",
            f"{svc}.prod.corp.acme.com",
            f"{svc}.eu1.internal",
            f"{svc}.internal",
        ]
    )


# --- hard negatives: things that look sensitive and are not ------------------------------------

JWT_IO_EXAMPLE = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwia"
    "WF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)


def negatives(r: random.Random) -> list[tuple[str, str]]:
    """(category, text) pairs that contain nothing a detector should report."""
    sha = lambda n: rs(r, n, HEX)  # noqa: E731
    uuid = lambda: f"{sha(8)}-{sha(4)}-4{sha(3)}-{r.choice('89ab')}{sha(3)}-{sha(12)}"  # noqa: E731
    integrity = lambda: "sha512-" + base64.b64encode(r.randbytes(64)).decode()  # noqa: E731
    return [
        ("prompt", "Set `OPENAI_API_KEY=your-api-key` in .env.example and restart the dev server."),
        ("prompt", "The docs say: export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE and AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("python", 'password = get_password()\ntoken = os.environ["GITHUB_TOKEN"]\napi_key = settings.API_KEY\n'),
        ("python", "def login(user: str, password: str) -> Token:\n    secret = self._secret\n    return authenticate(user, password=password)\n"),
        ("js", "const token = process.env.SLACK_BOT_TOKEN;\nheaders: { Authorization: `Bearer ${token}` }\n"),
        ("yaml", "env:\n  DB_PASSWORD: ${{ secrets.DB_PASSWORD }}\n  API_TOKEN: \"{{ vault_api_token }}\"\n"),
        ("env", "STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\nGITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"),
        ("env", "STRIPE_KEY=sk_live_abc123abc123abc123abc123\nDATABASE_PASSWORD=changeme\nSECRET_KEY=<your-secret-key>\n"),
        ("prompt", f"Why does jwt.io show this token as valid? {JWT_IO_EXAMPLE}"),
        ("lockfile", f'"node_modules/lodash": {{\n  "version": "4.17.21",\n  "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",\n  "integrity": "{integrity()}"\n}}'),
        ("lockfile", f"django==4.2.7 \\\n    --hash=sha256:{sha(64)} \\\n    --hash=sha256:{sha(64)}\n"),
        ("lockfile", f"github.com/stretchr/testify v1.8.4 h1:{base64.b64encode(r.randbytes(32)).decode()}\n"),
        ("git", f"commit {sha(40)}\nMerge: {sha(7)} {sha(7)}\nAuthor: CI Bot <ci@users.noreply.github.com>\n"),
        ("docker", f"FROM python:3.12-slim@sha256:{sha(64)}\nRUN pip install -r requirements.txt\n"),
        ("log", f"2024-05-02T10:11:12Z INFO request_id={uuid()} trace={sha(32)} status=200 took=12ms"),
        ("json", f'{{"id": "{uuid()}", "etag": "W/\\"{sha(32)}\\"", "checksum": "{sha(64)}"}}'),
        ("prompt", "Use the Stripe test card 4242 4242 4242 4242 (any CVC) or 4000 0000 0000 0002 to simulate a decline."),
        ("prompt", "Test with card 4111111111111111, 5555555555554444 or 378282246310005."),
        ("prompt", "The sample IBAN GB82 WEST 1234 5698 7654 32 and DE89 3704 0044 0532 0130 00 from the docs."),
        ("prompt", "Send the report to alice@example.com and bob@test.example; cc noreply@github.com."),
        ("prompt", "Our docs use 192.0.2.10, 198.51.100.7 and 203.0.113.42 as server addresses."),
        ("prompt", "Run the server on localhost:8080 (127.0.0.1) and open http://localhost:3000/login."),
        ("prompt", "postgres://postgres:postgres@localhost:5432/app is the default local database URL."),
        ("prompt", "git clone git@github.com:acme/widgets.git && cd widgets && npm ci"),
        ("prompt", "Upgrade from 10.2.1 to 10.4.0; Chrome 120.0.6099.129 and Node 20.11.1 are fine."),
        ("python", "max_tokens = 4096\ntoken_count = len(tokens)\npassword_min_length = 12\nTOKEN_URL = \"https://oauth2.googleapis.com/token\"\n"),
        ("python", "class Secret(BaseModel):\n    key: str\n    secret_name: str = \"db-password\"\n    password_field = \"password\"\n"),
        ("ssh", f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{rs(r, 43, B64)} chen@laptop\n"),
        ("prompt", "-----BEGIN PRIVATE KEY-----\n...your key here...\n-----END PRIVATE KEY-----"),
        ("prompt", "Set Authorization: Bearer <token> and retry; with curl use -H \"Authorization: Bearer $TOKEN\"."),
        ("prompt", f"The image digest is sha256:{sha(64)} and the build id is {uuid()}."),
        ("prompt", "The phone field accepts numbers like 555-0100 through 555-0199, reserved for fiction."),
        ("csv", f"order_id,amount,created\n{r.randint(10**9, 10**10)},{r.randint(1, 999)}.{r.randint(10, 99)},2024-03-0{r.randint(1, 9)}\n"),
        ("prompt", "Decorators like @login_required and @app.route('/x') wrap the view; see @types/node."),
        ("html", f'<img src="data:image/png;base64,{base64.b64encode(r.randbytes(96)).decode()}" alt="logo"/>'),
        ("prompt", "SSN format is AAA-GG-SSSS, e.g. 078-05-1120 (the Woolworth card) or 123-45-6789."),
        ("yaml", "password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\ntoken: ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]\n"),
        ("prompt", f"Commit {sha(40)} broke the build; compare with {sha(12)}."),
        ("python", 'api_key = request.headers.get("X-Api-Key")\nif not hmac.compare_digest(api_key, expected_key):\n    raise Forbidden()\n'),
        ("prompt", "The Swagger example uses id 3fa85f64-5717-4562-b3fc-2c963f66afa6 for every resource."),
        ("prompt", "Explain the difference between a bearer token and an API key in OAuth 2.0."),
        ("config", "[database]\nhost = db\nport = 5432\npassword_file = /run/secrets/db_password\n"),
        ("prompt", "A public DNS resolver such as 8.8.8.8 or 1.1.1.1 should be reachable."),
        ("css", f".btn {{ color: #{sha(6)}; background: #{sha(6)}; }}\n.card {{ border-color: #{sha(3)}; }}"),
        ("python", f'digest = hashlib.sha256(payload).hexdigest()  # e.g. "{sha(64)}"\nnonce = secrets.token_hex(16)\n'),
        ("json", '{"key": "welcome_message", "value": "Welcome back!", "locale": "en-GB"}'),
        ("python", "SALT_ROUNDS = 12\nPASSWORD_RESET_TOKEN_EXPIRY = 3600\nSESSION_KEY_PREFIX = \"sess:\"\n"),
        ("terraform", 'resource "aws_iam_role" "ci" {\n  name = "ci-deployer"\n  arn  = "arn:aws:iam::123456789012:role/ci-deployer"\n}'),
        ("prompt", "Our VPC uses 10.0.0.0/8 internally and the office subnet is 192.168.1.0/24."),
        ("prompt", f"Invoice #{r.randint(10**9, 10**10 - 1)} was paid on 2024-02-{r.randint(10, 28)}; ticket {r.randint(10**5, 10**6)}."),
        ("prompt", "Email support@acmecorp.io or sales@globex.de for licensing questions."),
        ("python", 'TOKEN_PATTERN = re.compile(r"ghp_[A-Za-z0-9]{36}")\nKEY_RE = r"AKIA[0-9A-Z]{16}"\n'),
        ("yaml", f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  uid: {uuid()}\ndata:\n  LOG_LEVEL: debug\n"),
        ("prompt", "The JWT has three parts, header.payload.signature, each base64url-encoded (eyJ... is '{\"' encoded)."),
        ("go", f'const checksum = "{sha(40)}"\nvar version = "v1.{r.randint(0, 30)}.{r.randint(0, 9)}"\n'),
        ("prompt", "Set the password to something strong, at least 12 characters, and store the token in the vault."),
        ("log", f"10:22:31.{r.randint(100, 999)} DEBUG tokenizer loaded vocab_size=50257 max_tokens=8192 key_count=12"),
        ("prompt", f"My ssh public key is ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ{rs(r, 200, B64)} dana@workstation"),
        ("sql", "SELECT id, email, password_hash FROM users WHERE email = $1 AND deleted_at IS NULL;"),
        ("prompt", "Kubernetes DNS names like redis.default.svc.cluster.local resolve inside the cluster."),
    ]  # fmt: skip


# --- positive items -----------------------------------------------------------------------------


def _token_item(r: random.Random, rule: str) -> Doc:
    value = TOKENS[rule](r)
    name = rule.split(".", 1)[1].upper().replace("-", "_")
    style = r.randrange(7)
    d = Doc()
    if style == 0:
        d.add(f"# .env\n{name}=").plant(value, "secret", rule).add("\nDEBUG=false\n")
    elif style == 1:
        d.add("I keep getting 401 with this key: ").plant(value, "secret", rule).add(
            " - what's wrong?"
        )
    elif style == 2:
        d.add(f'config = {{\n    "{name.lower()}": "').plant(value, "secret", rule).add(
            '",\n    "timeout": 30,\n}\n'
        )
    elif style == 3:
        d.add(f"services:\n  app:\n    environment:\n      - {name}=").plant(
            value, "secret", rule
        ).add("\n")
    elif style == 4:
        d.add('Traceback (most recent call last):\n  File "app/client.py", line 42, in call\n')
        d.add("    resp = session.get(url, params={'key': '").plant(value, "secret", rule).add(
            "'})\n"
        )
        d.add("requests.exceptions.HTTPError: 403 Client Error: Forbidden\n")
    elif style == 5:
        d.add('const client = new Client("').plant(value, "secret", rule).add(
            '");\nawait client.ping();\n'
        )
    else:
        d.add(f"{name.lower()}: ").plant(value, "secret", rule).add("\nretries: 3\n")
    return d


def _generic_item(r: random.Random) -> Doc:
    pw = password(r)
    d = Doc()
    style = r.randrange(8)
    rule = "secret.generic-assignment"
    if style == 0:
        d.add("DB_HOST=db\nDB_USER=app\nDB_PASSWORD=").plant(pw, "secret", rule).add("\n")
    elif style == 1:
        d.add("spring:\n  datasource:\n    username: svc_orders\n    password: ").plant(
            pw, "secret", rule
        ).add("\n")
    elif style == 2:
        d.add('{"smtp": {"user": "mailer", "password": "').plant(pw, "secret", rule).add('"}}')
    elif style == 3:
        d.add("Can you debug this? my password is ").plant(pw, "secret", rule).add(
            " and login still fails."
        )
    elif style == 4:
        d.add('client = Redis(host="cache", password="').plant(pw, "secret", rule).add('")\n')
    elif style == 5:
        d.add("Server=sql01;Database=Orders;User Id=sa;Password=").plant(
            pw, "secret", "secret.connection-string"
        ).add(";TrustServerCertificate=True")
    elif style == 6:
        d.add('API_SECRET = "').plant(pw, "secret", rule).add('"  # TODO move to vault\n')
    else:
        d.add("curl -u deploy: -H 'X-Api-Key: ").plant(pw, "secret", rule).add(
            "' https://api.acmecorp.io/v2/jobs"
        )
    return d


def _credential_item(r: random.Random) -> Doc:
    d = Doc()
    style = r.randrange(7)
    if style == 0:
        user, pw = r.choice(FIRST), password(r)
        host = r.choice(
            ["db.acmecorp.io", "orders-db.eu-west-1.rds.amazonaws.com", "mongo.globex.de"]
        )
        d.add(f"DATABASE_URL=postgres://{user}:").plant(pw, "secret", "secret.url-credentials").add(
            f"@{host}:5432/orders\n"
        )
    elif style == 1:
        tok = rs(r, 40, B64URL)
        d.add('curl -s -H "Authorization: Bearer ').plant(tok, "secret", "secret.auth-header").add(
            '" https://api.acmecorp.io/v1/users'
        )
    elif style == 2:
        basic = base64.b64encode(f"{r.choice(FIRST)}:{password(r)}".encode()).decode()
        d.add("GET /admin HTTP/1.1\nHost: api.acmecorp.io\nAuthorization: Basic ").plant(
            basic, "secret", "secret.auth-header"
        ).add("\n\n")
    elif style == 3:
        key = pem_key(
            r, r.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
        )
        d.add("Why does ssh say 'invalid format' for this key?\n").plant(
            key, "secret", "secret.private-key"
        ).add("\n")
    elif style == 4:
        key = pem_key(r, "PRIVATE KEY", nl="\\n")
        d.add(
            '{\n  "type": "service_account",\n  "project_id": "orders-prod",\n  "private_key": "'
        ).plant(key, "secret", "secret.private-key").add(
            '\\n",\n  "client_email": "svc@orders-prod.iam.gserviceaccount.com"\n}'
        )
    elif style == 5:
        conn, key = azure_storage_conn(r)
        at = conn.index(key)
        d.add("AZURE_STORAGE_CONNECTION_STRING=" + conn[:at]).plant(
            key, "secret", "secret.azure-storage-key"
        ).add(conn[at + len(key) :] + "\n")
    else:
        user, pw = r.choice(FIRST), password(r)
        d.add(f"git remote set-url origin https://{user}:").plant(
            pw, "secret", "secret.url-credentials"
        ).add("@gitlab.acmecorp.io/platform/api.git")
    return d


def _pii_item(r: random.Random) -> Doc:
    d = Doc()
    style = r.randrange(8)
    if style == 0:
        d.add("Customer ").add(f"{r.choice(FIRST).title()} {r.choice(LAST).title()} (").plant(
            email(r), "pii", "pii.email"
        ).add(") says the invoice is wrong.")
    elif style == 1:
        d.add("name,email,card\n").add(f"{r.choice(FIRST)},").plant(
            email(r), "pii", "pii.email"
        ).add(",").plant(card(r), "pii", "pii.card").add("\n")
    elif style == 2:
        d.add("Refund failed for card ").plant(card(r), "pii", "pii.card").add(
            " exp 09/27, can you check the payload?"
        )
    elif style == 3:
        d.add("Please wire it to IBAN ").plant(iban(r), "pii", "pii.iban").add(" by Friday.")
    elif style == 4:
        d.add("applicant: {name: ").add(r.choice(FIRST)).add(", ssn: ").plant(
            ssn(r), "pii", "pii.ssn"
        ).add("}\n")
    elif style == 5:
        d.add("Call me at ").plant(phone(r), "pii", "pii.phone").add(" if the deploy breaks.")
    elif style == 6:
        d.add('user record: {"email": "').plant(email(r), "pii", "pii.email").add(
            '", "phone": "'
        ).plant(phone(r), "pii", "pii.phone").add('"}')
    else:
        d.add("SEPA mandate for ").plant(iban(r, spaced=False), "pii", "pii.iban").add(
            ", mobile: "
        ).plant(phone(r), "pii", "pii.phone").add("\n")
    return d


def _internal_item(r: random.Random) -> Doc:
    d = Doc()
    style = r.randrange(7)
    if style == 0:
        d.add("ssh deploy@").plant(private_ip(r), "internal", "internal.private-ip").add(
            " 'sudo systemctl restart api'"
        )
    elif style == 1:
        d.add("DB_HOST=").plant(private_ip(r), "internal", "internal.private-ip").add(
            "\nDB_PORT=5432\n"
        )
    elif style == 2:
        d.add("The build agent ").plant(internal_host(r), "internal", "internal.hostname").add(
            " keeps timing out."
        )
    elif style == 3:
        host = internal_host(r)
        url = f"https://{host}/api/v1/status"
        d.add("Dashboard: ").plant(url, "internal", "internal.url").add(" shows 502s.")
    elif style == 4:
        url = f"http://{private_ip(r)}:9200/_cat/indices?v"
        d.add("curl ").plant(url, "internal", "internal.url").add("\n")
    elif style == 5:
        d.add("upstream backend {\n  server ").plant(
            f"{private_ip(r)}", "internal", "internal.private-ip"
        ).add(":8080;\n}\n")
    else:
        d.add("Connecting to redis at ").plant(
            internal_host(r), "internal", "internal.hostname"
        ).add(":6379 failed: ECONNREFUSED")
    return d


def _code_secret_item(r: random.Random) -> Doc:
    """Credentials written the many ways real code and configs write them."""
    pw = password(r)
    d = Doc()
    style = r.randrange(12)
    rule = "secret.generic-assignment"
    if style == 0:
        d.add('dbPassword := "').plant(pw, "secret", rule).add(
            '"\ndb, err := sql.Open("postgres", dsn)\n'
        )
    elif style == 1:
        d.add("config.smtp = { :user => 'mailer', :password => '").plant(pw, "secret", rule).add(
            "' }\n"
        )
    elif style == 2:
        d.add("$config = ['db_user' => 'app', 'db_password' => '").plant(pw, "secret", rule).add(
            "'];\n"
        )
    elif style == 3:
        d.add('private static final String API_KEY = "').plant(rs(r, 32, HEX), "secret", rule).add(
            '";\n'
        )
    elif style == 4:
        d.add('provider "azuread" {\n  client_id     = "app"\n  client_secret = "').plant(
            pw, "secret", rule
        ).add('"\n}\n')
    elif style == 5:
        value = base64.b64encode(pw.encode()).decode()
        d.add("apiVersion: v1\nkind: Secret\ndata:\n  password: ").plant(value, "secret", rule).add(
            "\n"
        )
    elif style == 6:
        d.add("mysql -h db -u root -p").plant(pw, "secret", "secret.cli-password").add(
            " orders < dump.sql"
        )
    elif style == 7:
        d.add("The password for the staging database is ").plant(pw, "secret", rule).add(
            ", please don't share it."
        )
    elif style == 8:
        tok = rs(r, 40, B64URL)
        d.add("GET https://api.acmecorp.io/v1/export?format=csv&access_token=").plant(
            tok, "secret", rule
        ).add(" returns 500")
    elif style == 9:
        d.add("docker login -u ci -p ").plant(pw, "secret", "secret.cli-password").add(
            " registry.acmecorp.io"
        )
    elif style == 10:
        d.add("[client]\nuser=backup\npassword=").plant(pw, "secret", rule).add("\n")
    else:
        d.add("pw: ").plant(pw, "secret", rule).add("  # from 1Password\n")
    return d


def _extra_pii_item(r: random.Random) -> Doc:
    d = Doc()
    style = r.randrange(5)
    name = f"{r.choice(FIRST).title()} {r.choice(LAST).title()}"
    if style == 0:
        d.add(f"From: {name} <").plant(email(r), "pii", "pii.email").add(">\nSubject: Re: refund\n")
    elif style == 1:
        d.add(f"--\n{name}\nHead of Ops\nM: ").plant(phone(r), "pii", "pii.phone").add("\n")
    elif style == 2:
        d.add('{"customer": {"pan": "').plant(card(r), "pii", "pii.card").add('", "exp": "08/28"}}')
    elif style == 3:
        d.add("Tel.: ").plant(phone(r), "pii", "pii.phone").add(" / E-Mail: ").plant(
            email(r), "pii", "pii.email"
        )
    else:
        d.add(f"{name}'s SSN is ").plant(ssn(r).replace("-", ""), "pii", "pii.ssn").add(
            ", DOB 1987-03-12."
        )
    return d


def _mixed_item(r: random.Random) -> Doc:
    """A longer realistic prompt: an instruction, a code block with one secret, PII and noise."""
    d = Doc()
    d.add(
        "Here's my deploy script, it fails on step 3. Can you fix it?\n\n```bash\n#!/usr/bin/env bash\nset -euo pipefail\n"
    )
    d.add(f"IMAGE=registry.acmecorp.io/api@sha256:{rs(r, 64, HEX)}\n")
    rule = r.choice(sorted(TOKENS))
    d.add("export TOKEN=").plant(TOKENS[rule](r), "secret", rule).add("\n")
    d.add(f'echo "build {rs(r, 40, HEX)} by ci"\nkubectl rollout restart deploy/api\n```\n\n')
    d.add("Ping ").plant(email(r), "pii", "pii.email").add(" if you need access to ").plant(
        internal_host(r), "internal", "internal.hostname"
    ).add(".\n")
    return d


def generate(seed: int = SEED) -> list[Item]:
    """The full corpus: positives for every family plus hard negatives (about 400 items)."""
    r = random.Random(seed)
    docs: list[tuple[str, Doc]] = []
    for rule in sorted(TOKENS):
        for _ in range(3):
            docs.append(("token", _token_item(r, rule)))
    docs += [("generic", _generic_item(r)) for _ in range(40)]
    docs += [("credential", _credential_item(r)) for _ in range(45)]
    docs += [("pii", _pii_item(r)) for _ in range(60)]
    docs += [("internal", _internal_item(r)) for _ in range(45)]
    docs += [("mixed", _mixed_item(r)) for _ in range(20)]
    docs += [("code-secret", _code_secret_item(r)) for _ in range(36)]
    docs += [("pii-extra", _extra_pii_item(r)) for _ in range(20)]
    items = [Item(f"pos-{i:03d}", cat, d.text(), d.labels) for i, (cat, d) in enumerate(docs)]
    # Fixed negatives once, randomised ones (hashes, UUIDs, integrity strings) several times.
    neg: dict[str, str] = {}
    for _ in range(5):
        for cat, text in negatives(r):
            neg.setdefault(text, cat)
    items += [Item(f"neg-{i:03d}", cat, text) for i, (text, cat) in enumerate(neg.items())]
    return items


def main(argv: list[str]) -> None:
    items = generate()
    if "--stats" in argv:
        kinds = Counter(lab.kind for it in items for lab in it.labels)
        rules = Counter(lab.rule for it in items for lab in it.labels)
        print(
            f"{len(items)} items, {sum(kinds.values())} labels, {sum(1 for it in items if not it.labels)} negatives"
        )
        print(dict(kinds))
        for rule, n in sorted(rules.items()):
            print(f"  {rule:40s} {n}")
    if "--dump" in argv:
        n = int(argv[argv.index("--dump") + 1])
        for it in items[:n]:
            print(json.dumps(it.to_json(), indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])

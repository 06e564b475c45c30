"""Provider-prefixed credentials: one table row per token family.

Each row names its literal anchors (the provider's fixed prefix), a pattern that is matched right
at the anchor (or, for the few formats whose prefix is not at the start, searched in a small
window around it), the characters that may not touch the token, and a gate on the random body:
entropy and placeholder checks, plus the built-in checksum where the format has one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .checksums import base62_crc32_ok, jwt_header
from .detector import ALNUM, B64, B64URL, WORD, Detector, Hits, bounded
from .findings import RuleInfo, make_finding, secret_rule
from .model import PromptFinding
from .placeholders import shannon_entropy, token_body_ok
from .prefilter import Anchor, merge_windows

Check = Callable[[str, "re.Match[str]"], bool]


@dataclass(frozen=True)
class TokenRule:
    info: RuleInfo
    anchors: tuple[Anchor, ...]
    pattern: re.Pattern[str]
    left: frozenset[str] = ALNUM
    right: frozenset[str] = ALNUM
    #: > 0: the token may start up to this many chars before its anchor (window search mode)
    before: int = 0
    #: window length after the anchor in window mode
    after: int = 0
    min_entropy: float = 3.0
    check: Check | None = None
    #: the group whose span is reported (and redacted); 0 = the whole match
    value_group: int | str = 0
    windowed: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "windowed", self.before > 0 or self.after > 0)


def _cs(*literals: str) -> tuple[Anchor, ...]:
    return tuple(Anchor(lit, case_sensitive=True) for lit in literals)


def _ci(*literals: str) -> tuple[Anchor, ...]:
    return tuple(Anchor(lit.lower()) for lit in literals)


#: Tokens printed in GitHub's and npm's documentation.
_DOCUMENTED_TOKENS = frozenset({"16C7e42F292c6912E7710c838347Ae178B4a"})


def _github_crc(_text: str, m: re.Match[str]) -> bool:
    """The CRC32 checksum verifies, or the body is random enough to be a token anyway (revoked,
    truncated-and-retyped or generated tokens fail the checksum but leak the same way)."""
    body = m.group("b")
    if base62_crc32_ok(body[:-6], body[-6:]):
        return True
    if body in _DOCUMENTED_TOKENS:
        return False
    has_digit = any(c.isdigit() for c in body)
    return has_digit and any(c.isalpha() for c in body) and shannon_entropy(body) >= 4.0


#: Signatures of JWTs printed in docs (jwt.io's default token and friends).
_EXAMPLE_JWT_SIGNATURES = frozenset(
    {
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "cThIIoDvwdueQB468K5xDc5633seEFoqwxjF_xSJyQQ",
        "XbPfbIHMI6arZ3Y922BhjWgQzWXcXNrz0ogtVhfEd2o",
    }
)


#: sha256 prefixes of Google API keys published as fixtures in firebase/firebase-android-sdk
#: (hashed so this source does not itself carry key-shaped strings).
_DOCUMENTED_GOOGLE_KEYS = frozenset(
    [
        "2037abcaffb2b777",
        "3f370c9dd8225c63",
        "e4a5542bb7fd7b67",
        "a19f89ab3555eac1",
        "0b476bdf9acf2123",
        "eb540d2b6ee2a0a4",
        "37f8f09bdf12c2f2",
        "8731261cb72d8626",
        "49f777db995e8260",
        "27a9a42931dff7eb",
        "dc0fcf046c61640c",
        "4c98242dcadc8b29",
        "ea9bb1082cf95663",
        "3a8b61d0f636b007",
        "a6c814bc555ae62c",
    ]
)


def _not_documented_google_key(_text: str, m: re.Match[str]) -> bool:
    return hashlib.sha256(m.group(0).encode()).hexdigest()[:16] not in _DOCUMENTED_GOOGLE_KEYS


def _slack_ok(_text: str, m: re.Match[str]) -> bool:
    """Slack token bodies mix digits and letters (`xoxp-1234-...-####`, `xoxe.xoxp-1-TokenHere`
    are stand-ins)."""
    body = _body(m)
    if m.group("b2"):
        body = body[2:]  # after the `1-` version
    return any(c.isdigit() for c in body) and any(c.isalpha() for c in body)


def _jwt_ok(_text: str, m: re.Match[str]) -> bool:
    header = jwt_header(m.group("h"))
    if header is None or not ("alg" in header or "typ" in header or "enc" in header):
        return False
    return m.group("s") not in _EXAMPLE_JWT_SIGNATURES


def _near(words: tuple[str, ...], span: int) -> Check:
    """The token counts only with one of `words` (lower-case) in the `span` chars before it."""

    def check(text: str, m: re.Match[str]) -> bool:
        context = text[max(0, m.start() - span) : m.start()].lower()
        return any(w in context for w in words)

    return check


def _has_digit_and_letter(_text: str, m: re.Match[str]) -> bool:
    body = m.group("b")
    return any(c.isdigit() for c in body) and any(c.isalpha() for c in body)


_DOTTED = B64URL | {"."}


def _rule(
    rule: str,
    what: str,
    anchors: tuple[Anchor, ...],
    pattern: str,
    *,
    flags: int = 0,
    **kw: object,
) -> TokenRule:
    return TokenRule(
        secret_rule(rule, what),
        anchors,
        re.compile(pattern, flags | re.ASCII),
        **kw,  # type: ignore[arg-type]
    )


RULES: tuple[TokenRule, ...] = (
    _rule(
        "secret.aws-access-key",
        "an AWS access key ID",
        _cs("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
        r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])(?P<b>[A-Z0-9]{16})",
    ),
    _rule(
        "secret.aws-secret-key",
        "an AWS secret access key",
        _ci("aws_secret", "aws-secret", "awssecret", "secret_access_key", "secretaccesskey"),
        r"(?<![A-Za-z0-9/+=])(?P<b>[A-Za-z0-9/+]{40})",
        left=B64,
        right=B64,
        after=96,
        before=1,
        min_entropy=4.0,
        check=_has_digit_and_letter,
    ),
    _rule(
        "secret.github-token",
        "a GitHub token",
        _cs("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        r"gh[pousr]_(?P<b>[A-Za-z0-9]{36})",
        right=WORD,
        check=_github_crc,
    ),
    _rule(
        "secret.github-fine-grained-pat",
        "a GitHub fine-grained personal access token",
        _cs("github_pat_"),
        r"github_pat_(?P<b>[A-Za-z0-9]{22}_[A-Za-z0-9]{59})",
        right=WORD,
        min_entropy=4.0,
    ),
    _rule(
        "secret.gitlab-token",
        "a GitLab token",
        _cs(
            "glpat-",
            "gldt-",
            "glrt-",
            "glptt-",
            "glft-",
            "glsoat-",
            "glcbt-",
            "glimt-",
            "gloas-",
            "glagent-",
            "glwt-",
            "glffct-",
            "GR1348941",
        ),
        r"(?:gl(?:pat|dt|rt|ptt|ft|soat|cbt|imt|oas|agent|wt|ffct)-|GR1348941)"
        r"(?P<b>[A-Za-z0-9_-]{20,80})(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?",
        right=B64URL,
    ),
    _rule(
        "secret.slack-token",
        "a Slack token",
        _cs("xoxa-", "xoxb-", "xoxe-", "xoxo-", "xoxp-", "xoxr-", "xoxs-", "xapp-"),
        r"(?:xox[abeoprs]|xapp)-(?:(?P<b>[0-9]{8,16}-[0-9A-Za-z-]{8,250})"
        r"|(?P<b2>[0-9]-[0-9A-Za-z-]{20,250})"  # `xapp-1-A...`, `xoxe.xoxp-1-...`
        r"|(?P<b3>[0-9A-Za-z]{8,48}))",  # legacy workspace tokens: `xoxa-<random>`
        right=B64URL,
        check=_slack_ok,
    ),
    _rule(
        "secret.slack-webhook",
        "a Slack incoming-webhook URL",
        _ci("hooks.slack.com/"),
        r"hooks\.slack\.com/(?:services|workflows|triggers)/"
        r"(?P<b>T[A-Z0-9]{6,12}/[A-Z0-9]{6,12}/[A-Za-z0-9]{20,40}|[A-Za-z0-9+/]{43,60})",
        left=WORD,
    ),
    _rule(
        "secret.stripe-key",
        "a Stripe secret or restricted key",
        _cs("sk_live_", "sk_test_", "rk_live_", "rk_test_"),
        r"[sr]k_(?:live|test)_(?P<b>[A-Za-z0-9]{20,247})",
        right=WORD,
    ),
    _rule(
        "secret.stripe-webhook-secret",
        "a Stripe webhook signing secret",
        _cs("whsec_"),
        r"whsec_(?P<b>[A-Za-z0-9+/=]{32,88})",
        right=B64,
    ),
    _rule(
        "secret.openai-key",
        "an OpenAI API key",
        _cs("sk-"),
        r"sk-(?:(?:proj|svcacct|admin)-(?P<b>[A-Za-z0-9_-]{40,250})"
        r"|(?P<b2>[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}))",
        left=B64URL,
        right=B64URL,
    ),
    _rule(
        "secret.anthropic-key",
        "an Anthropic API key",
        _cs("sk-ant-"),
        r"sk-ant-(?:api|admin|oat|ort|sid)[0-9]{2}-(?P<b>[A-Za-z0-9_-]{80,120})",
        left=B64URL,
        right=B64URL,
    ),
    _rule(
        "secret.google-api-key",
        "a Google API key",
        _cs("AIza"),
        r"AIza(?P<b>[0-9A-Za-z_-]{35})",
        right=B64URL,
        check=_not_documented_google_key,
    ),
    _rule(
        "secret.google-oauth-secret",
        "a Google OAuth client secret",
        _cs("GOCSPX-"),
        r"GOCSPX-(?P<b>[0-9A-Za-z_-]{28})",
        right=B64URL,
    ),
    _rule(
        "secret.google-oauth-token",
        "a Google OAuth access or refresh token",
        _cs("ya29.", "1//0"),
        r"(?:ya29\.|1//0)(?P<b>[0-9A-Za-z_-]{30,400})",
        right=B64URL,
        min_entropy=3.5,
    ),
    _rule(
        "secret.azure-storage-key",
        "an Azure storage account key",
        _ci("accountkey="),
        r"(?i:AccountKey)=(?P<v>(?P<b>[A-Za-z0-9+/]{86})==)",
        left=ALNUM,
        right=B64,
        value_group="v",
    ),
    _rule(
        "secret.azure-shared-access-key",
        "an Azure Service Bus / Event Hubs shared access key",
        _ci("sharedaccesskey="),
        r"(?i:SharedAccessKey)=(?P<v>(?P<b>[A-Za-z0-9+/]{42,43})=)",
        left=ALNUM,
        right=B64,
        value_group="v",
    ),
    _rule(
        "secret.azure-client-secret",
        "an Azure AD (Entra ID) client secret",
        _cs("Q~"),
        r"(?<![A-Za-z0-9_~.-])(?P<b>[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})",
        left=B64URL | {"~", "."},
        right=B64URL | {"~", "."},
        before=5,
        after=40,
        min_entropy=3.5,
    ),
    _rule(
        "secret.azure-sas-token",
        "an Azure shared access signature",
        _ci("sig="),
        r"(?i:sig)=(?P<v>(?P<b>[A-Za-z0-9%+/]{40,120}(?:%3D|=){0,2}))",
        left=ALNUM,
        right=B64 | {"%"},
        value_group="v",
        check=_near(("sv=", "se=", "sp=", "sharedaccesssignature"), 600),
    ),
    _rule(
        "secret.twilio-api-key",
        "a Twilio API key SID",
        _cs("SK"),
        r"SK(?P<b>[0-9a-f]{32})",
    ),
    _rule(
        "secret.sendgrid-key",
        "a SendGrid API key",
        _cs("SG."),
        r"SG\.(?P<b>[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})",
        right=B64URL,
    ),
    _rule(
        "secret.mailgun-key",
        "a Mailgun API key",
        _cs("key-"),
        r"key-(?P<b>[0-9a-f]{32})",
        left=B64URL,
    ),
    _rule(
        "secret.mailchimp-key",
        "a Mailchimp API key",
        _cs("-us"),
        r"(?<![A-Za-z0-9])(?P<b>[0-9a-f]{32})-us[0-9]{1,2}",
        before=33,
        after=6,
    ),
    _rule(
        "secret.npm-token",
        "an npm access token",
        _cs("npm_"),
        r"npm_(?P<b>[A-Za-z0-9]{36})",
        right=WORD,
        check=_github_crc,
    ),
    _rule(
        "secret.pypi-token",
        "a PyPI API token",
        _cs("pypi-Ag"),
        r"pypi-(?P<b>Ag[A-Za-z0-9_-]{60,400})",
        right=B64URL,
    ),
    _rule(
        "secret.jwt",
        "a JSON Web Token (decodable JSON header)",
        _cs("eyJ"),
        r"(?P<b>(?P<h>eyJ[A-Za-z0-9_-]{8,1500})\.[A-Za-z0-9_-]{4,8000}\.(?P<s>[A-Za-z0-9_-]{16,1500}))",
        left=B64URL | {"."},
        right=B64URL | {"."},
        check=_jwt_ok,
    ),
    _rule(
        "secret.digitalocean-token",
        "a DigitalOcean token",
        _cs("dop_v1_", "doo_v1_", "dor_v1_"),
        r"do[opr]_v1_(?P<b>[a-f0-9]{64})",
    ),
    _rule(
        "secret.shopify-token",
        "a Shopify access token",
        _cs("shpat_", "shpca_", "shppa_", "shpss_"),
        r"shp(?:at|ca|pa|ss)_(?P<b>[a-fA-F0-9]{32})",
    ),
    _rule(
        "secret.huggingface-token",
        "a Hugging Face access token",
        _cs("hf_"),
        r"hf_(?P<b>[A-Za-z0-9]{34,40})",
        left=WORD,
        right=WORD,
        min_entropy=3.8,
    ),
    _rule(
        "secret.databricks-token",
        "a Databricks access token",
        _cs("dapi"),
        r"dapi(?P<b>[a-f0-9]{32})(?:-[0-9])?",
    ),
    _rule(
        "secret.doppler-token",
        "a Doppler token",
        _cs("dp."),
        r"dp\.(?:pt|st|sa|ct|scim|audit)\.(?P<b>[A-Za-z0-9]{40,44})",
    ),
    _rule(
        "secret.atlassian-token",
        "an Atlassian API token",
        _cs("ATATT3"),
        r"ATATT3(?P<b>[A-Za-z0-9_=-]{150,250})",
        right=B64URL | {"="},
    ),
    _rule(
        "secret.linear-key",
        "a Linear API key",
        _cs("lin_api_"),
        r"lin_api_(?P<b>[A-Za-z0-9]{40})",
    ),
    _rule(
        "secret.postman-key",
        "a Postman API key",
        _cs("PMAK-"),
        r"PMAK-(?P<b>[a-f0-9]{24}-[a-f0-9]{34})",
    ),
    _rule(
        "secret.square-token",
        "a Square access token or application secret",
        _cs("sq0atp-", "sq0csp-"),
        r"sq0(?:atp|csp)-(?P<b>[0-9A-Za-z_-]{22,43})",
        right=B64URL,
    ),
    _rule(
        "secret.facebook-token",
        "a Facebook / Meta access token",
        _cs("EAA"),
        r"EAA(?P<b>[A-Za-z0-9]{100,400})",
        min_entropy=4.0,
    ),
    _rule(
        "secret.newrelic-key",
        "a New Relic key",
        _cs("NRAK-", "NRII-", "NRIQ-", "NRJS-", "NRBR-"),
        r"NR(?:AK-(?P<b>[A-Z0-9]{27})|(?:JS|BR)-(?P<b2>[a-f0-9]{19})|I[IQ]-(?P<b3>[A-Za-z0-9_-]{25,32}))",
        right=B64URL,
    ),
    _rule(
        "secret.sentry-token",
        "a Sentry auth token",
        _cs("sntrys_", "sntryu_"),
        r"sntry(?:s_(?P<b>eyJ[A-Za-z0-9+/=]{60,400}_[A-Za-z0-9+/]{43})|u_(?P<b2>[a-f0-9]{64}))",
        right=B64URL | {"+", "/", "="},
    ),
    _rule(
        "secret.grafana-token",
        "a Grafana Cloud or service-account token",
        _cs("glc_", "glsa_"),
        r"gl(?:c_(?P<b>[A-Za-z0-9+/]{32,400}={0,2})|sa_(?P<b2>[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}))",
        left=WORD,
        right=B64,
    ),
    _rule(
        "secret.vault-token",
        "a HashiCorp Vault token",
        _cs("hvs.", "hvb."),
        r"hv[sb]\.(?P<b>[A-Za-z0-9_-]{24,300})",
        right=B64URL,
    ),
    _rule(
        "secret.terraform-token",
        "a Terraform Cloud / Enterprise API token",
        _cs(".atlasv1."),
        r"(?<![A-Za-z0-9])(?P<b>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})",
        right=B64URL | {"="},
        before=15,
        after=80,
    ),
    _rule(
        "secret.pulumi-token",
        "a Pulumi access token",
        _cs("pul-"),
        r"pul-(?P<b>[a-f0-9]{40})",
    ),
    _rule(
        "secret.mapbox-token",
        "a Mapbox secret token",
        _cs("sk.eyJ"),
        r"sk\.(?P<b>eyJ[A-Za-z0-9_-]{20,400}\.[A-Za-z0-9_-]{20,100})",
        right=B64URL,
    ),
    _rule(
        "secret.alibaba-access-key",
        "an Alibaba Cloud AccessKey ID",
        _cs("LTAI"),
        r"LTAI(?P<b>[A-Za-z0-9]{12,20})",
    ),
    _rule(
        "secret.age-key",
        "an age encryption secret key",
        _cs("AGE-SECRET-KEY-1"),
        r"AGE-SECRET-KEY-1(?P<b>[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})",
    ),
    _rule(
        "secret.dockerhub-token",
        "a Docker Hub personal access token",
        _cs("dckr_pat_"),
        r"dckr_pat_(?P<b>[A-Za-z0-9_-]{27})",
        right=B64URL,
    ),
    _rule(
        "secret.figma-token",
        "a Figma personal access token",
        _cs("figd_"),
        r"figd_(?P<b>[A-Za-z0-9_-]{40})",
        right=B64URL,
    ),
    _rule(
        "secret.notion-token",
        "a Notion integration token",
        _cs("ntn_", "secret_"),
        r"(?:ntn_(?P<b>[0-9]{11}[A-Za-z0-9]{35})|secret_(?P<b2>[A-Za-z0-9]{43}))",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.replicate-token",
        "a Replicate API token",
        _cs("r8_"),
        r"r8_(?P<b>[A-Za-z0-9]{37})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.groq-key",
        "a Groq API key",
        _cs("gsk_"),
        r"gsk_(?P<b>[A-Za-z0-9]{52})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.supabase-token",
        "a Supabase access token",
        _cs("sbp_"),
        r"sbp_(?P<b>[a-f0-9]{40})",
        left=WORD,
    ),
    _rule(
        "secret.netlify-token",
        "a Netlify personal access token",
        _cs("nfp_"),
        r"nfp_(?P<b>[A-Za-z0-9]{36})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.contentful-token",
        "a Contentful personal access token",
        _cs("CFPAT-"),
        r"CFPAT-(?P<b>[A-Za-z0-9_-]{43})",
        right=B64URL,
    ),
    _rule(
        "secret.airtable-token",
        "an Airtable personal access token",
        _cs("pat"),
        r"pat(?P<b>[A-Za-z0-9]{14}\.[a-f0-9]{64})",
    ),
    _rule(
        "secret.heroku-key",
        "a Heroku API key",
        _cs("HRKU-"),
        r"HRKU-(?P<b>[A-Za-z0-9_-]{60})",
        right=B64URL,
    ),
    _rule(
        "secret.flyio-token",
        "a Fly.io access token",
        _cs("fo1_"),
        r"fo1_(?P<b>[A-Za-z0-9_-]{43})",
        left=WORD,
        right=B64URL,
    ),
    _rule(
        "secret.cloudflare-origin-ca-key",
        "a Cloudflare Origin CA key",
        _cs("v1.0-"),
        r"v1\.0-(?P<b>[a-f0-9]{24}-[a-f0-9]{146})",
    ),
    _rule(
        "secret.planetscale-token",
        "a PlanetScale token or password",
        _cs("pscale_"),
        r"pscale_(?:tkn|pw|oauth)_(?P<b>[A-Za-z0-9_.-]{32,64})",
        left=WORD,
        right=_DOTTED,
    ),
    _rule(
        "secret.dynatrace-token",
        "a Dynatrace API token",
        _cs("dt0c01."),
        r"dt0c01\.(?P<b>[A-Z0-9]{24}\.[A-Z0-9]{64})",
    ),
    _rule(
        "secret.shippo-token",
        "a Shippo API token",
        _cs("shippo_"),
        r"shippo_(?:live|test)_(?P<b>[a-f0-9]{40})",
        left=WORD,
    ),
    _rule(
        "secret.easypost-key",
        "an EasyPost API key",
        _cs("EZAK", "EZTK"),
        r"EZ[AT]K(?P<b>[A-Za-z0-9]{54})",
    ),
    _rule(
        "secret.telegram-bot-token",
        "a Telegram bot token",
        _cs(":AA"),
        r"(?<![0-9])(?P<b>[0-9]{8,10}:AA[0-9A-Za-z_-]{33})",
        right=B64URL,
        before=11,
        after=36,
    ),
    _rule(
        "secret.discord-webhook",
        "a Discord webhook URL",
        _cs("/api/webhooks/"),
        r"/api/webhooks/[0-9]{17,20}/(?P<b>[A-Za-z0-9_-]{60,68})",
        left=frozenset(),
        right=B64URL,
        check=_near(("discord",), 40),
    ),
    _rule(
        "secret.teams-webhook",
        "a Microsoft Teams incoming-webhook URL",
        _ci("webhook.office.com/webhookb2/"),
        r"(?i:webhook\.office\.com/webhookb2/)(?P<b>[A-Za-z0-9@/_-]{60,400})",
        left=frozenset(),
        right=B64URL | {"@", "/"},
    ),
    _rule(
        "secret.jfrog-key",
        "a JFrog Artifactory API key",
        _cs("AKCp"),
        r"AKCp(?P<b>[A-Za-z0-9]{69})",
    ),
    _rule(
        "secret.rubygems-key",
        "a RubyGems API key",
        _cs("rubygems_"),
        r"rubygems_(?P<b>[a-f0-9]{48})",
        left=WORD,
    ),
    _rule(
        "secret.nuget-key",
        "a NuGet API key",
        _cs("oy2"),
        r"oy2(?P<b>[a-z0-9]{43})",
        min_entropy=3.5,
    ),
    _rule(
        "secret.perplexity-key",
        "a Perplexity API key",
        _cs("pplx-"),
        r"pplx-(?P<b>[A-Za-z0-9]{48})",
        right=B64URL,
    ),
    _rule(
        "secret.xai-key",
        "an xAI API key",
        _cs("xai-"),
        r"xai-(?P<b>[A-Za-z0-9]{80})",
        left=B64URL,
        right=B64URL,
    ),
    _rule(
        "secret.sourcegraph-token",
        "a Sourcegraph access token",
        _cs("sgp_"),
        r"sgp_(?:(?:[a-fA-F0-9]{16}|local)_)?(?P<b>[a-fA-F0-9]{40})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.adobe-client-secret",
        "an Adobe client secret",
        _cs("p8e-"),
        r"p8e-(?P<b>[A-Za-z0-9]{32})",
        left=B64URL,
        right=B64URL,
    ),
    _rule(
        "secret.artifactory-reference-token",
        "a JFrog Artifactory reference token",
        _cs("cmVmd"),
        r"cmVmd(?P<b>[A-Za-z0-9]{59})",
        left=ALNUM,
        right=ALNUM,
    ),
    _rule(
        "secret.openshift-token",
        "an OpenShift user token",
        _cs("sha256~"),
        r"sha256~(?P<b>[A-Za-z0-9_-]{43})",
        left=WORD,
        right=B64URL,
    ),
    _rule(
        "secret.prefect-key",
        "a Prefect API key",
        _cs("pnu_"),
        r"pnu_(?P<b>[A-Za-z0-9]{36})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.readme-key",
        "a ReadMe API key",
        _cs("rdme_"),
        r"rdme_(?P<b>[a-z0-9]{70})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.facebook-app-token",
        "a Facebook app access token (app id and secret)",
        _cs("|", "%7C", "%7c"),
        r"(?<![0-9])[0-9]{15,16}(?:\||%7[Cc])(?P<b>[A-Za-z0-9_-]{27,40})",
        left=WORD,
        right=B64URL,
        before=18,
        after=44,
        check=_has_digit_and_letter,
    ),
    _rule(
        "secret.vault-legacy-token",
        "a HashiCorp Vault service token",
        _cs("s."),
        r"s\.(?P<b>[A-Za-z0-9]{24})",
        left=WORD | {"."},
        right=B64URL | {"."},
        min_entropy=3.5,
        check=_has_digit_and_letter,
    ),
    _rule(
        "secret.huggingface-org-token",
        "a Hugging Face organization API token",
        _cs("api_org_"),
        r"api_org_(?P<b>[A-Za-z]{34})",
        left=WORD,
        right=WORD,
        min_entropy=3.8,
    ),
    _rule(
        "secret.intra42-secret",
        "a 42 intranet client secret",
        _cs("s-s4t2"),
        r"s-s4t2(?:ud|af)-(?P<b>[a-f0-9]{64})",
        left=B64URL,
    ),
    _rule(
        "secret.sidekiq-credentials",
        "Sidekiq Enterprise / Pro credentials",
        _ci("contribsys"),
        r"(?<![A-Za-z0-9])(?P<b>[a-f0-9]{8}:[a-f0-9]{8})",
        left=ALNUM,
        right=ALNUM,
        before=48,
        after=96,
        min_entropy=2.5,
    ),
    _rule(
        "secret.1password-secret-key",
        "a 1Password secret key",
        _cs("A3-"),
        r"A3-(?P<b>[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})",
        min_entropy=3.0,
    ),
    _rule(
        "secret.1password-service-token",
        "a 1Password service account token",
        _cs("ops_eyJ"),
        r"ops_(?P<b>eyJ[A-Za-z0-9+/]{250,2000}={0,3})",
        left=WORD,
        right=B64,
    ),
    _rule(
        "secret.bedrock-key",
        "an Amazon Bedrock API key",
        _cs("ABSK"),
        r"ABSK(?P<b>[A-Za-z0-9+/]{109,269}={0,2})",
        right=B64,
        min_entropy=4.0,
    ),
    _rule(
        "secret.langsmith-key",
        "a LangSmith API key",
        _cs("lsv2_"),
        r"lsv2_(?:pt|sk)_(?P<b>[a-f0-9]{32}_[a-f0-9]{10})",
        left=WORD,
        right=WORD,
    ),
    # Formats found missing on trufflehog's detector tests (benchmarks/trufflehog_examples.py)
    _rule(
        "secret.adafruit-io-key",
        "an Adafruit IO key",
        _cs("aio_"),
        r"aio_(?P<b>[A-Za-z0-9]{28})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.alchemy-token",
        "an Alchemy access token",
        _cs("alcht_"),
        r"alcht_(?P<b>[A-Za-z0-9]{30})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.apify-token",
        "an Apify API token",
        _cs("apify_api_"),
        r"apify_api_(?P<b>[A-Za-z0-9-]{36})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.bitbucket-dc-token",
        "a Bitbucket Data Center HTTP access token",
        _cs("BBDC-"),
        r"BBDC-(?P<b>[A-Za-z0-9+/@_-]{40,50})",
        right=B64URL | {"+", "/", "@"},
    ),
    _rule(
        "secret.bannerbear-key",
        "a Bannerbear API key",
        _cs("bb_pr_", "bb_ma_"),
        r"bb_(?:pr|ma)_(?P<b>[a-f0-9]{30})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.besttime-key",
        "a BestTime private API key",
        _cs("pri_"),
        r"pri_(?P<b>[a-f0-9]{32})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.buildkite-token",
        "a Buildkite API access token",
        _cs("bkua_"),
        r"bkua_(?P<b>[a-z0-9]{40})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.cloudflare-global-key",
        "a Cloudflare global API key",
        _cs("cfk_"),
        r"cfk_(?P<b>[A-Za-z0-9]{40}[a-f0-9]{8})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.harness-token",
        "a Harness personal access token",
        _cs("pat."),
        r"pat\.(?P<b>[A-Za-z0-9_]{22}\.[0-9a-f]{24}\.[A-Za-z0-9]{20})",
        left=WORD | {"."},
        right=WORD,
    ),
    _rule(
        "secret.photoroom-key",
        "a PhotoRoom API key",
        _cs("sk_pr_"),
        r"sk_pr_(?P<b>[A-Za-z0-9]{1,64}_[A-Fa-f0-9]{40})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.pinecone-key",
        "a Pinecone API key",
        _cs("pcsk_"),
        r"pcsk_(?P<b>[A-Za-z0-9]{5,6}_[A-Za-z0-9]{63})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.rootly-key",
        "a Rootly API key",
        _cs("rootly_"),
        r"rootly_(?P<b>[a-f0-9]{64})",
        left=WORD,
        right=WORD,
    ),
    _rule(
        "secret.spectralops-token",
        "a SpectralOps user token",
        _cs("spu-"),
        r"spu-(?P<b>[a-z0-9]{32})",
        left=B64URL,
        right=B64URL,
    ),
    _rule(
        "secret.teamwork-token",
        "a Teamwork API token",
        _cs("tkn.v1_"),
        r"tkn\.v1_(?P<b>[0-9A-Za-z]{71}=?)",
        left=WORD | {"."},
        right=WORD,
    ),
    _rule(
        "secret.trufflehog-enterprise-key",
        "a TruffleHog Enterprise key or secret",
        _cs("thog-key-", "thog-secret-"),
        r"thog-(?:key-(?P<b>[0-9a-f]{16})|secret-(?P<b2>[0-9a-f]{32}))",
        left=B64URL,
        right=B64URL,
        min_entropy=2.5,  # 16 hex digits: real keys fall under 3 bits often enough
    ),
    _rule(
        "secret.voiceflow-key",
        "a Voiceflow API key",
        _cs("VF."),
        r"VF\.(?:(?:DM|WS)\.)?(?P<b>[A-Fa-f0-9]{24}\.[A-Za-z0-9]{16})",
        left=WORD | {"."},
        right=WORD,
    ),
)


def _body(m: re.Match[str]) -> str:
    for name in ("b", "b2", "b3"):
        if name in m.re.groupindex:
            value = m.group(name)
            if value:
                return value
    return m.group(0)


class TokenDetector(Detector):
    """Runs every row of `RULES` at its anchors."""

    def __init__(self, rules: tuple[TokenRule, ...] = RULES) -> None:
        self.rules = rules
        self.by_anchor: dict[Anchor, list[TokenRule]] = {}
        for rule in rules:
            for anchor in rule.anchors:
                self.by_anchor.setdefault(anchor, []).append(rule)
        self.anchors = tuple(self.by_anchor)

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterator[PromptFinding]:
        windowed: dict[int, list[int]] = {}
        for pos, anchor in hits:
            for rule in self.by_anchor.get(anchor, ()):
                if rule.windowed:
                    windowed.setdefault(id(rule), []).append(pos)
                    continue
                # A token cannot start inside a run of its own characters; skipping such hits
                # first keeps `eyJeyJeyJ...` linear (one regex attempt per run, not per hit).
                if pos > 0 and text[pos - 1] in rule.left:
                    continue
                m = rule.pattern.match(text, pos)
                if m is not None:
                    finding = self._accept(rule, text, m)
                    if finding is not None:
                        yield finding
        if not windowed:
            return
        for rule in self.rules:
            positions = windowed.get(id(rule))
            if not positions:
                continue
            positions.sort()
            for lo, hi in merge_windows(positions, rule.before, rule.after, len(text)):
                for m in rule.pattern.finditer(text, lo, hi):
                    finding = self._accept(rule, text, m)
                    if finding is not None:
                        yield finding

    @staticmethod
    def _accept(rule: TokenRule, text: str, m: re.Match[str]) -> PromptFinding | None:
        if not bounded(text, m.start(), m.end(), rule.left, rule.right):
            return None
        if not token_body_ok(_body(m), min_entropy=rule.min_entropy):
            return None
        if rule.check is not None and not rule.check(text, m):
            return None
        start, end = m.span(rule.value_group)
        if text[end - 1] == "." and (end == len(text) or text[end].isspace()):
            end -= 1  # the full stop of a sentence, swallowed by a `.`-allowing body
        return make_finding(rule.info, text, start, end)

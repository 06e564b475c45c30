"""Customer data: e-mail addresses, payment cards, IBANs, US SSNs, phone numbers.

Numbers are only reported when their built-in structure holds (Luhn plus issuer prefix and length,
IBAN country length plus mod-97, SSA area/group/serial rules), and never for the test numbers
that issuers and docs publish.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .checksums import IBAN_LENGTHS, card_issuer, iban_ok, luhn_ok, ssn_ok
from .detector import ALNUM, WORD, Detector, Hits
from .findings import make_finding, register
from .model import BLOCK, KIND_PII, WARN, PromptFinding
from .placeholders import longest_run, longest_sequence
from .prefilter import Anchor, merge_windows, windows_of
from .reserved import EXAMPLE_IBANS, EXAMPLE_SSNS, TEST_CARDS, is_reserved_host

EMAIL = register("pii.email", KIND_PII, WARN, "a personal e-mail address")
PHONE = register("pii.phone", KIND_PII, WARN, "a phone number")
CARD = register("pii.card", KIND_PII, BLOCK, "a payment card number")
IBAN = register("pii.iban", KIND_PII, BLOCK, "a bank account number (IBAN)")
SSN = register("pii.ssn", KIND_PII, BLOCK, "a US Social Security number")

# --- e-mail -------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])(?P<local>[A-Za-z0-9._%+-]{1,64})@(?P<domain>[A-Za-z0-9.-]{1,253})",
    re.ASCII,
)
#: Mailbox names that are roles, bots or stand-ins rather than a person.
_ROLE_LOCALS = frozenset(
    [
        "user",
        "username",
        "name",
        "email",
        "mail",
        "your",
        "you",
        "yourname",
        "your.name",
        "your.email",
        "first.last",
        "firstname.lastname",
        "someone",
        "somebody",
        "anyone",
        "foo",
        "bar",
        "baz",
        "test",
        "tester",
        "john.doe",
        "jane.doe",
        "johndoe",
        "janedoe",
        "john",
        "jane",
        "me",
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "git",
        "info",
        "support",
        "sales",
        "contact",
        "admin",
        "administrator",
        "hello",
        "help",
        "security",
        "abuse",
        "postmaster",
        "webmaster",
        "hostmaster",
        "root",
        "nobody",
        "mailer-daemon",
        "team",
        "office",
        "billing",
        "privacy",
        "legal",
        "press",
        "jobs",
        "careers",
        "feedback",
        "notifications",
        "alerts",
        "oss",
        "opensource",
        "open-source",
        "maintainers",
        "community",
        "devrel",
        "engineering",
        "oncall",
        "on-call",
        "ops",
        "devops",
        "sre",
        "it",
        "helpdesk",
        "service",
        "bot",
    ]
)
#: Words that make a mailbox a stand-in (`testuser@`, `demo.account@`, `my-agent-user@yourtenant`).
_STANDIN_PARTS = ("test", "demo", "sample", "example", "dummy", "fake", "your", "placeholder")
#: Fictitious companies used throughout vendor documentation (Microsoft's docs above all).
DOC_COMPANY_DOMAINS = (
    "contoso.com",
    "contoso.onmicrosoft.com",
    "fabrikam.com",
    "northwindtraders.com",
    "adventure-works.com",
    "adatum.com",
    "wingtiptoys.com",
    "tailspintoys.com",
    "litwareinc.com",
    "proseware.com",
    "woodgrovebank.com",
    "fourthcoffee.com",
    "wideworldimporters.com",
    "test.com",
    "domain.com",
    "company.com",
    "yourcompany.com",
    "mycompany.com",
)
#: "e.g. alex@tesla.com": an address shown as an example.
_EXAMPLE_CUE = re.compile(
    r"(?i:e\.g\.|eg\.|for example|for instance|such as|example:)[\s,(:]{0,3}\Z"
)
#: "TLDs" that are really file extensions (`icon@2x.png`, `pkg@1.0.js`).
_FILE_TLDS = frozenset(
    [
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "ico",
        "bmp",
        "js",
        "mjs",
        "cjs",
        "ts",
        "tsx",
        "jsx",
        "py",
        "rb",
        "go",
        "rs",
        "java",
        "kt",
        "css",
        "scss",
        "less",
        "html",
        "htm",
        "json",
        "yaml",
        "yml",
        "md",
        "txt",
        "lock",
        "map",
        "woff",
        "woff2",
        "ttf",
        "otf",
        "eot",
        "pdf",
        "zip",
        "gz",
        "tgz",
        "tar",
        "exe",
        "dll",
        "so",
        "dylib",
        "sh",
        "bat",
        "ps1",
        "php",
        "vue",
        "svelte",
        "xml",
        "csv",
        "log",
    ]
)


#: Domains of machine identities (service accounts, bots), not people.
_MACHINE_DOMAINS = (
    "gserviceaccount.com",
    "noreply.github.com",
    "noreply.gitlab.com",
    "serviceaccount.com",
    "bots.slack.com",
)


def _in_url_userinfo(text: str, start: int) -> bool:
    """`scheme://user:pass@host`: the `@` belongs to a URL, not to an e-mail address."""
    token_start = max(0, start - 300)
    if text.rfind("://", token_start, start) < 0:
        return False
    for sep in (" ", "\n", "\t", '"', "'", "(", "<"):
        token_start = max(token_start, text.rfind(sep, token_start, start) + 1)
    return text.find("://", token_start, start) >= 0


def _personal_looking(text: str, start: int, local: str, domain: str) -> bool:
    """Filter out message ids, `user:pass@host` userinfo, truncated and dummy addresses."""
    before = text[start - 1 : start]
    if before == ":" or before.isalnum():  # `User:Pass@host`, or `főo@` cut at a non-ASCII letter
        return False
    if len(local) < 2 or not any(c.isalpha() for c in local):  # `a@b.com`, `1234.5678@host`
        return False
    second_level = domain.rsplit(".", 2)[-2]
    return len(set(second_level)) > 1  # `xxx.com`, `zzz.org`


def _email_domain(domain: str) -> str | None:
    """The valid host part of `domain` (trailing dots/hyphens dropped), or None."""
    domain = domain.rstrip(".-")
    labels = domain.split(".")
    if len(labels) < 2 or len(labels) > 10:
        return None
    for label in labels:
        if not (0 < len(label) <= 63) or label[0] == "-" or label[-1] == "-":
            return None
    tld = labels[-1]
    if not tld.isalpha() or len(tld) < 2 or tld.lower() in _FILE_TLDS:
        return None
    if not (tld.islower() or tld.isupper() or tld[1:].islower()):
        return None  # `@OData.Community.Display.V1.FormattedValue`: an annotation, not a domain
    return domain


def _stand_in(text: str, start: int, local: str, domain: str) -> bool:
    """Test, demo and documentation addresses, and addresses introduced as an example."""
    low_local = local.lower()
    if any(w in low_local for w in _STANDIN_PARTS) or any(w in domain for w in _STANDIN_PARTS[2:]):
        return True
    if domain.endswith(DOC_COMPANY_DOMAINS) and any(
        domain == d or domain.endswith("." + d) for d in DOC_COMPANY_DOMAINS
    ):
        return True
    return _EXAMPLE_CUE.search(text, max(0, start - 16), start) is not None


class EmailDetector(Detector):
    """Addresses around each `@` (windows built straight from the text: `@` can be dense)."""

    always = True
    gate = "@"

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterator[PromptFinding]:
        for lo, hi in windows_of(text, "@", 65, 256):
            for m in _EMAIL.finditer(text, lo, hi):
                local = m.group("local").strip(".")
                domain = _email_domain(m.group("domain"))
                if not local or domain is None:
                    continue
                low_domain = domain.lower()
                if local.lower() in _ROLE_LOCALS or "noreply" in low_domain:
                    continue
                if low_domain.endswith(_MACHINE_DOMAINS) or _in_url_userinfo(text, m.start()):
                    continue
                if not _personal_looking(text, m.start("local"), local, low_domain):
                    continue
                if is_reserved_host(low_domain) or _stand_in(text, m.start(), local, low_domain):
                    continue
                start = m.start("local") + (
                    len(m.group("local")) - len(m.group("local").lstrip("."))
                )
                yield make_finding(EMAIL, text, start, m.start("domain") + len(domain))


# --- phone numbers (context required) -----------------------------------------------------------

_PHONE_CONTEXT = re.compile(
    r"(?i:(?:tele)?phone(?:[ _-]?(?:number|no|num|nr))?s?|mobile(?:[ _-]?(?:number|no|phone))?"
    r"|cell(?:[ _-]?(?:phone|number|no))?|tel|fax|whatsapp|sms|call(?: me)?(?: at| on)?"
    r"|contact(?:[ _-]?(?:number|no|phone))?|ph|mob)[\"'.]?(?![A-Za-z])",
    re.ASCII,
)
_PHONE_WORDS = (
    "phone", "tel", "mobile", "mob", "cell", "fax", "whatsapp", "sms", "call", "contact", "ph",
    "m:", "t:", "p:",
)  # fmt: skip
_PHONE = re.compile(r"(?<![\w+])\+?[0-9(][0-9 ().-]{6,22}[0-9]", re.ASCII)
_DATE_LIKE = re.compile(
    r"[0-9]{4}[-./][0-9]{1,2}[-./][0-9]{1,2}|[0-9]{1,2}[-./][0-9]{1,2}[-./][0-9]{2,4}"
)


def _phone_ok(candidate: str) -> bool:
    digits = "".join(c for c in candidate if c.isdigit())
    n = len(digits)
    if candidate.startswith("+"):
        if not 8 <= n <= 15:
            return False
    elif not 10 <= n <= 15:
        return False
    if _DATE_LIKE.fullmatch(candidate.strip()) or candidate.count(".") >= 3:
        return False
    if longest_run(digits) >= 7 or longest_sequence(digits) >= 7:
        return False
    # NANP 555-0100..555-0199 are reserved for fiction and docs, with or without an area code
    # (`+1-555-0123`, `(212) 555-0123`).
    national = digits[1:] if digits[0] == "1" and (n == 11 or candidate.startswith("+")) else digits
    if len(national) == 10 and national[0] in "01":
        return True  # no NANP area code starts with 0 or 1: `(030) 555-0123` is Berlin
    return not (len(national) in (7, 10) and national[-7:-4] == "555" and national[-4:-2] == "01")


class PhoneDetector(Detector):
    """A phone number within a few words after `phone`, `tel:`, `mobile`, `call me at`, ..."""

    anchors = tuple(Anchor(k) for k in _PHONE_WORDS)

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterator[PromptFinding]:
        starts: list[int] = []
        for pos, anchor in hits:
            if pos > 0 and text[pos - 1].isalpha():
                continue
            if anchor.literal.endswith(":"):
                if pos == 0 or text[pos - 1] == "\n":
                    starts.append(pos + 2)
                continue
            m = _PHONE_CONTEXT.match(text, pos)
            if m is not None:
                starts.append(m.end())
        starts.sort()
        for lo, hi in merge_windows(starts, 0, 48, len(text)):
            for m in _PHONE.finditer(text, lo, hi):
                if m.end() < len(text) and text[m.end()] in WORD:
                    continue
                if _phone_ok(m.group(0)):
                    yield make_finding(PHONE, text, m.start(), m.end())


# --- numbers: cards, SSNs ---------------------------------------------------------------------

_NUMBER = re.compile(r"[0-9]{1,19}(?:[ -][0-9]{1,19}){0,7}", re.ASCII)
_CARD_WORDS = ("card", "cc", "visa", "mastercard", "amex", "credit", "debit", "pan", "payment")
_SSN_WORDS = ("ssn", "social security", "social-security", "socialsecurity")
_NUM_LEFT = WORD | {".", ",", "+", "/", "$", "#", "-", "€", "£"}


def _card_shape(sizes: list[int]) -> bool:
    if len(sizes) == 1:
        return 12 <= sizes[0] <= 19
    if sizes in ([4, 6, 5], [4, 6, 4]):
        return True
    head = len(sizes) - 1
    return head in (3, 4) and sizes[:-1].count(4) == head and 1 <= sizes[-1] <= 4


def _context(lowered: str, start: int, words: tuple[str, ...], span: int = 48) -> bool:
    before = lowered[max(0, start - span) : start]
    return any(w in before for w in words)


class NumberDetector(Detector):
    """Cards and SSNs: one linear pass over digit groups, validators only on plausible shapes."""

    always = True
    gate = r"[0-9](?:[ -]?[0-9]){8}"

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterator[PromptFinding]:
        n = len(text)
        for m in _NUMBER.finditer(text):
            start, end = m.span()
            if end - start < 9:
                continue
            # A CSV cell (`name,4111...`) is fine; `1,234` or `v2.4111...` is not.
            csv_cell = text[start - 1 : start] == "," and not text[start - 2 : start - 1].isdigit()
            if start > 0 and text[start - 1] in _NUM_LEFT and not csv_cell:
                continue
            if end < n and (
                text[end] in WORD or (text[end] in ".," and end + 1 < n and text[end + 1].isdigit())
            ):
                continue
            raw = m.group(0)
            yield from self._ssn(text, lowered, raw, start)
            yield from self._cards(text, lowered, raw, start)

    @staticmethod
    def _ssn(text: str, lowered: str, raw: str, start: int) -> Iterator[PromptFinding]:
        if len(raw) == 11 and raw[3] == raw[6] and raw[3] in " -":
            area, group, serial = raw[:3], raw[4:6], raw[7:]
            if not (area + group + serial).isdigit():
                return
            if raw[3] == " " and not _context(lowered, start, _SSN_WORDS):
                return
        elif len(raw) == 9 and raw.isdigit() and _context(lowered, start, _SSN_WORDS):
            area, group, serial = raw[:3], raw[3:5], raw[5:]
        else:
            return
        if ssn_ok(area, group, serial) and area + group + serial not in EXAMPLE_SSNS:
            yield make_finding(SSN, text, start, start + len(raw))

    @staticmethod
    def _cards(text: str, lowered: str, raw: str, start: int) -> Iterator[PromptFinding]:
        # Split into digit groups, remembering offsets, then look for card-shaped runs of groups:
        # one group of 12-19 digits, 4-6-5 / 4-6-4 (Amex, Diners) or 4-4-4-x. A run may sit
        # between other numbers ("order 12 4111 1111 ..."), and several cards may follow each other.
        groups = [m.span() for m in _DIGIT_GROUP.finditer(raw)]
        if sum(b - a for a, b in groups) < 12:
            return
        sizes = [b - a for a, b in groups]
        seps = [raw[a - 1] if a else "" for a, _ in groups]
        prefix = [0]
        for size in sizes:
            prefix.append(prefix[-1] + size)
        first = 0
        n = len(groups)
        while first < n:
            hit = None
            for width in _CARD_WIDTHS:
                last = first + width - 1
                if last >= n or not 12 <= prefix[last + 1] - prefix[first] <= 19:
                    continue
                if width > 1 and len(set(seps[first + 1 : last + 1])) != 1:
                    continue  # mixed separators
                if not _card_shape(sizes[first : last + 1]):
                    continue
                span = raw[groups[first][0] : groups[last][1]]
                digits = span.replace(" ", "").replace("-", "") if width > 1 else span
                issuer = _card_ok(digits)
                if issuer is None:
                    continue
                a0, b0 = groups[first][0], groups[last][1]
                odd_single = width == 1 and len(digits) not in (15, 16)
                if odd_single and not _context(lowered, start + a0, _CARD_WORDS):
                    continue
                hit = (last, a0, b0, issuer)
                break
            if hit is None:
                first += 1
                continue
            last, a0, b0, issuer = hit
            yield make_finding(CARD, text, start + a0, start + b0, issuer)
            first = last + 1


_DIGIT_GROUP = re.compile(r"[0-9]+")
_DIGIT_RUN7 = re.compile(r"([0-9])\1{6}")
#: Group counts to try at each position, longest first (4-4-4-4-3 before 4-4-4-4).
_CARD_WIDTHS = (5, 4, 3, 1)


def _card_ok(digits: str) -> str | None:
    """Issuer name if `digits` is a plausible real card number, else None."""
    if not 12 <= len(digits) <= 19 or not luhn_ok(digits):
        return None
    issuer = card_issuer(digits)
    if issuer is None or digits in TEST_CARDS:
        return None
    if len(set(digits)) <= 3 or _DIGIT_RUN7.search(digits) is not None:
        return None  # 4000 0000 0000 0002-style test numbers
    return issuer


# --- IBAN ---------------------------------------------------------------------------------------

_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,8}(?: ?[A-Z0-9]{1,3})?", re.ASCII
)


class IbanDetector(Detector):
    always = True
    gate = r"[A-Z]{2}[0-9]{2} ?[A-Z0-9]{4}"

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterator[PromptFinding]:
        for m in _IBAN.finditer(text):
            raw = m.group(0)
            length = IBAN_LENGTHS.get(raw[:2])
            if length is None:
                continue
            # Cut at the country's length, which must fall on a group boundary.
            count = 0
            cut = -1
            for idx, ch in enumerate(raw):
                if ch != " ":
                    count += 1
                    if count == length:
                        cut = idx + 1
                        break
            if cut < 0:
                continue
            if cut < len(raw) and raw[cut] != " ":
                continue
            if cut == len(raw) and m.end() < len(text) and text[m.end()] in ALNUM:
                continue
            compact = raw[:cut].replace(" ", "")
            if compact in EXAMPLE_IBANS or not iban_ok(compact):
                continue
            yield make_finding(IBAN, text, m.start(), m.start() + cut, raw[:2])

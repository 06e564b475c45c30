"""Customer data and internal architecture: a positive and a hard negative per family."""

from __future__ import annotations

import random

from prompt_corpus_loader import load

from pavedroad.prompts import scan_text
from pavedroad.prompts.checksums import card_issuer, iban_ok, luhn_ok, ssn_ok

gen = load("generate")
DOMAINS = ("corp.acme.com", "*.internal")


def spans(text: str, rule: str, domains: tuple[str, ...] = DOMAINS) -> list[str]:
    return [
        text[f.start : f.end] for f in scan_text(text, internal_domains=domains) if f.rule == rule
    ]


# --- e-mail ------------------------------------------------------------------------------------


def test_email_positive() -> None:
    assert spans("Customer Dana Novak (dana.novak@gmail.com) is angry.", "pii.email") == [
        "dana.novak@gmail.com"
    ]
    assert spans("From: Lars <lars_berg7@acmecorp.io>\n", "pii.email") == ["lars_berg7@acmecorp.io"]


def test_email_hard_negatives() -> None:
    for text in [
        "mail alice@example.com, bob@test.example or carol@example.org",
        "git clone git@github.com:acme/widgets.git",
        "Author: CI <ci@users.noreply.github.com>",
        "icon@2x.png and pkg@1.2.3 and @types/node and @login_required",
        "Email support@acmecorp.io or sales@globex.de",
        "postgres://app:Vq9kLm2xTz@db.acmecorp.io/x",
        "svc@orders-prod.iam.gserviceaccount.com",
        "Message-ID: <15090.61304.110929.45684@aaa.zzz.org>",
        "ssh deploy@10.0.0.5",
    ]:
        assert spans(text, "pii.email") == [], text


# --- cards -------------------------------------------------------------------------------------


def test_card_positive(rng: random.Random) -> None:
    for _ in range(20):
        number = gen.card(rng)
        digits = number.replace(" ", "").replace("-", "")
        assert luhn_ok(digits) and card_issuer(digits)
        assert spans(f"card: {number} exp 09/27", "pii.card") == [number]


def test_card_hard_negatives(rng: random.Random) -> None:
    for text in [
        "Use 4242 4242 4242 4242, 4000 0000 0000 0002 or 4111111111111111 in test mode.",
        "5555555555554444 and 378282246310005 are Stripe test cards",
        "order id 1234567890123456 and timestamp 1699999999999",
        "4539 1488 0343 6468",  # Luhn fails
        "version 4.5391488.03436467",
        "0.4539148803436467",
    ]:
        assert spans(text, "pii.card") == [], text
    # A Luhn-valid 16-digit number with a prefix no issuer uses.
    assert spans(gen.luhn_complete("99", 16, rng), "pii.card") == []


# --- IBAN --------------------------------------------------------------------------------------


def test_iban_positive(rng: random.Random) -> None:
    for _ in range(10):
        value = gen.iban(rng)
        assert iban_ok(value.replace(" ", ""))
        assert spans(f"Please wire it to {value} today.", "pii.iban") == [value]


def test_iban_hard_negatives(rng: random.Random) -> None:
    good = gen.iban(rng, spaced=False)
    broken = good[:2] + ("00" if good[2:4] != "00" else "01") + good[4:]
    assert spans(broken, "pii.iban") == []
    assert spans("GB82 WEST 1234 5698 7654 32 and DE89370400440532013000", "pii.iban") == []
    assert spans("XX12 3456 7890 1234 56", "pii.iban") == []


# --- SSN ---------------------------------------------------------------------------------------


def test_ssn_positive(rng: random.Random) -> None:
    value = gen.ssn(rng)
    assert spans(f"ssn: {value}", "pii.ssn") == [value]
    assert spans(f"Her SSN is {value.replace('-', '')}.", "pii.ssn") == [value.replace("-", "")]


def test_ssn_hard_negatives() -> None:
    assert not ssn_ok("000", "12", "3456") and not ssn_ok("666", "12", "3456")
    assert not ssn_ok("900", "12", "3456") and not ssn_ok("123", "00", "3456")
    for text in ["078-05-1120", "123-45-6789", "000-12-3456", "666-12-3456", "912-34-5678",
                 "536-00-4399", "order 536904399 shipped", "2024-05-12"]:  # fmt: skip
        assert spans(text, "pii.ssn") == [], text


# --- phone -------------------------------------------------------------------------------------


def test_phone_positive(rng: random.Random) -> None:
    for _ in range(10):
        value = gen.phone(rng)
        assert spans(f"Call me at {value} tomorrow", "pii.phone") == [value]
        assert spans(f"--\nDana\nM: {value}\n", "pii.phone") == [value]


def test_phone_hard_negatives() -> None:
    for text in [
        "Invoice #4155552671 was paid",  # no context
        "phone: 555-0123",  # too short
        "call me at (415) 555-0142",  # 555-01xx is reserved for fiction
        "telemetry 2024-05-12 10:11:12",
        "Intel 8086 and hotel 12345678901",
    ]:
        assert spans(text, "pii.phone") == [], text


# --- internal ----------------------------------------------------------------------------------


def test_private_ip_positive() -> None:
    for text, ip in [
        ("ssh deploy@10.20.3.14 'uptime'", "10.20.3.14"),
        ("DB_HOST=172.16.4.22", "172.16.4.22"),
        ("connect to 192.168.1.50:5432", "192.168.1.50"),
        ("upstream backend { server 10.0.12.7:8080; }", "10.0.12.7"),
        ("ping 169.254.10.3", "169.254.10.3"),
        ("host fd12:3456:789a::1", "fd12:3456:789a::1"),
    ]:
        assert spans(text, "internal.private-ip") == [ip], text


def test_private_ip_hard_negatives() -> None:
    for text in [
        "Our VPC is 10.0.0.0/8 and the office subnet 192.168.1.0/24.",
        "docs use 192.0.2.10, 198.51.100.7 and 203.0.113.42",
        "localhost 127.0.0.1 and 0.0.0.0",
        "curl http://169.254.169.254/latest/meta-data/",  # cloud metadata: public knowledge
        "upgrade to 10.2.3 then 10.4.1.7.2",
        "public DNS 8.8.8.8 and 1.1.1.1",
        "release 10.1.2.3 is out",  # a private address, but no host context
    ]:
        assert spans(text, "internal.private-ip") == [], text


def test_internal_hostnames() -> None:
    assert spans("agent build01.corp.acme.com times out", "internal.hostname") == [
        "build01.corp.acme.com"
    ]
    assert spans("vault.eu1.internal:8200", "internal.hostname") == ["vault.eu1.internal"]
    assert spans("the apex corp.acme.com too", "internal.hostname") == ["corp.acme.com"]
    # `*.internal` means subdomains only; code attribute chains are not hosts.
    assert (
        spans("see internal docs, self.internal.corp and os.internal()", "internal.hostname") == []
    )
    assert spans("www.acme.com and corp.acme.com.evil.org", "internal.hostname") == []
    assert spans("build01.corp.acme.com", "internal.hostname", domains=()) == []


def test_internal_urls() -> None:
    for url in [
        "https://grafana.corp.acme.com/d/abc?from=now-1h",
        "http://10.1.2.3:9200/_cat/indices",
        "http://jenkins.intranet:8080/job/deploy",
        "http://nas.local/share",
        "https://api.internal.acmecorp.io/v1",
    ]:
        assert spans(f"see {url}.", "internal.url") == [url], url
    for text in [
        "https://github.com/acme/widgets",
        "http://localhost:3000/login",
        "https://api.example.com/v1",
        "http://192.0.2.1/",
    ]:
        assert spans(text, "internal.url") == [], text


def test_internal_host_inside_email_reported_once() -> None:
    found = scan_text("write to farah.haddad@corp.acme.com", internal_domains=DOMAINS)
    assert [f.rule for f in found] == ["pii.email"]

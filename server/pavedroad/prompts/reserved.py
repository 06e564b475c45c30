"""Values reserved for documentation and testing: never customer data, never infrastructure.

RFC 2606/6761 example names, RFC 5737/3849 documentation addresses, loopback, the issuers'
published test card numbers and the IBANs/SSNs that appear in every tutorial.
"""

from __future__ import annotations

import ipaddress

#: Second-level names reserved for examples (RFC 2606), matched with their subdomains.
EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net", "example.edu")
#: Top-level names reserved for tests and docs (RFC 2606 / 6761).
RESERVED_TLDS = ("example", "test", "invalid", "localhost")

_DOC_NETS = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)

#: Published test card numbers (Stripe, Adyen, Braintree, PayPal docs) that pass Luhn.
TEST_CARDS = frozenset(
    {
        "4242424242424242",
        "4000056655665556",
        "4111111111111111",
        "4012888888881881",
        "4222222222222",
        "4000000000000002",
        "4000000000009995",
        "4000000000003220",
        "4000002500003155",
        "4000002760003184",
        "4000000000000077",
        "4000000000000341",
        "4917610000000000",
        "4988438843884305",
        "5555555555554444",
        "5200828282828210",
        "5105105105105100",
        "2223003122003222",
        "2223000048400011",
        "5425233430109903",
        "378282246310005",
        "371449635398431",
        "378734493671000",
        "6011111111111117",
        "6011000990139424",
        "6011000400000000",
        "3056930009020004",
        "36227206271667",
        "30569309025904",
        "38520000023237",
        "3566002020360505",
        "3530111333300000",
        "6200000000000005",
        "6205500000000000004",
        "6759649826438453",
    }
)

#: IBANs printed in specifications, bank docs and library READMEs.
EXAMPLE_IBANS = frozenset(
    {
        "GB82WEST12345698765432",
        "GB29NWBK60161331926819",
        "GB33BUKB20201555555555",
        "DE89370400440532013000",
        "DE44500105175407324931",
        "FR1420041010050500013M02606",
        "FR7630006000011234567890189",
        "NL91ABNA0417164300",
        "NL02ABNA0123456789",
        "BE68539007547034",
        "CH9300762011623852957",
        "ES9121000418450200051332",
        "IT60X0542811101000000123456",
        "AT611904300234573201",
        "PL61109010140000071219812874",
    }
)

#: SSNs known to be invalid or used in advertising and docs (e.g. the Woolworth wallet card).
EXAMPLE_SSNS = frozenset({"078051120", "219099999", "123456789", "111111111", "457555462"})


def is_reserved_host(host: str) -> bool:
    """Example/test/loopback names and documentation or loopback addresses."""
    h = host.strip("[]").rstrip(".").lower()
    if not h:
        return False
    if h in ("localhost", "localhost.localdomain") or h.startswith("localhost."):
        return True
    for dom in EXAMPLE_DOMAINS:
        if h == dom or h.endswith("." + dom):
            return True
    tld = h.rsplit(".", 1)[-1]
    if tld in RESERVED_TLDS:
        return True
    if not (h[0].isdigit() or ":" in h):
        return False
    ip = parse_ip(h)
    if ip is not None:
        return ip.is_loopback or ip.is_unspecified or is_documentation_ip(ip)
    return False


def parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def is_documentation_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(ip.version == net.version and ip in net for net in _DOC_NETS)

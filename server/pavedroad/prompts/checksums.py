"""Check digits built into real identifiers: they turn "looks like" into "is"."""

from __future__ import annotations

import base64
import binascii
import json
import string
from functools import lru_cache

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_BASE62_INDEX = {ch: i for i, ch in enumerate(_BASE62)}


def base62_crc32_ok(random_part: str, checksum: str) -> bool:
    """GitHub / npm token checksum: CRC32 of the random part, base62, zero-padded to 6 chars.

    Source: github.blog 2021-04-05 "Behind GitHub's new authentication token formats"; npm adopted
    the same layout for `npm_` tokens. One random string in ~57 billion passes by chance.
    """
    if len(checksum) != 6:
        return False
    value = 0
    for ch in checksum:
        digit = _BASE62_INDEX.get(ch)
        if digit is None:
            return False
        value = value * 62 + digit
    return value == binascii.crc32(random_part.encode("ascii", "replace"))


def base62_crc32(random_part: str) -> str:
    """The 6-char checksum for `random_part` (used by the corpus generator and tests)."""
    value = binascii.crc32(random_part.encode("ascii"))
    out = ""
    for _ in range(6):
        value, r = divmod(value, 62)
        out = _BASE62[r] + out
    return out


#: Luhn doubling of one digit, as a digit: 0->0, 1->2, ..., 5->1 (10), ..., 9->9 (18).
_LUHN_DOUBLE = str.maketrans("0123456789", "0246813579")


def luhn_ok(digits: str) -> bool:
    """Luhn check digit test, with the digit loop in C (`map`, `translate`)."""
    odd = digits[-1::-2]
    even = digits[-2::-2].translate(_LUHN_DOUBLE)
    return (sum(map(int, odd)) + sum(map(int, even))) % 10 == 0


#: (issuer, prefix ranges as (low, high) on the leading digits, allowed lengths)
_ISSUERS: tuple[tuple[str, tuple[tuple[int, int], ...], frozenset[int]], ...] = (
    ("Visa", ((4, 4),), frozenset({13, 16, 19})),
    ("Mastercard", ((51, 55), (2221, 2720)), frozenset({16})),
    ("American Express", ((34, 34), (37, 37)), frozenset({15})),
    ("Discover", ((6011, 6011), (644, 649), (65, 65)), frozenset({16, 19})),
    ("JCB", ((3528, 3589),), frozenset({16, 17, 18, 19})),
    ("Diners Club", ((300, 305), (36, 36), (38, 39)), frozenset({14, 16, 19})),
    ("UnionPay", ((62, 62),), frozenset({16, 17, 18, 19})),
    ("Maestro", ((50, 50), (56, 58), (639, 639), (67, 67)), frozenset({12, 13, 16, 19})),
)


def card_issuer(digits: str) -> str | None:
    """Issuer whose IIN prefix and length rules `digits` satisfies, else None."""
    return _issuer(digits[:4], len(digits))


@lru_cache(maxsize=4096)
def _issuer(head: str, n: int) -> str | None:
    # Cached per (first four digits, length): a table of card numbers costs one lookup each.
    value = int(head)
    for name, ranges, lengths in _ISSUERS:
        if n not in lengths:
            continue
        for low, high in ranges:
            width = len(str(low))
            if low <= value // 10 ** (4 - width) <= high:
                return name
    return None


#: IBAN length per country (SWIFT IBAN registry).
IBAN_LENGTHS = {
    "AD": 24,
    "AE": 23,
    "AL": 28,
    "AT": 20,
    "AZ": 28,
    "BA": 20,
    "BE": 16,
    "BG": 22,
    "BH": 22,
    "BR": 29,
    "BY": 28,
    "CH": 21,
    "CR": 22,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "DO": 28,
    "EE": 20,
    "EG": 29,
    "ES": 24,
    "FI": 18,
    "FO": 18,
    "FR": 27,
    "GB": 22,
    "GE": 22,
    "GI": 23,
    "GL": 18,
    "GR": 27,
    "GT": 28,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IL": 23,
    "IQ": 23,
    "IS": 26,
    "IT": 27,
    "JO": 30,
    "KW": 30,
    "KZ": 20,
    "LB": 28,
    "LC": 32,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MC": 27,
    "MD": 24,
    "ME": 22,
    "MK": 19,
    "MR": 27,
    "MT": 31,
    "MU": 30,
    "NL": 18,
    "NO": 15,
    "PK": 24,
    "PL": 28,
    "PS": 29,
    "PT": 25,
    "QA": 29,
    "RO": 24,
    "RS": 22,
    "SA": 24,
    "SC": 31,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "ST": 25,
    "SV": 28,
    "TL": 23,
    "TN": 24,
    "TR": 26,
    "UA": 29,
    "VA": 22,
    "VG": 24,
    "XK": 20,
}


def iban_ok(compact: str) -> bool:
    """Country length and ISO 7064 mod-97 check of an IBAN without spaces."""
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = "".join(str(int(ch, 36)) for ch in rearranged)
    except ValueError:
        return False
    return int(number) % 97 == 1


def ssn_ok(area: str, group: str, serial: str) -> bool:
    """SSA rules: area not 000/666/900-999, group not 00, serial not 0000."""
    a = int(area)
    return a != 0 and a != 666 and a < 900 and group != "00" and serial != "0000"


def jwt_header(segment: str) -> dict[str, object] | None:
    """The decoded JSON header of a JWT/JWS, or None if it is not base64url JSON."""
    if len(segment) > 2048:
        return None
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None

"""Look-alike characters in package names (homoglyphs, invisible characters, compatibility forms).

Package registries accept ASCII names only (PyPI, crates.io, RubyGems, Go module paths) or refuse
new non-ASCII ones (npm), so a manifest entry with a Cyrillic `а` or a zero-width space cannot be
the package a reader thinks it is. `skeleton()` maps such a name to the ASCII name it imitates,
after Unicode TR39's idea of confusable skeletons, with a compact table of the Latin look-alikes
that matter for package names (Cyrillic, Greek, Armenian, Latin variants, dashes, dots).

Steps: NFKC (full-width and mathematical letters, ligatures) -> drop invisible characters ->
decompose and drop combining marks (`réquests` -> `requests`) -> table -> lower case.
"""

from __future__ import annotations

import unicodedata

#: Characters that render as nothing (or almost nothing) in most fonts.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u200b\u200c\u200d\u200e"
    "\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u3164\ufe00\ufe01\ufe02\ufe03\ufe0e\ufe0f\ufeff\uffa0"
)

#: Look-alike -> ASCII (lower-case targets; applied after lower-casing).
_TABLE = {
    # Cyrillic
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i",
    "ј": "j", "к": "k", "ӏ": "l", "м": "m", "н": "h", "о": "o", "р": "p", "ԛ": "q", "г": "r",
    "ѕ": "s", "т": "t", "џ": "u", "у": "y", "ү": "y", "х": "x", "ԝ": "w", "ь": "b", "з": "3",
    "ɜ": "3", "ѵ": "v", "ɡ": "g", "ԍ": "g", "ҽ": "e",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ϲ": "c", "ϳ": "j", "ω": "w", "γ": "y", "ɩ": "i", "ϱ": "p",
    # Armenian
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "ց": "g", "զ": "q", "ա": "w", "յ": "j",
    # Latin variants and IPA
    "ı": "i", "ȷ": "j", "ł": "l", "ƚ": "l", "ɫ": "l", "ℓ": "l", "ɑ": "a", "ɒ": "a", "ɓ": "b",
    "ƅ": "b", "ɔ": "c", "ɗ": "d", "ɖ": "d", "ɛ": "e", "ƒ": "f", "ɦ": "h", "ɨ": "i", "ɪ": "i",
    "ĸ": "k", "ɱ": "m", "ɲ": "n", "ŋ": "n", "ɵ": "o", "ø": "o", "ʀ": "r", "ʂ": "s", "ʋ": "v",
    "ʍ": "w", "ʏ": "y", "ƶ": "z", "ʐ": "z", "ð": "d", "đ": "d", "ħ": "h", "ŧ": "t", "ß": "ss",
    "æ": "ae", "œ": "oe", "ǀ": "l", "ǃ": "!",
    # separators
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "⁃": "-", "˗": "-",
    "﹣": "-", "－": "-", "․": ".", "‧": ".", "·": ".", "٠": ".", "۔": ".", "＿": "_", "‗": "_",
    "⁄": "/", "∕": "/", "／": "/", "＠": "@", "：": ":",
}


def has_non_ascii(name: str) -> bool:
    return not name.isascii()


def skeleton(name: str) -> str:
    """The ASCII name `name` imitates (non-ASCII characters without a known look-alike stay)."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if ch not in _INVISIBLE)
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text).lower()
    return "".join(_TABLE.get(ch, ch) for ch in text)


def suspicious_characters(name: str) -> list[str]:
    """The non-ASCII characters of `name`, described as `U+0430 CYRILLIC SMALL LETTER A`."""
    out: list[str] = []
    for ch in dict.fromkeys(ch for ch in name if not ch.isascii()):
        label = unicodedata.name(ch, "unnamed character")
        out.append(f"U+{ord(ch):04X} {label}")
    return out

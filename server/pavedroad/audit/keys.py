"""Keyed hashes of matched prompt values.

A plain sha256 of a short secret (a 6-digit PIN, a card number) can be reversed by trying every
value, so the log stores HMAC-SHA256 under a key that never leaves the machine
(``.pavedroad/.local/log/key``, created with mode 0600 on first use; see `log.log_key`). The same
value hashes the same way on one machine, so repeats can be counted; across machines the hashes
only correlate when the organisation sets one key with ``PAVEDROAD_LOG_KEY``.
"""

from __future__ import annotations

import hashlib
import hmac


def value_hash(key: bytes, value: str) -> str:
    """HMAC-SHA256 (hex) of `value` under `key`."""
    return hmac.new(key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

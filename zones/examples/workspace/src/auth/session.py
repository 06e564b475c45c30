"""Session handling for the web app."""

import hmac
import time

SESSION_TTL = 3600


def new_session(user_id: str, now: float | None = None) -> dict:
    issued = now if now is not None else time.time()
    return {"user": user_id, "issued": issued, "expires": issued + SESSION_TTL}


def is_expired(session: dict, now: float | None = None) -> bool:
    current = now if now is not None else time.time()
    return current >= session["expires"]


def same_token(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)

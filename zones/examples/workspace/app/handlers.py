"""HTTP handlers: mostly harmless, one function verifies tokens."""

import hashlib

import jwt

PAGE_SIZE = 50


def list_orders(orders: list[dict], page: int = 0) -> list[dict]:
    start = page * PAGE_SIZE
    return orders[start : start + PAGE_SIZE]


def verify_token(token: str, key: str) -> dict:
    claims = jwt.decode(token, key, algorithms=["HS256"])
    if "sub" not in claims:
        raise ValueError("token without subject")
    return claims


def etag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def render_health() -> dict:
    return {"status": "ok"}

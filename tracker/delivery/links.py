"""Signed download links: a token names one delivery, the SHA-256 of its PDF and the moment the
link expires, signed with the application's SECRET_KEY (itsdangerous). Whoever holds it may
download that one file until then, without signing in; a changed token, a token for another
file, or a token after its expiry gets nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "aid-tracker.report-delivery-link"
#: Path of the public download route; the token follows it.
DOWNLOAD_PATH = "/delivery/download/"


@dataclass(frozen=True)
class LinkClaim:
    delivery_id: int
    #: The first 32 hex digits of the PDF's SHA-256.
    sha256_prefix: str
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=SALT)


def make_token(secret_key: str, delivery_id: int, sha256: str, expires_at: datetime) -> str:
    return _serializer(secret_key).dumps({"d": delivery_id, "h": sha256[:32], "e": int(expires_at.timestamp())})


def read_token(secret_key: str, token: str) -> LinkClaim | None:
    """What a genuine token claims (expired or not); None for anything not signed by us."""
    if not isinstance(token, str) or len(token) > 500:
        return None
    try:
        payload: Any = _serializer(secret_key).loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    delivery_id, prefix, expires = payload.get("d"), payload.get("h"), payload.get("e")
    if not isinstance(delivery_id, int) or not isinstance(prefix, str) or not isinstance(expires, int):
        return None
    return LinkClaim(delivery_id, prefix, datetime.fromtimestamp(expires, UTC))

"""Idempotency keys: a posting repeated with the same key takes effect once.

The caller (an API handler or a page) claims the key in the same transaction as the posting,
before changing anything, then tells the key what it produced::

    claim = claim_key(organization_id=org.id, user_id=user.id, key=key, scope="distributions.post",
                      fingerprint=fingerprint_of(payload))
    if claim.replayed is not None:        # the first request already did it: answer like it did
        return get_scoped(Distribution, claim.replayed.object_id, org.id)
    distribution = post_distribution(...)
    complete(claim, distribution)
    db.session.commit()                   # key and posting commit (or roll back) together

Because the key row commits with the posting, a failed first attempt leaves the key free for a
retry, and a key can never point at something that was not saved. A concurrent second request
with the same key waits for the first one's transaction (unique constraint on PostgreSQL, the
write lock on SQLite) and then replays it. The same key with different content is refused (422):
that is a client bug, never a retry. ``tracker.idempotency.web`` reads the key from the
``Idempotency-Key`` header or a form's one-time token.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.audit.service import _jsonable
from tracker.concurrency import insert_or_ignore
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.models import IdempotencyKey
from tracker.models.base import utcnow

#: Longest key accepted (UUIDs and ULIDs fit with room to spare).
MAX_KEY_LENGTH = 100


@dataclass(frozen=True)
class Claim:
    """The outcome of :func:`claim_key`: either this request owns ``key`` (do the work, then
    :func:`complete`), or ``replayed`` is the earlier use to answer with."""

    key: IdempotencyKey | None
    replayed: IdempotencyKey | None = None


def fingerprint_of(content: Any) -> str:
    """SHA-256 of request content (parsed payload: dicts, lists, Decimals, dates, enums)."""
    text = json.dumps(_jsonable(content), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def check_key(key: str, field: str = "Idempotency-Key") -> None:
    """A key is 1–100 visible ASCII characters (UUIDs, ULIDs, random tokens)."""
    if not key or len(key) > MAX_KEY_LENGTH or not all(33 <= ord(c) < 127 for c in key):
        raise ValidationFailed(field, _("Use 1 to %(n)d visible ASCII characters, e.g. a UUID.", n=MAX_KEY_LENGTH))


def claim_key(*, organization_id: int, user_id: int, key: str, scope: str, fingerprint: str) -> Claim:
    """Reserve ``key`` for this request, or find its earlier use.

    Rules: keys belong to one user in one organization; a key used before for another scope
    or other content → ValidationFailed (422); used before for the same request → ``replayed``.
    """
    check_key(key)
    inserted = insert_or_ignore(IdempotencyKey, {
        "organization_id": organization_id, "user_id": user_id, "key": key, "scope": scope[:100],
        "fingerprint": fingerprint, "object_type": "", "object_id": None, "created_at": utcnow(),
    }, ["organization_id", "user_id", "key"])
    row = db.session.execute(
        sa.select(IdempotencyKey).where(IdempotencyKey.organization_id == organization_id,
                                        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        .execution_options(populate_existing=True)
    ).scalar_one()
    if inserted:
        return Claim(key=row)
    if row.scope != scope[:100] or row.fingerprint != fingerprint:
        raise ValidationFailed("Idempotency-Key", _(
            "This key was already used for a different request. Send a new key for new data."))
    return Claim(key=None, replayed=row)


def complete(claim: Claim, obj: Any) -> None:
    """Remember what the claimed request produced, so that a repetition can answer with it."""
    if claim.key is None:
        return
    claim.key.object_type = obj.__class__.__name__[:50]
    claim.key.object_id = getattr(obj, "id", None)
    db.session.flush()


NO_CLAIM = Claim(key=None)

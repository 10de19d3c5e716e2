"""Who is acting: the signed-in user (session or bearer token), the current organization and role.

``g.user``, ``g.org`` and ``g.role`` are set once per request by :func:`load_actor`; views read
them through :func:`actor`. Role checks are declared on views with :func:`roles_required`.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, g, session
from flask_login import current_user

from tracker.extensions import db
from tracker.models import Membership, Organization, Role, User

F = TypeVar("F", bound=Callable[..., Any])

ALL_ROLES = frozenset(Role)
#: Roles that may create and edit master data and draft documents.
EDIT_ROLES = frozenset({Role.admin, Role.accountant, Role.finance_head})
MANAGE_ROLES = frozenset({Role.admin})
#: Roles that may read the audit trail (pages and API).
AUDIT_ROLES = frozenset({Role.admin, Role.finance_head, Role.auditor})


@dataclass(frozen=True)
class Actor:
    user: User
    org: Organization
    role: Role

    @property
    def can_edit(self) -> bool:
        return self.role in EDIT_ROLES

    @property
    def can_audit(self) -> bool:
        return self.role in AUDIT_ROLES


def load_actor() -> None:
    """Resolve the organization for a session user (first membership unless switched)."""
    if getattr(g, "actor", None) is not None or not current_user.is_authenticated:
        return
    memberships = sorted(current_user.memberships, key=lambda m: m.organization_id)
    if not memberships:
        g.actor = None
        return
    wanted = session.get("org_id")
    chosen = next((m for m in memberships if m.organization_id == wanted), memberships[0])
    g.actor = Actor(user=current_user._get_current_object(), org=chosen.organization, role=chosen.role)


def actor() -> Actor:
    """The acting user, organization and role; 403 when signed in without a membership."""
    load_actor()
    value = getattr(g, "actor", None)
    if value is None:
        abort(403)
    return value


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Allow the view only to these roles in the current organization (403 otherwise)."""
    allowed = frozenset(roles)

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if actor().role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def membership_for(user: User, organization_id: int) -> Membership | None:
    return db.session.scalar(
        db.select(Membership).where(Membership.user_id == user.id, Membership.organization_id == organization_id)
    )

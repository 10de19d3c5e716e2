"""Organizations, users, memberships and API tokens: creation, roles, passwords, sign-in."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit.service import record, snapshot
from tracker.catalog.service import seed_catalogue
from tracker.customs.seed import seed_document_rules
from tracker.errors import Conflict, NotFound, ValidationFailed
from tracker.extensions import db
from tracker.ledger.rules import seed_ledger
from tracker.models import ApiToken, Membership, Organization, OrgKind, Role, User
from tracker.models.base import utcnow
from tracker.validators import Errors, check_edrpou, check_email, check_length, check_required

#: A hash computed once so that unknown e-mails take as long as wrong passwords.
_DUMMY_HASH = generate_password_hash("not a real password")


def _hash_password(password: str) -> str:
    """Hash with the configured method (werkzeug's scrypt by default; tests use a cheaper one)."""
    from flask import current_app

    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


@dataclass(frozen=True)
class OrganizationData:
    name_uk: str
    edrpou: str
    name_en: str = ""
    kind: OrgKind = OrgKind.council
    ha_register_entry: str = ""
    address: str = ""


def _validate_org(data: OrganizationData, existing: Organization | None) -> None:
    errors = Errors()
    errors.add("name_uk", check_required(data.name_uk) or check_length(data.name_uk, 200))
    errors.add("name_en", check_length(data.name_en, 200))
    errors.add("edrpou", check_edrpou(data.edrpou))
    errors.add("ha_register_entry", check_length(data.ha_register_entry, 100))
    errors.add("address", check_length(data.address, 300))
    if "edrpou" not in errors:
        query = sa.select(Organization.id).where(Organization.edrpou == data.edrpou)
        if existing is not None:
            query = query.where(Organization.id != existing.id)
        if db.session.scalar(query) is not None:
            errors.add("edrpou", _("An organization with EDRPOU %(code)s already exists.", code=data.edrpou))
    errors.raise_if_any()


def create_organization(data: OrganizationData, user_id: int | None = None) -> Organization:
    """Create an organization with the standard catalogue, document rules, chart of accounts and posting
    rules; EDRPOU valid and unique."""
    _validate_org(data, None)
    org = Organization(**data.__dict__)
    db.session.add(org)
    db.session.flush()
    seed_catalogue(org.id)
    seed_document_rules(org.id)
    seed_ledger(org.id)
    record(organization_id=org.id, user_id=user_id, action="create", obj=org, after=snapshot(org))
    return org


def update_organization(org: Organization, user_id: int | None, data: OrganizationData) -> Organization:
    _validate_org(data, org)
    before = snapshot(org)
    for key, value in data.__dict__.items():
        setattr(org, key, value)
    db.session.flush()
    record(organization_id=org.id, user_id=user_id, action="update", obj=org, before=before, after=snapshot(org))
    return org


def check_password(password: str | None, min_length: int) -> str | None:
    """Password rule: long enough, not all one kind of character, not a trivial sequence."""
    if not password or len(password) < min_length:
        return _("The password must have at least %(n)d characters.", n=min_length)
    if len(password) > 200:
        return _("At most %(n)d characters.", n=200)
    kinds = sum([any(c.isalpha() for c in password), any(c.isdigit() for c in password),
                 any(not c.isalnum() for c in password)])
    if kinds < 2 or len(set(password)) < 4:
        return _("Use letters together with digits or symbols.")
    return None


@dataclass(frozen=True)
class UserData:
    email: str
    name: str = ""
    locale: str = "uk"


def _normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def create_user(data: UserData, password: str, *, min_length: int, actor_id: int | None = None,
                organization_id: int | None = None) -> User:
    """Create a user; e-mail valid and unique, password by the password rule."""
    email = _normalize_email(data.email)
    errors = Errors()
    errors.add("email", check_required(email) or check_email(email) or check_length(email, 254))
    errors.add("name", check_length(data.name, 200))
    errors.add("password", check_password(password, min_length))
    if data.locale not in ("uk", "en"):
        errors.add("locale", _("Language must be uk or en."))
    if "email" not in errors and db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        errors.add("email", _("A user with this e-mail already exists."))
    errors.raise_if_any()
    user = User(email=email, name=data.name.strip(), locale=data.locale,
                password_hash=_hash_password(password))
    db.session.add(user)
    db.session.flush()
    record(organization_id=organization_id, user_id=actor_id, action="create", obj=user, after=snapshot(user))
    return user


def set_password(user: User, password: str, *, min_length: int, actor_id: int | None = None) -> None:
    error = check_password(password, min_length)
    if error:
        raise ValidationFailed("password", error)
    user.password_hash = _hash_password(password)
    db.session.flush()
    # audited in every organization of the user, so each one's admins and auditors see it
    organization_ids = db.session.scalars(sa.select(Membership.organization_id).where(
        Membership.user_id == user.id).order_by(Membership.organization_id)).all()
    for organization_id in organization_ids or [None]:
        record(organization_id=organization_id, user_id=actor_id, action="set_password", obj=user)


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == _normalize_email(email)))


def authenticate(email: str, password: str, ip: str = "") -> User | None:
    """The active user with this e-mail and password, or None; both outcomes are audited."""
    user = user_by_email(email)
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
    if user is None or not ok or not user.active:
        orgs = [m.organization_id for m in user.memberships] if user else [None]
        for org_id in orgs:
            record(organization_id=org_id, user_id=user.id if user else None, action="sign_in_failed",
                   object_type="User", object_id=user.id if user else "",
                   after={"email": _normalize_email(email)[:254], "ip": ip})
        return None
    user.last_login_at = utcnow()
    for membership in user.memberships:
        record(organization_id=membership.organization_id, user_id=user.id, action="sign_in", obj=user,
               after={"ip": ip})
    return user


def sign_out(user: User, ip: str = "") -> None:
    """Audit a sign-out in each of the user's organizations."""
    for membership in user.memberships:
        record(organization_id=membership.organization_id, user_id=user.id, action="sign_out", obj=user,
               after={"ip": ip})


def add_membership(organization_id: int, user: User, role: Role, actor_id: int | None = None) -> Membership:
    """Give a user a role in an organization (one membership per user and organization)."""
    if not isinstance(role, Role):
        raise ValidationFailed("role", _("Unknown role."))
    exists = db.session.scalar(sa.select(Membership).where(
        Membership.user_id == user.id, Membership.organization_id == organization_id))
    if exists is not None:
        raise ValidationFailed("email", _("This user is already a member of the organization."))
    membership = Membership(user_id=user.id, organization_id=organization_id, role=role)
    db.session.add(membership)
    db.session.flush()
    record(organization_id=organization_id, user_id=actor_id, action="add_member", obj=membership,
           after={"user": user.email, "role": role.value})
    return membership


def _admins_left(organization_id: int, excluding: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.organization_id == organization_id, Membership.role == Role.admin,
        Membership.id != excluding)) or 0


def change_role(membership: Membership, role: Role, actor_id: int | None = None) -> Membership:
    """Change a member's role; the last administrator cannot lose the role (409)."""
    if membership.role == Role.admin and role != Role.admin and not _admins_left(membership.organization_id, membership.id):
        raise Conflict(_("The organization must keep at least one administrator."))
    before = {"role": membership.role.value}
    membership.role = role
    db.session.flush()
    record(organization_id=membership.organization_id, user_id=actor_id, action="change_role", obj=membership,
           before=before, after={"role": role.value})
    return membership


def remove_membership(membership: Membership, actor_id: int | None = None) -> None:
    """Remove a member; never the last administrator (409)."""
    if membership.role == Role.admin and not _admins_left(membership.organization_id, membership.id):
        raise Conflict(_("The organization must keep at least one administrator."))
    organization_id = membership.organization_id
    before = {"user": membership.user.email, "role": membership.role.value}
    db.session.delete(membership)
    db.session.flush()
    record(organization_id=organization_id, user_id=actor_id, action="remove_member",
           object_type="Membership", object_id=membership.id, before=before)


def get_membership(organization_id: int, membership_id: object) -> Membership:
    try:
        key = int(membership_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise NotFound(_("No such member in your organization.")) from None
    membership = db.session.get(Membership, key) if 0 < key < 2**31 else None
    if membership is None or membership.organization_id != organization_id:
        raise NotFound(_("No such member in your organization."))
    return membership


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(user: User, organization_id: int, *, days: int, name: str = "",
                 actor_id: int | None = None) -> tuple[ApiToken, str]:
    """Issue a bearer token for the user in one organization; returns the row and the secret,
    which is shown once and stored only as its SHA-256."""
    if not any(m.organization_id == organization_id for m in user.memberships):
        raise ValidationFailed("organization", _("The user is not a member of this organization."))
    if days < 1 or days > 3650:
        raise ValidationFailed("days", _("A token lives between 1 and 3650 days."))
    raw = "at_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, organization_id=organization_id, name=name[:100],
                     token_hash=_hash_token(raw), expires_at=utcnow() + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    record(organization_id=organization_id, user_id=actor_id or user.id, action="create_token", obj=token,
           after={"user": user.email, "expires_at": token.expires_at.isoformat(), "name": token.name})
    return token, raw


def revoke_token(token: ApiToken, actor_id: int | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        record(organization_id=token.organization_id, user_id=actor_id, action="revoke_token", obj=token)


def resolve_token(raw: str, now: datetime | None = None) -> ApiToken | None:
    """The live token for this secret: not revoked, not expired, user active and still a member."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash_token(raw)))
    now = now or utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.active:
        return None
    if not any(m.organization_id == token.organization_id for m in token.user.memberships):
        return None
    return token


#: A token's ``last_used_at`` is refreshed at most this often (no write on every API request).
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def touch_token(token: ApiToken, now: datetime | None = None) -> bool:
    """Record that the token was used; True when ``last_used_at`` changed (the caller commits).

    At most once per TOKEN_TOUCH_INTERVAL; the condition is in the UPDATE itself, so concurrent
    requests with one token write it once.
    """
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_TOUCH_INTERVAL:
        return False
    result = db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.id == token.id, sa.or_(ApiToken.last_used_at.is_(None),
                                               ApiToken.last_used_at <= now - TOKEN_TOUCH_INTERVAL))
        .values(last_used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


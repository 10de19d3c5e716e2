"""Pages for the organization's settings, its members and roles, and the user's API tokens."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from tracker.errors import DomainError, ValidationFailed
from tracker.extensions import db
from tracker.models import ApiToken, Membership, User
from tracker.orgs import service
from tracker.orgs.forms import MemberForm, OrganizationForm, RoleForm, TokenForm
from tracker.web.access import MANAGE_ROLES, actor, roles_required
from tracker.web.forms import form_to, populate_errors

bp = Blueprint("orgs", __name__, url_prefix="/organization")


@bp.get("/")
def view():
    current = actor()
    members = db.session.scalars(
        sa.select(Membership).join(User).where(Membership.organization_id == current.org.id).order_by(User.email)
    ).all()
    return render_template("orgs/view.html", org=current.org, members=members, role_form=RoleForm())


@bp.route("/edit", methods=["GET", "POST"])
@roles_required(*MANAGE_ROLES)
def edit():
    current = actor()
    form = OrganizationForm(obj=current.org if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            service.update_organization(current.org, current.user.id, form_to(service.OrganizationData, form))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("orgs.view"))
    return render_template("orgs/edit.html", form=form), 422 if form.errors or form.form_errors else 200


@bp.route("/members/new", methods=["GET", "POST"])
@roles_required(*MANAGE_ROLES)
def add_member():
    current = actor()
    form = MemberForm()
    if form.validate_on_submit():
        try:
            user = service.user_by_email(form.email.data)
            if user is None:
                if not form.password.data:
                    raise ValidationFailed("password", _("A new user needs a password."))
                user = service.create_user(
                    service.UserData(email=form.email.data, name=form.name.data or ""), form.password.data,
                    min_length=current_app.config["PASSWORD_MIN_LENGTH"], actor_id=current.user.id,
                    organization_id=current.org.id)
            service.add_membership(current.org.id, user, form.role.data, actor_id=current.user.id)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
        else:
            flash(_("%(email)s is now a member.", email=user.email), "success")
            return redirect(url_for("orgs.view"))
    return render_template("orgs/member.html", form=form), 422 if form.errors or form.form_errors else 200


@bp.post("/members/<int:membership_id>/role")
@roles_required(*MANAGE_ROLES)
def change_role(membership_id: int):
    current = actor()
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        membership = service.get_membership(current.org.id, membership_id)
        service.change_role(membership, form.role.data, actor_id=current.user.id)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        flash(exc.message, "error")
        return redirect(url_for("orgs.view")), 303
    flash(_("Role changed."), "success")
    return redirect(url_for("orgs.view")), 303


@bp.post("/members/<int:membership_id>/remove")
@roles_required(*MANAGE_ROLES)
def remove_member(membership_id: int):
    current = actor()
    try:
        membership = service.get_membership(current.org.id, membership_id)
        service.remove_membership(membership, actor_id=current.user.id)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        flash(exc.message, "error")
        return redirect(url_for("orgs.view")), 303
    flash(_("Member removed."), "success")
    return redirect(url_for("orgs.view")), 303


@bp.route("/tokens", methods=["GET", "POST"])
def tokens():
    current = actor()
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            _token, new_token = service.create_token(current.user, current.org.id, days=form.days.data,
                                                     name=form.name.data or "", actor_id=current.user.id)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
    tokens = db.session.scalars(sa.select(ApiToken).where(
        ApiToken.user_id == current.user.id, ApiToken.organization_id == current.org.id
    ).order_by(ApiToken.created_at.desc())).all()
    return render_template("orgs/tokens.html", form=form, tokens=tokens, new_token=new_token), \
        422 if form.errors or form.form_errors else 200


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    current = actor()
    token = db.session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if token is None or token.user_id != current.user.id or token.organization_id != current.org.id:
        abort(404)
    service.revoke_token(token, actor_id=current.user.id)
    db.session.commit()
    flash(_("Token revoked."), "success")
    return redirect(url_for("orgs.tokens")), 303




"""Sign-in, sign-out, switching organization and language, own password."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash

from tracker.auth.forms import LoginForm, PasswordForm
from tracker.errors import ValidationFailed
from tracker.extensions import db, limiter
from tracker.orgs import service
from tracker.web.access import actor, membership_for
from tracker.web.forms import populate_errors

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data, request.remote_addr or "")
        if user is None:
            db.session.commit()  # the failed attempt stays in the audit trail
            form.password.errors.append(_("Wrong e-mail or password."))
        elif not user.memberships:
            db.session.commit()
            form.email.errors.append(_("Your account has no organization yet. Ask your administrator."))
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            session["lang"] = user.locale
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        service.sign_out(current_user, request.remote_addr or "")
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/switch-org")
def switch_org():
    try:
        wanted = int(request.form.get("org_id", ""))
    except ValueError:
        wanted = 0
    if membership_for(current_user, wanted) is None:
        flash(_("You are not a member of that organization."), "error")
    else:
        session["org_id"] = wanted
    return redirect(url_for("dashboard.index"))


@bp.route("/language/<lang>", methods=["GET", "POST"])
def set_language(lang: str):
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(_safe_next(request.args.get("next") or request.referrer and urlsplit(request.referrer).path))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = actor().user
        if not check_password_hash(user.password_hash, form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            try:
                service.set_password(user, form.new.data, min_length=current_app.config["PASSWORD_MIN_LENGTH"],
                                     actor_id=user.id)
            except ValidationFailed as exc:
                db.session.rollback()
                populate_errors(form, exc, {"password": "new"})
            else:
                db.session.commit()
                flash(_("Your password was changed."), "success")
                return redirect(url_for("dashboard.index"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200

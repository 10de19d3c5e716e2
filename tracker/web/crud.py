"""Pages for master data: list with search and pagination, create, view, edit, delete.

One :class:`CrudPages` per resource registers the five endpoints on its blueprint
(``<name>.index``, ``.create``, ``.view``, ``.edit``, ``.delete``). Views stay thin: parse the
form, call the service, commit once, flash, redirect; service errors go back onto the form.
Templates ``templates/<name>/<endpoint>.html`` override the generic ``templates/crud/`` ones.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from tracker import crud
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.idempotency.service import complete
from tracker.idempotency.web import claim_form
from tracker.scoping import get_scoped, scoped
from tracker.web.access import EDIT_ROLES, Actor, actor, roles_required
from tracker.web.forms import form_to, populate_errors


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    get: Callable[[Any], Any] | None = None
    numeric: bool = False

    def value(self, obj: Any) -> Any:
        return self.get(obj) if self.get else getattr(obj, self.key)


@dataclass
class CrudPages:
    name: str
    resource: crud.Resource
    form_class: type[FlaskForm]
    title: Any
    title_plural: Any
    columns: Sequence[Column]
    search: Sequence[Any] = ()
    order_by: Sequence[Any] = ()
    details: Sequence[Column] = ()
    #: fill select choices etc. for the acting organization
    prepare_form: Callable[[FlaskForm, Actor], None] | None = None
    #: extra filters from the query string: (select, args, actor) -> select
    filter_query: Callable[[sa.Select[Any], Any, Actor], sa.Select[Any]] | None = None
    filter_template: str | None = None
    create_fn: Callable[[int, int | None, Any], Any] | None = None
    update_fn: Callable[[Any, int | None, Any], Any] | None = None
    label_of: Callable[[Any], str] = str
    extra_context: Callable[[Any, Actor], dict[str, Any]] | None = None
    roles: frozenset[Any] = field(default=EDIT_ROLES)

    # ----------------------------------------------------------------- registration
    def register(self, bp: Blueprint) -> None:
        edit = roles_required(*self.roles)
        bp.add_url_rule("/", "index", self.index)
        bp.add_url_rule("/new", "create", edit(self.create), methods=["GET", "POST"])
        bp.add_url_rule("/<int:object_id>", "view", self.view)
        bp.add_url_rule("/<int:object_id>/edit", "edit", edit(self.edit), methods=["GET", "POST"])
        bp.add_url_rule("/<int:object_id>/delete", "delete", edit(self.delete), methods=["POST"])

    def _template(self, endpoint: str) -> list[str]:
        return [f"{self.name}/{endpoint}.html", f"crud/{endpoint}.html"]

    def _context(self, **values: Any) -> dict[str, Any]:
        return {"pages": self, **values}

    def _get(self, object_id: int) -> Any:
        try:
            return get_scoped(self.resource.model, object_id, actor().org.id)
        except DomainError:
            abort(404)

    # ----------------------------------------------------------------- views
    def index(self) -> Any:
        current = actor()
        query = scoped(self.resource.model, current.org.id)
        text = (request.args.get("q") or "").strip()[:100]
        if text and self.search:
            pattern = f"%{text.lower()}%"
            query = query.where(sa.or_(*(sa.func.lower(col).like(pattern) for col in self.search)))
        if self.filter_query:
            query = self.filter_query(query, request.args, current)
        query = query.order_by(*self.order_by) if self.order_by else query.order_by(self.resource.model.id)
        page = db.paginate(query, per_page=current_app.config["PER_PAGE"], max_per_page=100, error_out=False)
        return render_template(self._template("index"), **self._context(page=page, q=text, args=request.args))

    def view(self, object_id: int) -> Any:
        obj = self._get(object_id)
        extra = self.extra_context(obj, actor()) if self.extra_context else {}
        return render_template(self._template("view"), **self._context(obj=obj, **extra))

    def _form(self, obj: Any = None) -> FlaskForm:
        form = self.form_class(obj=obj)
        if self.prepare_form:
            self.prepare_form(form, actor())
        return form

    def create(self) -> Any:
        current = actor()
        form = self._form()
        if request.method == "GET":
            for key, value in request.args.items():  # prefill (e.g. ?partner_id=3 from a partner page)
                if key in form and not form[key].data:
                    form[key].process_data(value)
        if form.validate_on_submit():
            try:
                claim = claim_form(f"{self.name}.create")  # a double click saves once
                if claim.replayed is not None:
                    flash(_("This form was already submitted; it was saved once."), "info")
                    return redirect(url_for(f"{self.name}.view", object_id=claim.replayed.object_id))
                create = self.create_fn or (lambda org, user, data: crud.create(self.resource, org, user, data))
                obj = create(current.org.id, current.user.id, form_to(self.resource.data_class, form))
                complete(claim, obj)
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                populate_errors(form, exc)
            else:
                flash(_("Saved: %(name)s.", name=self.label_of(obj)), "success")
                return redirect(url_for(f"{self.name}.view", object_id=obj.id))
        return render_template(self._template("form"), **self._context(form=form, obj=None)), \
            422 if form.errors or form.form_errors else 200

    def edit(self, object_id: int) -> Any:
        current = actor()
        obj = self._get(object_id)
        form = self._form(obj if request.method == "GET" else None)
        if form.validate_on_submit():
            try:
                update = self.update_fn or (lambda o, user, data: crud.update(self.resource, o, user, data))
                update(obj, current.user.id, form_to(self.resource.data_class, form))
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                populate_errors(form, exc)
            else:
                flash(_("Saved: %(name)s.", name=self.label_of(obj)), "success")
                return redirect(url_for(f"{self.name}.view", object_id=obj.id))
        return render_template(self._template("form"), **self._context(form=form, obj=obj)), \
            422 if form.errors or form.form_errors else 200

    def delete(self, object_id: int) -> Any:
        current = actor()
        obj = self._get(object_id)
        name = self.label_of(obj)
        try:
            crud.delete(obj, current.user.id)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return self.view(object_id), exc.status
        flash(_("Deleted: %(name)s.", name=name), "success")
        return redirect(url_for(f"{self.name}.index")), 303

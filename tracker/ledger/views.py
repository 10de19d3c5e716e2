"""Pages of the books: journal, entry (with reversal of manual entries), manual entries, trial
balance, periods (close and reopen), chart of accounts and posting rules (edited by an admin)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from tracker.errors import DomainError, NotFound
from tracker.extensions import db
from tracker.ledger import forms as f
from tracker.ledger import service as ledger
from tracker.models import Account, AccountKind, AidType, Category, IntendedUse, JournalEntry, PostingEvent, \
    PostingRule
from tracker.scoping import get_scoped, scoped
from tracker.web.access import actor, roles_required
from tracker.web.forms import populate_errors

bp = Blueprint("ledger", __name__, url_prefix="/ledger")

EVENT_LABELS = {
    "acceptance": _l("Acceptance"),
    "distribution": _l("Distribution"),
    "transfer": _l("Transfer"),
    "write_off": _l("Write-off"),
    "count_shortage": _l("Count: shortage"),
    "count_surplus": _l("Count: surplus"),
    "count_adjustment": _l("Stock count"),
    "return_to_donor": _l("Return to donor"),
    "redistribution": _l("Redistribution"),
    "manual": _l("Manual entry"),
}


@bp.app_template_filter("event_label")
def event_label(value: Any) -> str:
    key = value.value if isinstance(value, PostingEvent) else str(value)
    return str(EVENT_LABELS.get(key, key))


def today() -> date:
    return date.today()


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _accounts(organization_id: int) -> list[Account]:
    return list(db.session.scalars(scoped(Account, organization_id).order_by(Account.code)))


def _account_choices(organization_id: int, *, empty: str = "—", stock: bool | None = None) -> list[SelectChoice]:
    accounts = [a for a in _accounts(organization_id) if a.active and (stock is None or a.holds_stock == stock)]
    return [SelectChoice("", empty)] + [SelectChoice(a.id, f"{a.code} {a.name_uk}") for a in accounts]


def _source_url(entry: JournalEntry) -> str | None:
    from tracker.stock.document_views import source_url

    return source_url(entry.source_type, entry.source_id) if entry.source_id else None


# --------------------------------------------------------------------------- journal

@bp.get("/")
def journal() -> Any:
    current = actor()
    account_id = request.args.get("account_id", type=int)
    try:
        event = PostingEvent(request.args.get("event", "")) if request.args.get("event") else None
    except ValueError:
        event = None
    query = ledger.journal_query(current.org.id, date_from=_date_arg("from"), date_to=_date_arg("to"),
                                 account_id=account_id, event=event)
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], max_per_page=100, error_out=False)
    return render_template("ledger/journal.html", page=page, args=request.args, accounts=_accounts(current.org.id),
                           events=list(PostingEvent), source_url=_source_url,
                           may_post=current.role in ledger.FINANCE_ROLES)


@bp.get("/entries/<int:entry_id>")
def entry(entry_id: int) -> Any:
    current = actor()
    try:
        found = get_scoped(JournalEntry, entry_id, current.org.id)
    except NotFound:
        abort(404)
    return render_template("ledger/entry.html", entry=found, source_url=_source_url(found),
                           form=f.ReverseEntryForm(formdata=None), today=today(),
                           may_reverse=current.role in ledger.FINANCE_ROLES)


@bp.route("/entries/new", methods=["GET", "POST"])
@roles_required(*ledger.FINANCE_ROLES)
def create_entry() -> Any:
    current = actor()
    form = f.ManualEntryForm()
    options = [c for c in _account_choices(current.org.id, stock=False)]
    for row in form.lines.entries:
        row.form.account_id.choices = options
    if request.method == "GET":
        form.on.data = today()
    if form.validate_on_submit():
        data = ledger.ManualEntryData(on=form.on.data, description=form.description.data, lines=tuple(
            ledger.ManualLine(row.form.account_id.data, row.form.debit.data, row.form.credit.data,
                              row.form.memo.data or "") for row in form.lines.entries))
        try:
            posted = ledger.post_manual_entry(current.org.id, current.user.id, current.role, data, today=today())
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            _place_line_errors(form, exc)
        else:
            flash(_("Entry %(number)d posted.", number=posted.number), "success")
            return redirect(url_for("ledger.entry", entry_id=posted.id))
    return render_template("ledger/entry_form.html", form=form), \
        422 if form.errors or form.form_errors or getattr(form, "failed", False) else 200


def _place_line_errors(form: Any, exc: DomainError) -> None:
    rest = {}
    for key, messages in exc.errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(form.lines.entries):
            field = getattr(form.lines.entries[int(parts[1])].form, parts[2], None)
            if field is not None:
                field.errors = [*field.errors, *messages] if isinstance(field.errors, list) else list(messages)
                continue
        rest[key] = messages
    populate_errors(form, DomainError(exc.message, rest if rest else {"postings": [exc.message]}))
    form.failed = True


@bp.post("/entries/<int:entry_id>/reverse")
@roles_required(*ledger.FINANCE_ROLES)
def reverse_entry(entry_id: int) -> Any:
    current = actor()
    try:
        found = get_scoped(JournalEntry, entry_id, current.org.id)
    except NotFound:
        abort(404)
    form = f.ReverseEntryForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for the reversal."), "error")
        return redirect(url_for("ledger.entry", entry_id=found.id)), 303
    try:
        reversal = ledger.reverse_manual_entry(found, current.user.id, current.role, on=form.on.data,
                                               reason=form.reason.data, today=today())
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return render_template("ledger/entry.html", entry=get_scoped(JournalEntry, entry_id, current.org.id),
                               source_url=_source_url(found), form=form, today=today(),
                               may_reverse=True), exc.status
    flash(_("Entry %(number)d reversed by entry %(other)d.", number=found.number, other=reversal.number), "success")
    return redirect(url_for("ledger.entry", entry_id=reversal.id)), 303


# --------------------------------------------------------------------------- trial balance

@bp.get("/trial-balance")
def trial_balance() -> Any:
    current = actor()
    first = today().replace(day=1)
    date_from = _date_arg("from") or first
    date_to = _date_arg("to") or today()
    error = None
    if date_to < date_from:
        error = _("The end of the period is before its start.")
        date_to = date_from
    balance = ledger.trial_balance(current.org.id, date_from, date_to)
    return render_template("ledger/trial_balance.html", balance=balance, date_from=date_from, date_to=date_to,
                           error=error), 422 if error else 200


# --------------------------------------------------------------------------- periods

@bp.get("/periods")
def periods() -> Any:
    current = actor()
    return render_template("ledger/periods.html", periods=ledger.list_periods(current.org.id, today()),
                           form=f.PeriodForm(formdata=None), may_close=current.role in ledger.FINANCE_ROLES,
                           today=today())


@bp.post("/periods/<string:period>/<any(close, reopen):action>")
@roles_required(*ledger.FINANCE_ROLES)
def change_period(period: str, action: str) -> Any:
    current = actor()
    form = f.PeriodForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        year, month = ledger.parse_period(period)
        if action == "close":
            ledger.close_period(current.org.id, current.user.id, current.role, year, month, today=today(),
                                reason=form.reason.data or "")
        else:
            ledger.reopen_period(current.org.id, current.user.id, current.role, year, month,
                                 reason=form.reason.data or "")
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return render_template("ledger/periods.html", periods=ledger.list_periods(current.org.id, today()),
                               form=form, may_close=True, today=today()), exc.status
    flash(_("%(period)s closed.", period=period) if action == "close" else _("%(period)s reopened.", period=period),
          "success")
    return redirect(url_for("ledger.periods")), 303


# --------------------------------------------------------------------------- chart of accounts

@bp.get("/accounts")
def accounts() -> Any:
    current = actor()
    return render_template("ledger/accounts.html", accounts=_accounts(current.org.id),
                           may_edit=current.role in ledger.CHART_ROLES)


def _account_data(form: f.AccountForm) -> ledger.AccountData:
    return ledger.AccountData(code=form.code.data or "", name_uk=form.name_uk.data or "",
                              name_en=form.name_en.data or "", kind=AccountKind(form.kind.data),
                              holds_stock=form.holds_stock.data, confirmed=form.confirmed.data,
                              note=form.note.data or "", active=form.active.data)


@bp.route("/accounts/new", methods=["GET", "POST"], defaults={"account_id": None})
@bp.route("/accounts/<int:account_id>/edit", methods=["GET", "POST"])
@roles_required(*ledger.CHART_ROLES)
def edit_account(account_id: int | None) -> Any:
    current = actor()
    account = None
    if account_id is not None:
        try:
            account = get_scoped(Account, account_id, current.org.id)
        except NotFound:
            abort(404)
    form = f.AccountForm(obj=account if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            if account is None:
                account = ledger.create_account(current.org.id, current.user.id, current.role, _account_data(form))
            else:
                ledger.update_account(account, current.user.id, current.role, _account_data(form))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
        else:
            flash(_("Saved: %(name)s.", name=account.code), "success")
            return redirect(url_for("ledger.accounts"))
    return render_template("ledger/account_form.html", form=form, account=account), \
        422 if form.errors or form.form_errors else 200


# --------------------------------------------------------------------------- posting rules

@bp.get("/rules")
def rules() -> Any:
    current = actor()
    found = db.session.scalars(scoped(PostingRule, current.org.id).order_by(
        PostingRule.event, PostingRule.category_code, PostingRule.id)).all()
    from tracker.ledger.rules import events_without_rule

    return render_template("ledger/rules.html", rules=found, may_edit=current.role in ledger.CHART_ROLES,
                           missing=events_without_rule(current.org.id))


def _rule_form(organization_id: int, rule: PostingRule | None) -> f.RuleForm:
    form = f.RuleForm(obj=rule if request.method == "GET" else None)
    form.event.choices = [SelectChoice(e, event_label(e)) for e in f.RULE_EVENT_VALUES]
    categories = db.session.scalars(scoped(Category, organization_id).order_by(Category.code)).all()
    form.category_code.choices = [SelectChoice("", "—")] + [SelectChoice(c.code, f"{c.code} · {c.name_uk}")
                                                           for c in categories]
    empty = str(_("the lot's own stock account"))
    form.debit_account_id.choices = _account_choices(organization_id, empty=empty)
    form.credit_account_id.choices = _account_choices(organization_id, empty=empty)
    if request.method == "GET" and rule is not None:
        form.event.data = rule.event.value
        form.aid_type.data = rule.aid_type.value if rule.aid_type else ""
        form.intended_use.data = rule.intended_use.value if rule.intended_use else ""
    return form


def _rule_data(form: f.RuleForm) -> ledger.RuleData:
    def enum(cls: Any, value: Any) -> Any:
        try:
            return cls(value) if value else None
        except ValueError:
            return None

    return ledger.RuleData(event=enum(PostingEvent, form.event.data), aid_type=enum(AidType, form.aid_type.data),
                           intended_use=enum(IntendedUse, form.intended_use.data),
                           category_code=form.category_code.data or "", debit_account_id=form.debit_account_id.data,
                           credit_account_id=form.credit_account_id.data, note=form.note.data or "")


@bp.route("/rules/new", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/rules/<int:rule_id>/edit", methods=["GET", "POST"])
@roles_required(*ledger.CHART_ROLES)
def edit_rule(rule_id: int | None) -> Any:
    current = actor()
    rule = None
    if rule_id is not None:
        try:
            rule = get_scoped(PostingRule, rule_id, current.org.id)
        except NotFound:
            abort(404)
    form = _rule_form(current.org.id, rule)
    if form.validate_on_submit():
        try:
            if rule is None:
                ledger.create_rule(current.org.id, current.user.id, current.role, _rule_data(form))
            else:
                ledger.update_rule(rule, current.user.id, current.role, _rule_data(form))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
        else:
            flash(_("Posting rule saved."), "success")
            return redirect(url_for("ledger.rules"))
    return render_template("ledger/rule_form.html", form=form, rule=rule), \
        422 if form.errors or form.form_errors else 200


@bp.post("/rules/<int:rule_id>/delete")
@roles_required(*ledger.CHART_ROLES)
def delete_rule(rule_id: int) -> Any:
    current = actor()
    try:
        rule = get_scoped(PostingRule, rule_id, current.org.id)
        ledger.delete_rule(rule, current.user.id, current.role)
        db.session.commit()
    except NotFound:
        abort(404)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("ledger.rules")), 303
    flash(_("Posting rule deleted."), "success")
    return redirect(url_for("ledger.rules")), 303


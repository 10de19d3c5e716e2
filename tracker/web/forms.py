"""Helpers between WTForms and services: field errors back onto forms, form data to dataclasses."""
from __future__ import annotations

import dataclasses
from typing import Any

from flask_wtf import FlaskForm

from tracker.errors import DomainError


def populate_errors(form: FlaskForm, exc: DomainError, field_map: dict[str, str] | None = None) -> None:
    """Copy a service's field errors onto the form; errors of unknown fields go to the form top."""
    field_map = field_map or {}
    placed = False
    for field_name, messages in exc.errors.items():
        field = getattr(form, field_map.get(field_name, field_name), None)
        if field is not None and hasattr(field, "errors"):
            if not isinstance(field.errors, list):
                field.errors = list(field.errors)
            field.errors.extend(messages)
            placed = True
        else:
            form.form_errors.extend(f"{field_name}: {m}" for m in messages)
            placed = True
    if not placed:
        form.form_errors.append(exc.message)


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def form_to(data_class: type[Any], form: FlaskForm, **extra: Any) -> Any:
    """Build the service's input dataclass from the form fields of the same names."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(data_class):
        if field.name in extra:
            values[field.name] = extra[field.name]
        elif hasattr(form, field.name):
            value = getattr(form, field.name).data
            values[field.name] = "" if value is None and field.type in ("str", str) else value
    return data_class(**values)

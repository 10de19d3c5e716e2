"""Integrity checks run by ``flask tracker check``: each returns a list of problems, never raises.

A check is a function ``() -> list[Problem]`` registered with :func:`integrity_check`; it reads
the database and names every record that is wrong (Beancount's balance assertions: one run shows
every problem). The audit chain is checked here; the books' checks (posted totals re-derived from
their lines, stock movements against lots, journal postings balanced) register the same way from
their own packages, imported in :func:`run_checks`.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    #: What is wrong, e.g. ``audit event``, ``consignment``.
    record: str
    record_id: object
    organization_id: int | None
    message: str

    def __str__(self) -> str:
        org = f" (organization {self.organization_id})" if self.organization_id else ""
        return f"{self.record} {self.record_id}{org}: {self.message}"


CheckFunction = Callable[[], list[Problem]]
_CHECKS: dict[str, CheckFunction] = {}

#: Modules whose import registers checks (features add theirs here).
CHECK_MODULES = ["tracker.audit.checks"]


def integrity_check(name: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under a short name shown by ``flask tracker check``."""

    def decorator(func: CheckFunction) -> CheckFunction:
        _CHECKS[name] = func
        return func

    return decorator


def run_checks() -> dict[str, list[Problem]]:
    """Every registered check's problems, by check name, in registration order."""
    for module in CHECK_MODULES:
        importlib.import_module(module)
    return {name: check() for name, check in _CHECKS.items()}

"""The audit trail's integrity check: every event's hash and link, every chain's head."""
from __future__ import annotations

from tracker.audit.service import verify_chain
from tracker.checks import Problem, integrity_check


@integrity_check("audit chain")
def check_audit_chain() -> list[Problem]:
    return [Problem("audit event", p.event_id, p.organization_id, p.message) for p in verify_chain()]

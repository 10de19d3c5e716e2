"""Domain errors raised by services and translated once by the web, API and CLI layers."""
from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the operation; nothing was changed. Answers 422 by default."""

    status = 422

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ValidationFailed(DomainError):
    """One or more fields are invalid; ``errors`` maps field names to messages."""

    def __init__(self, field: str | dict[str, list[str]], message: str | None = None) -> None:
        if isinstance(field, dict):
            errors = field
            first = next(iter(errors.values()), [""])
            super().__init__(message or (first[0] if first else ""), errors)
        else:
            assert message is not None
            super().__init__(message, {field: [message]})


class InvalidTransition(DomainError):
    """The object's state does not allow the action (409)."""

    status = 409


class Conflict(DomainError):
    """The action conflicts with existing data: duplicates, references, concurrent edits (409)."""

    status = 409


class NotFound(DomainError):
    """No such object in the current organization (404): foreign ids look exactly like missing ones."""

    status = 404


class Forbidden(DomainError):
    """The acting user's role does not allow the action (403)."""

    status = 403

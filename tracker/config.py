"""Every setting of Aid Tracker with its default.

Order of precedence (later wins): these defaults → ``instance/config.py`` → ``TRACKER_*``
environment variables (``TRACKER_DATABASE_URL`` sets ``SQLALCHEMY_DATABASE_URI``; any other
``TRACKER_NAME`` sets ``NAME``) → the ``test_config`` mapping given to ``create_app``.
"""
from __future__ import annotations

#: Database URL; None means the SQLite file ``instance/tracker.sqlite3``.
SQLALCHEMY_DATABASE_URI: str | None = None
#: Check pooled connections before use (PostgreSQL restarts, idle timeouts).
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
#: Secret for sessions and CSRF; None means generate/read ``instance/SECRET_KEY``.
SECRET_KEY: str | None = None
#: Default interface language (uk) and the languages offered.
BABEL_DEFAULT_LOCALE = "uk"
LANGUAGES = ["uk", "en"]
#: Languages of donor-facing output.
DONOR_LANGUAGES = ["uk", "en", "de"]
BABEL_DEFAULT_TIMEZONE = "Europe/Kyiv"
#: Rows per page in lists (pages and API default).
PER_PAGE = 25
#: Largest page size the API accepts.
MAX_PER_PAGE = 200
#: Largest request body in bytes (uploads included); larger answers 413.
MAX_CONTENT_LENGTH = 20 * 1024 * 1024
#: Cookie flags: HttpOnly always; Secure when served over HTTPS (set True in production).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
#: CSRF tokens on every form (never disable outside tests).
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = 8 * 3600
#: Sign-in attempts allowed per client address (Flask-Limiter syntax).
LOGIN_RATE_LIMIT = "10 per minute"
#: Storage for rate limits; memory:// is per process, use redis:// with several workers.
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = False
#: Minimum password length for new passwords.
PASSWORD_MIN_LENGTH = 10
#: Days an API token stays valid unless another expiry is given.
API_TOKEN_DAYS = 365
#: Most events one audit-trail export holds (newest first); narrow the filter for older ones.
AUDIT_EXPORT_MAX_ROWS = 100_000
#: Directory for uploaded files; None means ``instance/uploads``.
UPLOAD_FOLDER: str | None = None

# flask-smorest / OpenAPI
API_TITLE = "Aid Tracker API"
API_VERSION = "v1"
OPENAPI_VERSION = "3.0.3"
OPENAPI_URL_PREFIX = "/api/v1"
OPENAPI_JSON_PATH = "openapi.json"
API_SPEC_OPTIONS = {
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
    },
    "security": [{"bearerAuth": []}],
    "info": {"description": "JSON API of Aid Tracker. Amounts are decimal strings, dates ISO 8601."},
}
#: When no NBU rate is stored for the exact date, use the last one set up to this many days
#: earlier (the NBU sets no rate on weekends and holidays; the last one stays in force).
#: 0 = the exact date only.
RATE_LOOKBACK_DAYS = 4
#: Largest rates import file in bytes.
RATES_IMPORT_MAX_BYTES = 5 * 1024 * 1024

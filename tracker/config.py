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
#: Language of `flask tracker …` messages.
CLI_LANGUAGE = "en"
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
#: CSRF is checked by tracker.web.setup for every request outside ``/api/`` (the API takes bearer
#: tokens only, never the session cookie); Flask-WTF's own blanket check stays off.
WTF_CSRF_CHECK_DEFAULT = False
WTF_CSRF_TIME_LIMIT = 8 * 3600
#: Sign-in attempts allowed per client address (Flask-Limiter syntax).
LOGIN_RATE_LIMIT = "10 per minute"
#: Storage for rate limits; memory:// is per process, use redis:// with several workers.
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = False
#: Minimum password length for new passwords.
PASSWORD_MIN_LENGTH = 10
#: werkzeug password-hash method for new passwords.
PASSWORD_HASH_METHOD = "scrypt"
#: Days an API token stays valid unless another expiry is given.
API_TOKEN_DAYS = 365
#: Most events one audit-trail export holds (newest first); narrow the filter for older ones.
AUDIT_EXPORT_MAX_ROWS = 100_000
#: Directory for uploaded files; None means ``instance/uploads``.
UPLOAD_FOLDER: str | None = None
#: Largest uploaded file (documents, packing lists) in bytes; larger answers 413.
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
#: Largest total an uploaded .xlsx may unpack to (sum of its parts' sizes) in bytes; more is
#: refused as a possible zip bomb before the workbook is opened.
XLSX_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024

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

# Donor delivery (e-mail). The password is never written in a file of the repository: set it
# in the environment as TRACKER_SMTP_PASSWORD (read as is, even when it looks like a number).
#: SMTP server that sends donor e-mails; empty = e-mail not configured (sending is refused).
SMTP_HOST = ""
#: SMTP port: 587 for STARTTLS (submission), 465 for SSL, 25 for a plain local relay.
SMTP_PORT = 587
#: Transport security: "starttls" (upgrade after connecting), "ssl" (TLS from the start) or "none".
SMTP_SECURITY = "starttls"
#: SMTP user name; empty = no authentication.
SMTP_USER = ""
#: SMTP password; None = taken from the environment variable TRACKER_SMTP_PASSWORD.
SMTP_PASSWORD: str | None = None
#: From address of donor e-mails, e.g. "Zhytomyr City Council <aid@zhytomyr-rada.example>".
SMTP_SENDER = ""
#: Seconds to wait for the SMTP server (connect and each reply).
SMTP_TIMEOUT = 30
#: Largest PDF sent as an attachment, in bytes; a larger one is sent as a signed download link.
DELIVERY_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
#: Days a signed download link works.
DELIVERY_LINK_DAYS = 30
#: A failed delivery is retried by the next scheduled runs at most this many times.
DELIVERY_MAX_RETRIES = 3
#: A delivery still "pending" this many minutes after its attempt started was interrupted (crash,
#: killed job): it is marked "uncertain" and left to a person, never re-sent automatically.
DELIVERY_STALE_MINUTES = 60
#: Folder for the PDFs that were sent (named by their SHA-256); None = ``<UPLOAD_FOLDER>/deliveries``.
DELIVERY_FOLDER: str | None = None
#: Public address of this installation for links in e-mails, e.g. "https://aid.zhytomyr.example";
#: None = the address of the current request (the scheduled job then cannot send links).
PUBLIC_BASE_URL: str | None = None
#: Dashboard expiry alerts: lots in stock expiring within these many days (ascending; the
#: first is urgent). DOMAIN.md §8: proactive 30/60/90-day alerts limited to lots in stock.
EXPIRY_ALERT_DAYS = (30, 90)

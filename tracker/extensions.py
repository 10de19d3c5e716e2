"""Flask extensions, created unbound and initialised in ``create_app``."""
from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

# ``db`` lives with the declarative base (naming convention, exact-decimal type map) in
# tracker.models.base, so that models can import it without a cycle; it is re-exported here.
from tracker.models.base import NAMING_CONVENTION, Base, db

__all__ = ["NAMING_CONVENTION", "Base", "babel", "csrf", "db", "limiter", "login_manager", "migrate"]
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

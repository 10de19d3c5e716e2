"""The API fuzzed against its own OpenAPI document (schemathesis, in-process through WSGI).

Every operation of ``/api/v1/openapi.json`` gets a bounded number of generated requests, valid
and invalid, sent with a real bearer token of an administrator: no answer may be a 500, and
every answer must match the document (documented status code, content type, body schema —
``application/problem+json`` for errors).
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests import factories
from tests.conftest import make_app
from tests.factories import token_for
from tracker import create_app
from tracker.extensions import db

#: Generated requests per operation (bounded so the whole fuzz stays well under a minute).
#: ``TRACKER_FUZZ_EXAMPLES=500 TRACKER_FUZZ_RANDOM=1`` fuzzes deeper with fresh random data; by
#: default the generation is derandomized, so that CI runs the same requests every time.
EXAMPLES = int(os.environ.get("TRACKER_FUZZ_EXAMPLES", "25"))
RANDOM = os.environ.get("TRACKER_FUZZ_RANDOM") == "1"


def _document() -> dict:
    app = create_app({"TESTING": True, "SECRET_KEY": "fuzz", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return app.test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_document())
# the test sends a real token itself (schemathesis still probes every operation without it)
schema.config.generation.update(with_security_parameters=False)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    """One application and database for every operation (created once: the fuzz is about answers,
    not about isolation), with an organization, its administrator and a partner."""
    app = make_app(tmp_path_factory.mktemp("fuzz"))
    with app.app_context():
        org = factories.make_org()
        admin = factories.make_user(org, "admin")
        factories.make_partner(org)
        app.config["FUZZ_TOKEN"] = token_for(admin, org)
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None,
          derandomize=not RANDOM)
def test_api_answers_match_the_document(case, fuzz_app):
    app = fuzz_app
    admin_token = app.config["FUZZ_TOKEN"]
    # the fuzz app serves the calls and schemathesis' own probes (e.g. the
    # same request without credentials must answer 401)
    case.operation.schema.app = app
    case.call_and_validate(
        app=app,
        base_url="http://localhost",
        headers={"Authorization": f"Bearer {admin_token}"},
        # Schema-valid data may still break a business rule the document cannot express (an
        # unknown ISO country, a partner id of another organization, a duplicate name): that is a
        # documented 422, not a failure.
        excluded_checks=[positive_data_acceptance],
    )

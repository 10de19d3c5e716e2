"""The optimistic-locking helper (tracker.concurrency) on a throwaway versioned table: the second
of two edits based on the same version is refused and the first is not lost."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.exc import StaleDataError

from tests.texts import ui
from tracker.concurrency import VersionedMixin, check_version
from tracker.errors import Conflict
from tracker.extensions import db


class _Base(so.DeclarativeBase):
    pass


class Draft(VersionedMixin, _Base):
    __tablename__ = "test_versioned_draft"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(50))


@pytest.fixture
def drafts(app):
    _Base.metadata.create_all(db.engine)
    yield
    db.session.rollback()
    _Base.metadata.drop_all(db.engine)


def test_each_update_bumps_the_version(drafts):
    draft = Draft(title="a")
    db.session.add(draft)
    db.session.commit()
    assert draft.version == 1
    draft.title = "b"
    db.session.commit()
    assert draft.version == 2


def test_an_edit_based_on_an_old_version_is_refused_with_a_clear_message(drafts, app):
    draft = Draft(title="a")
    db.session.add(draft)
    db.session.commit()
    seen_by_second_user = draft.version
    check_version(draft, seen_by_second_user)  # first user: current
    draft.title = "first user's change"
    db.session.commit()
    with app.test_request_context(), pytest.raises(Conflict) as refused:
        check_version(draft, seen_by_second_user)
    assert refused.value.message == ui(
        "Someone else saved this record after you opened it. Reload the page to see their changes, then make "
        "yours again.")
    assert refused.value.status == 409
    check_version(draft, None)  # clients that send no version are not checked


def test_two_transactions_updating_the_same_version_lose_nothing(drafts, app):
    draft = Draft(title="a")
    db.session.add(draft)
    db.session.commit()
    draft_id = draft.id
    other = so.Session(db.engine)
    theirs = other.get(Draft, draft_id)
    draft.title = "mine"
    db.session.commit()
    theirs.title = "theirs"
    with pytest.raises(StaleDataError):
        other.commit()
    other.rollback()
    other.close()
    db.session.expire_all()
    assert db.session.get(Draft, draft_id).title == "mine"


def test_a_stale_update_in_a_request_answers_409_and_saves_nothing(drafts, app, client):
    draft = Draft(title="a")
    db.session.add(draft)
    db.session.commit()
    draft_id = draft.id

    @app.post("/api/v1/__test_stale")  # /api/ paths skip the page sign-in; no blueprint auth here
    def stale():
        mine = db.session.get(Draft, draft_id)
        with db.engine.begin() as conn:  # someone else saves first
            conn.execute(sa.text("UPDATE test_versioned_draft SET title = 'theirs', version = version + 1"))
        mine.title = "mine"
        db.session.commit()
        return "saved"

    response = client.post("/api/v1/__test_stale")
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.json["detail"] == ui(
        "Someone else saved this record at the same moment. Reload the page to see their changes, then make "
        "yours again.")
    db.session.expire_all()
    assert db.session.get(Draft, draft_id).title == "theirs"

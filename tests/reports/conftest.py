import pytest

from sessions import services as session_services
from sessions.models import Mode

from ..factories import QuestionFactory, QuestionSetFactory


@pytest.fixture
def practised(owner):
    qset = QuestionSetFactory(questions=[QuestionFactory(), QuestionFactory()])
    session = session_services.session_create(by=owner, mode=Mode.SELF, question_set=qset)
    for position in (1, 2):
        session.refresh_from_db()
        session_services.answer_submit(session=session, position=position, by=owner)
        kp = session.answers.get(position=position).keypoints.first()
        session_services.mark_set(session=session, position=position, keypoint_id=kp.pk, by=owner, value="covered")
        if position == 1:
            session_services.advance(session=session, by=owner)
    session_services.finish(session=session, by=owner)
    return session

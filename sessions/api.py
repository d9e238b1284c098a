"""The interview-sessions API.

Every lookup goes through ``InterviewSession.objects.for_user``: a session the caller took no
part in answers 404. Writes call ``services`` (the same functions the pages call), whose
refusals answer 403 (``PermissionDenied``), 400 (``ValidationError``, naming the field) and
409 (``Conflict``, ``{"detail": ...}``). What a session shows is ``presenters.present_session``
output, returned as it is: the API never decides for itself what a role may see.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from questions.api import StrictPageNumberPagination

from . import permissions, services
from .models import InterviewSession, Mode
from .presenters import load, present_session
from .serializers import (
    AmendmentSerializer,
    AmendSerializer,
    AnswerTextResultSerializer,
    AnswerTextSerializer,
    DetailSerializer,
    FeedbackSerializer,
    FinishSerializer,
    IdSerializer,
    JoinSerializer,
    MarkResultSerializer,
    MarkSerializer,
    NotesResultSerializer,
    NotesSerializer,
    RatingResultSerializer,
    RatingSerializer,
    ScorecardSerializer,
    SessionCreatedSerializer,
    SessionCreateSerializer,
    SessionListSerializer,
)

PRESENTED = OpenApiResponse(OpenApiTypes.OBJECT, description="The session as the caller's role may see it.")
CONFLICT = OpenApiResponse(DetailSerializer, description="Does not fit the session's state; `detail` says why.")
POSITION = OpenApiParameter("position", int, OpenApiParameter.PATH, description="The question's position, from 1.")
KEYPOINT = OpenApiParameter(
    "keypoint_id", int, OpenApiParameter.PATH, description="A keypoint id, as the session's answers list them."
)


class SessionViewSet(viewsets.GenericViewSet):
    """Interview sessions the caller takes part in (or, structured ones, whose team they manage)."""

    permission_classes = [IsAuthenticated]
    queryset = InterviewSession.objects.none()  # for the schema; requests go through _sessions()
    lookup_value_regex = r"[0-9]+"
    pagination_class = StrictPageNumberPagination
    input_serializers = {
        "create": SessionCreateSerializer,
        "join": JoinSerializer,
        "answer": AnswerTextSerializer,
        "mark": MarkSerializer,
        "notes": NotesSerializer,
        "rating": RatingSerializer,
        "finish": FinishSerializer,
        "feedback": FeedbackSerializer,
        "scorecard": ScorecardSerializer,
        "amend_scorecard": AmendSerializer,
    }

    def get_serializer_class(self):
        return self.input_serializers.get(self.action, SessionListSerializer)

    # --- helpers

    def _sessions(self):
        return InterviewSession.objects.for_user(self.request.user)

    def _session(self, pk):
        return get_object_or_404(self._sessions(), pk=pk)

    def _input(self):
        data = self.get_serializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data

    def _present(self, pk, status_code=status.HTTP_200_OK):
        try:
            session = load(pk, self._sessions())
        except InterviewSession.DoesNotExist:
            raise NotFound("No such session.") from None
        return Response(present_session(session, self.request.user), status=status_code)

    # --- reading

    @extend_schema(responses={200: SessionListSerializer(many=True)})
    def list(self, request):
        sessions = permissions.annotate_roles(self._sessions(), request.user).order_by("-created_at", "-pk")
        page = self.paginate_queryset(sessions)
        return self.get_paginated_response(SessionListSerializer(page, many=True).data)

    @extend_schema(responses={200: PRESENTED})
    def retrieve(self, request, pk=None):
        return self._present(pk)

    # --- creating and joining

    @extend_schema(request=SessionCreateSerializer, responses={201: SessionCreatedSerializer})
    def create(self, request):
        session = services.session_create(by=request.user, **self._input())
        invited = session.mode != Mode.SELF
        body = {
            "id": session.pk,
            "mode": session.mode,
            "status": session.status,
            "invite_url": session.invite_url() if invited else None,
            "invite_token": session.invite_token if invited else None,
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=JoinSerializer, responses={200: PRESENTED, 404: CONFLICT, 409: CONFLICT})
    @action(detail=False, methods=["post"])
    def join(self, request):
        """Join as the candidate through an invite token (it admits one person, and expires)."""
        token = self._input()["token"]
        if not InterviewSession.objects.filter(invite_token=token).exclude(mode=Mode.SELF).exists():
            raise NotFound("No interview has this invite link. Check that you copied all of it.")
        session = services.session_join(token=token, user=request.user)
        return self._present(session.pk)

    # --- the candidate

    @extend_schema(
        parameters=[POSITION], request=AnswerTextSerializer, responses={200: AnswerTextResultSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["put"], url_path=r"answers/(?P<position>[0-9]+)")
    def answer(self, request, pk=None, position=None):
        """Save the candidate's written answer to the current question (as it is typed)."""
        session = self._session(pk)
        text = self._input()["text"]
        answer = services.answer_save_text(session=session, position=int(position), by=request.user, text=text)
        return Response({"position": answer.position, "text": answer.text})

    @extend_schema(parameters=[POSITION], request=None, responses={200: PRESENTED, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path=r"answers/(?P<position>[0-9]+)/submit")
    def submit(self, request, pk=None, position=None):
        """Self-assessment: the answer is done; the rubric of this question opens."""
        services.answer_submit(session=self._session(pk), position=int(position), by=request.user)
        return self._present(pk)

    # --- the interviewers

    @extend_schema(parameters=[POSITION], request=None, responses={200: PRESENTED, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path=r"answers/(?P<position>[0-9]+)/accept-suggestions")
    def accept_suggestions(self, request, pk=None, position=None):
        """Mark every keypoint of the answer as its suggestion says; each mark can still be changed."""
        services.suggestions_accept(session=self._session(pk), position=int(position), by=request.user)
        return self._present(pk)

    @extend_schema(
        parameters=[POSITION, KEYPOINT], request=MarkSerializer, responses={200: MarkResultSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["put"], url_path=r"answers/(?P<position>[0-9]+)/marks/(?P<keypoint_id>[0-9]+)")
    def mark(self, request, pk=None, position=None, keypoint_id=None):
        """Mark one keypoint; each interviewer keeps their own marks and score."""
        session = self._session(pk)
        value = self._input()["mark"]
        review = services.mark_set(
            session=session, position=int(position), keypoint_id=int(keypoint_id), by=request.user, value=value
        )
        return Response(
            {"position": int(position), "keypoint_id": int(keypoint_id), "mark": value, "score": review.score}
        )

    @extend_schema(
        parameters=[POSITION], request=NotesSerializer, responses={200: NotesResultSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["put"], url_path=r"answers/(?P<position>[0-9]+)/notes")
    def notes(self, request, pk=None, position=None):
        """Save your notes on an answer; refused (409) if they changed since `version`."""
        session = self._session(pk)
        review = services.notes_save(session=session, position=int(position), by=request.user, **self._input())
        return Response({"position": int(position), "notes_version": review.notes_version})

    @extend_schema(
        parameters=[POSITION], request=RatingSerializer, responses={200: RatingResultSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["put"], url_path=r"answers/(?P<position>[0-9]+)/rating")
    def rating(self, request, pk=None, position=None):
        """Structured interviews: your 1-4 rating of an answer."""
        session = self._session(pk)
        review = services.rating_set(session=session, position=int(position), by=request.user, **self._input())
        return Response({"position": int(position), "rating": review.rating})

    @extend_schema(request=None, responses={200: PRESENTED, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Show the next question (the lead interviewer)."""
        services.advance(session=self._session(pk), by=request.user)
        return self._present(pk)

    @extend_schema(request=FinishSerializer, responses={200: PRESENTED, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        """End the session (the lead). Structured: recommendation and summary; peer: feedback, shared notes."""
        session = self._session(pk)
        values = self._input()
        outside = [p for p in values["shared_positions"] if p > session.question_count]
        if outside:
            raise ValidationError(
                {"shared_positions": f"This session has questions 1 to {session.question_count}; not {outside}."}
            )
        services.finish(session=session, by=request.user, **values)
        return self._present(pk)

    @extend_schema(request=FeedbackSerializer, responses={200: PRESENTED, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        """Peer interviews: after the end, the interviewer gives the feedback they left empty, once."""
        services.feedback_give(session=self._session(pk), by=request.user, **self._input())
        return self._present(pk)

    @extend_schema(request=ScorecardSerializer, responses={200: PRESENTED, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def scorecard(self, request, pk=None):
        """Structured interviews: a panelist submits their recommendation, once."""
        services.scorecard_submit(session=self._session(pk), by=request.user, **self._input())
        return self._present(pk)

    @extend_schema(request=None, responses={201: IdSerializer, 200: IdSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def swap(self, request, pk=None):
        """After a peer interview: the mirror session, the candidate now interviewing (201 when new)."""
        session = self._session(pk)
        existed = session.mirror_id is not None
        mirror = services.swap_roles(session=session, by=request.user)
        return Response({"id": mirror.pk}, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    # --- scorecard history

    @extend_schema(request=AmendSerializer, responses={201: AmendmentSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="scorecard/amend")
    def amend_scorecard(self, request, pk=None):
        """Structured interviews: change your submitted scorecard, saying why; the change joins its history."""
        amendment = services.scorecard_amend(session=self._session(pk), by=request.user, **self._input())
        return Response(AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: AmendmentSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="scorecard/history")
    def scorecard_history(self, request, pk=None):
        """Amendments of submitted scorecards, oldest first: your own, or every interviewer's for a manager."""
        amendments = services.scorecard_history(session=self._session(pk), user=request.user)
        return Response(AmendmentSerializer(amendments, many=True).data)

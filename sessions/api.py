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
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from questions.api import StrictPageNumberPagination, TeamField
from questions.models import QuestionSet
from teams.models import Membership

from . import permissions, services
from .models import InterviewSession, MarkValue, Mode, Recommendation
from .presenters import load, present_session

# --- input -------------------------------------------------------------------------------------


class SessionCreateSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=Mode.choices)
    question_set = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="A set's id.")
    question_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=services.MAX_QUESTIONS,
        help_text="Hand-picked question ids, in the order they are asked.",
    )
    team = TeamField(required=False, allow_null=True, default=None, help_text="Structured: the team's id.")
    candidate_email = serializers.EmailField(required=False, allow_blank=True, default="")
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    meeting_url = serializers.URLField(required=False, allow_blank=True, default="", max_length=200)
    panel = serializers.ListField(
        child=serializers.CharField(max_length=150),
        required=False,
        default=list,
        help_text="Structured: usernames of the team members who interview with you.",
    )
    minutes_per_question = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=180
    )

    def validate_question_set(self, pk):
        if pk is None:
            return None
        qset = QuestionSet.objects.for_user(self.context["request"].user).filter(pk=pk).first()
        if qset is None:
            # Not yours to see answers 404, the field named, as the team does (questions.api.TeamField).
            raise NotFound({"question_set": [f"No such question set: {pk}."]})
        return qset

    def validate(self, attrs):
        if attrs["question_set"] is not None and attrs["question_ids"]:
            raise ValidationError({"question_ids": "Give question_set or question_ids, not both."})
        if attrs["question_set"] is None and not attrs["question_ids"]:
            raise ValidationError(
                {"question_set": "Give question_set (a set's id) or question_ids (an ordered list of question ids)."}
            )
        names = list(dict.fromkeys(attrs["panel"]))
        if names and attrs["mode"] != Mode.STRUCTURED:
            raise ValidationError({"panel": "Only structured interviews have a panel."})
        if names and attrs["team"] is None:
            raise ValidationError({"team": "A structured interview belongs to a team."})
        if names:
            team = attrs["team"]
            found = {
                m.user.username: m.user
                for m in Membership.objects.filter(team=team, user__username__in=names).select_related("user")
            }
            missing = [n for n in names if n not in found]
            if missing:
                raise ValidationError({"panel": f"Not a member of {team.name}: {', '.join(missing)}."})
            attrs["panel"] = [found[n] for n in names]
        return attrs


class JoinSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class AnswerTextSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=20_000)


class MarkSerializer(serializers.Serializer):
    mark = serializers.ChoiceField(choices=MarkValue.choices, allow_null=True, help_text="null clears the mark.")


class NotesSerializer(serializers.Serializer):
    notes = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=20_000)
    version = serializers.IntegerField(
        min_value=0, help_text="The notes_version you last read; a stale one answers 409 and saves nothing."
    )


class RatingSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=4)


class FinishSerializer(serializers.Serializer):
    feedback = serializers.CharField(required=False, allow_blank=True, default="", help_text="Peer sessions.")
    shared_positions = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text="Peer sessions: positions whose notes the candidate may read.",
    )
    recommendation = serializers.ChoiceField(
        choices=Recommendation.choices, required=False, allow_blank=True, default="", help_text="Structured: required."
    )
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class FeedbackSerializer(serializers.Serializer):
    feedback = serializers.CharField(max_length=20_000, help_text="What went well and what to work on next.")


class ScorecardSerializer(serializers.Serializer):
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class AmendSerializer(serializers.Serializer):
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    reason = serializers.CharField(max_length=2_000, help_text="Why the submitted scorecard changes; kept with it.")


# --- output ------------------------------------------------------------------------------------


class SessionListSerializer(serializers.ModelSerializer):
    # Plain strings in the schema: the choices already have their enums elsewhere.
    status = serializers.CharField(read_only=True, help_text="scheduled, live or finished.")
    role = serializers.CharField(read_only=True, help_text="Your role: lead, panelist, candidate or manager.")

    class Meta:
        model = InterviewSession
        fields = ["id", "mode", "status", "title", "role", "current_position", "question_count", "created_at"]


class SessionCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    mode = serializers.CharField()
    status = serializers.CharField()
    invite_url = serializers.CharField(allow_null=True, help_text="Null for a self-assessment.")
    invite_token = serializers.CharField(allow_null=True, help_text="Null for a self-assessment.")


class AnswerTextResultSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    text = serializers.CharField()


class MarkResultSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    keypoint_id = serializers.IntegerField()
    mark = serializers.CharField(allow_null=True)
    score = serializers.FloatField(help_text="Your score for this answer, 0 to 100.")


class NotesResultSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    notes_version = serializers.IntegerField()


class RatingResultSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    rating = serializers.IntegerField()


class AmendmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    interviewer = serializers.CharField(source="reviewer.user.username")
    reason = serializers.CharField()
    old_recommendation = serializers.CharField(help_text="Empty if there was none.")
    new_recommendation = serializers.CharField()
    old_summary = serializers.CharField()
    new_summary = serializers.CharField()
    created_at = serializers.DateTimeField()


class IdSerializer(serializers.Serializer):
    id = serializers.IntegerField()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


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

"""The calibration API: a team's drills, making, changing and deleting one (managers), scoring one blind (interviewers),
agreement with the gold marks, and the requirement to pass a drill before a panel.

The same services and presenter as the pages; refusals map to JSON through ``common.refusals``.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from sessions.models import MarkValue
from sessions.serializers import DetailSerializer
from teams.models import Membership, Team
from teams.permissions import require_manager, role

from . import services
from .models import MAX_ANSWERS, MIN_ANSWERS, Attempt, Drill
from .presenters import drill_for


def mark():
    return serializers.ChoiceField(choices=MarkValue.choices)


TEAM = OpenApiParameter("team", int, OpenApiParameter.QUERY, required=True, description="A team you belong to.")
TEAM_FILTER = OpenApiParameter("team", int, OpenApiParameter.QUERY, description="Only this team's drills.")
NO_TEAM = OpenApiResponse(DetailSerializer, description="No such team (or question), or not yours to see.")


class DrillSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    prompt = serializers.CharField()
    created_at = serializers.DateTimeField()
    scored = serializers.BooleanField(help_text="Whether you have scored it.")
    kappa = serializers.FloatField(allow_null=True, help_text="Your agreement with the gold marks, once scored.")


class PanelCountSerializer(serializers.Serializer):
    covered = serializers.IntegerField()
    partial = serializers.IntegerField()
    missed = serializers.IntegerField()


class MarkRowSerializer(serializers.Serializer):
    keypoint = serializers.IntegerField(help_text="The keypoint's position, from 1.")
    text = serializers.CharField()
    gold = serializers.ChoiceField(choices=MarkValue.choices, required=False, help_text="Only once revealed to you.")
    mine = serializers.ChoiceField(choices=MarkValue.choices, required=False, help_text="Once you have submitted.")
    panel = PanelCountSerializer(required=False, help_text="The other interviewers' marks, counted.")


class DrillAnswerSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    text = serializers.CharField()
    marks = MarkRowSerializer(many=True)


class DrillKeypointSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    text = serializers.CharField()
    weight = serializers.IntegerField()


class AttemptSerializer(serializers.Serializer):
    interviewer = serializers.CharField()
    kappa = serializers.FloatField(allow_null=True)
    submitted_at = serializers.DateTimeField()


class DrillSerializer(serializers.Serializer):
    """A drill as your role may see it: the gold and the panel's marks only once you have submitted (or manage)."""

    id = serializers.IntegerField()
    team = serializers.IntegerField()
    prompt = serializers.CharField()
    question = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    role = serializers.CharField(help_text="Your role in the team: manager or interviewer.")
    can_score = serializers.BooleanField()
    revealed = serializers.BooleanField(help_text="Whether gold and panel marks are shown to you.")
    kappa = serializers.FloatField(allow_null=True, help_text="Your agreement with the gold marks.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    panel_size = serializers.IntegerField(allow_null=True)
    keypoints = DrillKeypointSerializer(many=True)
    answers = DrillAnswerSerializer(many=True)
    attempts = AttemptSerializer(many=True, help_text="Managers only: each interviewer's agreement on this drill.")


class NewAnswerSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, max_length=services.ANSWER_MAX_LENGTH)
    source = serializers.IntegerField(
        required=False, allow_null=True, help_text="An answer id from `sources`, instead of `text`."
    )
    gold = serializers.ListField(
        child=mark(), min_length=3, max_length=6, help_text="One gold mark per keypoint, in keypoint order."
    )


class DrillCreateSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    question = serializers.IntegerField()
    answers = serializers.ListField(child=NewAnswerSerializer(), min_length=MIN_ANSWERS, max_length=MAX_ANSWERS)


class ScoreSerializer(serializers.Serializer):
    marks = serializers.ListField(
        child=serializers.ListField(child=mark()), help_text="One list per answer, one mark per keypoint, in order."
    )


class DrillUpdateSerializer(serializers.Serializer):
    prompt = serializers.CharField(required=False, max_length=300, help_text="The drill's title.")
    gold = serializers.ListField(
        child=serializers.ListField(child=mark(), min_length=3, max_length=6),
        required=False,
        min_length=MIN_ANSWERS,
        max_length=MAX_ANSWERS,
        help_text="One list per answer, one gold mark per keypoint, in order. Only until someone has scored "
        "the drill: a change afterwards answers 409 (sending the current marks is no change).",
    )


class AgreementSerializer(serializers.Serializer):
    interviewer = serializers.CharField()
    kappa = serializers.FloatField(allow_null=True, help_text="Weighted kappa over the last drills, pooled.")
    exact = serializers.FloatField(allow_null=True, help_text="Share of marks equal to the gold.")
    drills = serializers.IntegerField()
    marks = serializers.IntegerField()


class RequirementSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    threshold = serializers.FloatField(
        allow_null=True, min_value=0, max_value=1, help_text="Agreement needed to pass; null lifts the requirement."
    )


class SourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    finished_at = serializers.DateTimeField(allow_null=True)
    text = serializers.CharField(help_text="The candidate's name taken out.")


def _team(request, pk):
    return get_object_or_404(Team.objects.for_user(request.user), pk=pk)


class TeamQuerySerializer(serializers.Serializer):
    team = serializers.IntegerField()
    question = serializers.IntegerField(required=False)


def _query(request):
    params = TeamQuerySerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


def _team_param(request):
    return _team(request, _query(request)["team"])


class DrillViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = DrillSerializer

    def get_queryset(self):
        return Drill.objects.for_user(self.request.user).select_related("team")

    @extend_schema(
        operation_id="drills_list",
        parameters=[TEAM_FILTER],
        responses={200: DrillSummarySerializer(many=True), 404: NO_TEAM},
    )
    def list(self, request):
        """Drills of the teams you belong to, newest first; `team` narrows them to one."""
        drills = self.get_queryset()
        if "team" in request.query_params:
            drills = drills.filter(team=_team_param(request))
        mine = dict(Attempt.objects.filter(user=request.user, drill__in=drills).values_list("drill_id", "kappa"))
        page = self.paginate_queryset(drills)
        for drill in page:
            drill.scored, drill.kappa = drill.pk in mine, mine.get(drill.pk)
        return self.get_paginated_response(DrillSummarySerializer(page, many=True).data)

    @extend_schema(operation_id="drills_retrieve", responses={200: DrillSerializer})
    def retrieve(self, request, pk=None):
        return Response(DrillSerializer(drill_for(self.get_object(), request.user)).data)

    @extend_schema(
        operation_id="drills_create", request=DrillCreateSerializer, responses={201: DrillSerializer, 404: NO_TEAM}
    )
    def create(self, request):
        """Managers: a drill of a question the team can see, with two to five answers and their gold marks."""
        params = DrillCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        team = _team(request, data["team"])
        require_manager(request.user, team, "make calibration drills")
        question = get_object_or_404(services.drill_questions(team=team, by=request.user), pk=data["question"])
        drill = services.drill_create(team=team, by=request.user, question=question, answers=data["answers"])
        return Response(DrillSerializer(drill_for(drill, request.user)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="drills_partial_update",
        request=DrillUpdateSerializer,
        responses={
            200: DrillSerializer,
            409: OpenApiResponse(DetailSerializer, description="Gold marks are locked: the drill has been scored."),
        },
    )
    def partial_update(self, request, pk=None):
        """Managers: change the title, and the gold marks while nobody has scored the drill."""
        drill = self.get_object()
        require_manager(request.user, drill.team, "change calibration drills")
        params = DrillUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        drill = services.drill_update(drill=drill, by=request.user, **params.validated_data)
        return Response(DrillSerializer(drill_for(drill, request.user)).data)

    @extend_schema(operation_id="drills_destroy", responses={204: None})
    def destroy(self, request, pk=None):
        """Managers: delete the drill with its attempts; agreement figures no longer count it."""
        services.drill_delete(drill=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="drills_score",
        request=ScoreSerializer,
        responses={201: DrillSerializer, 409: OpenApiResponse(DetailSerializer, description="Already scored by you.")},
    )
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        """Interviewers: your marks, once; the answer shows them beside the gold and the panel's."""
        drill = self.get_object()
        params = ScoreSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.attempt_submit(drill=drill, by=request.user, marks=params.validated_data["marks"])
        return Response(DrillSerializer(drill_for(drill, request.user)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="drills_agreement",
        parameters=[TEAM],
        responses={200: AgreementSerializer(many=True), 404: NO_TEAM},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def agreement(self, request):
        """Agreement with the gold marks over each interviewer's last five drills: every interviewer for a
        manager, yourself otherwise."""
        team = _team_param(request)
        members = team.memberships.filter(role=Membership.Role.INTERVIEWER).select_related("user")
        if role(request.user, team) != Membership.Role.MANAGER:
            members = members.filter(user=request.user)
        members = list(members.order_by("user__username"))
        figures = services.agreement(team=team, users=[m.user_id for m in members])
        empty = {"kappa": None, "exact": None, "drills": 0, "marks": 0}
        rows = [{"interviewer": m.user.username, **figures.get(m.user_id, empty)} for m in members]
        return Response(AgreementSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="drills_requirement", request=RequirementSerializer, responses={200: RequirementSerializer}
    )
    @action(detail=False, methods=["post"])
    def requirement(self, request):
        """Managers: interviewers who join from now on must pass a drill at `threshold` before a panel."""
        params = RequirementSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        team = _team(request, params.validated_data["team"])
        threshold = params.validated_data["threshold"]
        services.requirement_set(team=team, by=request.user, threshold=threshold)
        return Response({"team": team.pk, "threshold": threshold})

    @extend_schema(
        operation_id="drills_sources",
        parameters=[TEAM, OpenApiParameter("question", int, OpenApiParameter.QUERY, required=True)],
        responses={200: SourceSerializer(many=True), 404: NO_TEAM},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def sources(self, request):
        """Managers: answers to a question in the team's finished interviews, to use in a drill."""
        team = _team_param(request)
        require_manager(request.user, team, "make calibration drills")
        question_id = _query(request).get("question")
        if question_id is None:
            raise ValidationError({"question": "Give the question's id."})
        question = get_object_or_404(services.drill_questions(team=team, by=request.user), pk=question_id)
        return Response(SourceSerializer(services.source_answers(team=team, question=question), many=True).data)

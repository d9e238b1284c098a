"""The review-queue API: the caller's due keypoints, and starting their practice.

Both call the services the pages call; refusals map to JSON through ``common.refusals``.
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from sessions.models import MarkValue
from sessions.serializers import DetailSerializer, SessionCreatedSerializer

from . import services
from .models import ItemState
from .views import anki_response, archive_response


class DueQuerySerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False, help_text="ISO 8601 date and time; default now.")


class DueItemSerializer(serializers.Serializer):
    keypoint = serializers.IntegerField(source="keypoint_id", help_text="The rubric keypoint's id.")
    question = serializers.IntegerField(source="question_id")
    due = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=[label for _, label in ItemState.choices], source="get_state_display")
    last_mark = serializers.ChoiceField(choices=MarkValue.values)


class DueSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = DueItemSerializer(many=True)


class DueView(APIView):
    """The caller's review items due at a moment, weakest first (lowest chance of being remembered)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="reviews_due",
        parameters=[
            OpenApiParameter(
                "at", OpenApiTypes.DATETIME, OpenApiParameter.QUERY, description="ISO 8601 date and time; default now."
            )
        ],
        responses={200: DueSerializer},
    )
    def get(self, request):
        # A plain dict, so that an empty `at=` is refused like any date that is not one (a QueryDict
        # would have DRF read it as left out).
        params = DueQuerySerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        items = services.due_items(user=request.user, at=params.validated_data.get("at") or timezone.now())
        return Response({"count": len(items), "results": DueItemSerializer(items, many=True).data})


class PracticeView(APIView):
    """Start a self-assessment of the questions holding due keypoints, weakest first, up to today's maximum."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="reviews_practice",
        request=None,
        responses={
            201: SessionCreatedSerializer,
            409: OpenApiResponse(DetailSerializer, description="Nothing is due, or today's maximum is reached."),
        },
    )
    def post(self, request):
        session = services.practice_start(user=request.user)
        body = {"id": session.pk, "mode": session.mode, "status": session.status}
        return Response({**body, "invite_url": None, "invite_token": None}, status=status.HTTP_201_CREATED)


class AnkiExportView(APIView):
    """The questions you practised as an Anki deck (.apkg): prompt in front, rubric with your last marks behind."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="export_anki",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="An .apkg")},
    )
    def get(self, request):
        return anki_response(request.user)


class ArchiveExportView(APIView):
    """Everything you own as one JSON archive; its question documents are what the set import reads."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="export_archive", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return archive_response(request.user)


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class AccountView(APIView):
    """Delete your account. Sessions with other people stay for them, showing you as "former user"."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="account_delete",
        request=AccountDeleteSerializer,
        responses={
            204: None,
            400: OpenApiResponse(description="`password` is wrong or missing; nothing is deleted."),
            409: OpenApiResponse(DetailSerializer, description="You are a team's only manager."),
        },
    )
    def delete(self, request):
        params = AccountDeleteSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.account_delete(user=request.user, password=params.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)

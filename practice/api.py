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

from sessions.api import DetailSerializer, SessionCreatedSerializer
from sessions.models import MarkValue

from . import services
from .models import ItemState


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
        params = DueQuerySerializer(data=request.query_params)
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

"""POST /api/questions/{id}/suggest/: suggestions for one written answer to one question."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from questions.models import Question

from . import Keypoint, suggest

MAX_ANSWER = 50_000


class SuggestInput(serializers.Serializer):
    answer = serializers.CharField(max_length=MAX_ANSWER, allow_blank=True, trim_whitespace=False)


class EvidenceOutput(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()


class SuggestionOutput(serializers.Serializer):
    keypoint = serializers.IntegerField(help_text="The keypoint's id.")
    position = serializers.IntegerField()
    text = serializers.CharField()
    verdict = serializers.ChoiceField(
        choices=[("covered", "Covered"), ("partial", "Partly covered"), ("missed", "Missed")]
    )
    confidence = serializers.FloatField(min_value=0, max_value=1)
    evidence = EvidenceOutput(many=True, help_text="answer[start:end] == text; empty when missed.")


SuggestOutput = inline_serializer(
    "SuggestOutput", {"question": serializers.IntegerField(), "suggestions": SuggestionOutput(many=True)}
)
ERROR = OpenApiResponse(description='{"detail": "..."} or {"answer": ["..."]}')


def suggestions_for(question, answer: str) -> list[dict]:
    """The suggestion for each keypoint of the question, as the API and the rooms show them."""
    keypoints = [
        Keypoint(kp.position, kp.text, kp.evidence or [], kp.contradicts or [], id=kp.pk, weight=kp.weight)
        for kp in question.keypoints.all()
    ]
    return [
        {
            "keypoint": s.keypoint.id,
            "position": s.keypoint.position,
            "text": s.keypoint.text,
            "verdict": s.verdict,
            "confidence": s.confidence,
            "evidence": s.evidence,
        }
        for s in suggest(answer, keypoints, prompt=question.prompt, reference=question.reference_answer)
    ]


class SuggestView(APIView):
    """Which keypoints a written answer covered, with the passage that shows each: a suggestion
    for a person to accept or override, never a mark by itself."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "suggestions"

    @extend_schema(
        request=SuggestInput,
        responses={200: SuggestOutput, 400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 429: ERROR},
        operation_id="questions_suggest",
    )
    def post(self, request, pk):
        question = get_object_or_404(Question.objects.for_user(request.user), pk=pk)
        if not Question.objects.rubric_readable_by(request.user).filter(pk=pk).exists():
            raise PermissionDenied(
                "This question is in an interview you are taking: its rubric opens when the interview ends."
            )
        data = SuggestInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            {"question": question.pk, "suggestions": suggestions_for(question, data.validated_data["answer"])}
        )

from django.db.models import Count, Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from common.fields import StrictCharField
from common.paging import OneQueryPaginator
from teams.models import Team

from . import rules, services
from .models import Difficulty, Question, QuestionSet, QuestionSetItem, RubricKeypoint, Tag, Visibility
from .rows import listed


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["slug", "name"]


class KeypointSerializer(serializers.ModelSerializer):
    class Meta:
        model = RubricKeypoint
        fields = ["id", "text", "weight", "position"]


class QuestionListSerializer(serializers.ModelSerializer):
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")

    class Meta:
        model = Question
        fields = ["id", "slug", "prompt", "difficulty", "tags"]


class QuestionDetailSerializer(QuestionListSerializer):
    keypoints = KeypointSerializer(many=True, read_only=True)

    class Meta(QuestionListSerializer.Meta):
        fields = [
            *QuestionListSerializer.Meta.fields,
            "context",
            "reference_answer",
            "keypoints",
            "visibility",
            "team",
        ]


class TeamField(serializers.IntegerField):
    """A team id, resolved among the caller's own teams; another team answers 404 naming the field,
    as anything not yours to see does (the schema can say the id is an integer, not whose it is)."""

    def to_internal_value(self, data):
        pk = super().to_internal_value(data)
        team = Team.objects.for_user(self.context["request"].user).filter(pk=pk).first()
        if team is None:
            raise NotFound({self.field_name: [f"You are not a member of a team with id {pk}."]})
        return team


class QuestionWriteSerializer(rules.QuestionInputSerializer):
    """A question with its rubric keypoints, and who may see it."""

    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PRIVATE)
    team = TeamField(required=False, allow_null=True, default=None)

    def to_representation(self, question):
        # The browsable API fills its edit form with the question, in the shape this accepts.
        return {**_question_values(question), "team": question.team_id}


class QuestionFilterSerializer(serializers.Serializer):
    """The query parameters of the question list; bad ones answer 400 naming the parameter."""

    difficulty = serializers.ChoiceField(choices=Difficulty.choices, required=False)
    tag = serializers.ListField(child=serializers.SlugField(), required=False)
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    page = serializers.IntegerField(required=False, min_value=1)

    def validate_tag(self, slugs):
        known = set(Tag.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        unknown = [s for s in slugs if s not in known]
        if unknown:
            raise NotFound({"tag": [f"Unknown tag: {', '.join(unknown)}. See /api/tags/ for the list."]})
        return slugs


class StrictPageNumberPagination(PageNumberPagination):
    """A page past the end answers 404 naming `page`, as an unknown tag does. The page and the total
    come in one query (common.paging)."""

    django_paginator_class = OneQueryPaginator

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            raise NotFound({"page": [str(exc.detail)]}) from exc


def _question_values(question):
    return {
        "prompt": question.prompt,
        "context": question.context,
        "difficulty": question.difficulty,
        "tags": [t.slug for t in question.tags.all()],
        "reference_answer": question.reference_answer,
        "visibility": question.visibility,
        "team": question.team,
        "keypoints": [
            {"text": k.text, "weight": k.weight, "evidence": k.evidence, "contradicts": k.contradicts}
            for k in question.keypoints.all()
        ],
    }


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("difficulty", OpenApiTypes.STR, enum=Difficulty.values),
            OpenApiParameter(
                "tag",
                {"type": "array", "items": {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}},
                style="form",
                explode=True,
                description="Tag slug; repeat to require several. An unknown tag answers 404 naming `tag`.",
            ),
            OpenApiParameter(
                "search",
                {"type": "string", "maxLength": 200, "pattern": r"^[^\x00]*$"},
                description="Text search over prompts and keypoints.",
            ),
        ]
    )
)
class QuestionViewSet(viewsets.ModelViewSet):
    """Questions: everyone reads what they may see; owners (and their team's managers) write."""

    pagination_class = StrictPageNumberPagination

    def get_queryset(self):
        qs = Question.objects.for_user(self.request.user)
        if self.action != "list":
            return qs.prefetch_related("tags", "keypoints")
        query = self.request.query_params
        params = QuestionFilterSerializer(
            data={
                **{k: v for k, v in query.items() if k != "tag"},
                **({"tag": query.getlist("tag")} if "tag" in query else {}),
            }
        )
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return (
            qs.with_difficulty(data.get("difficulty"))
            .with_tags(data.get("tag"))
            .search(data.get("search"), user=self.request.user)
        )

    def list(self, request, *args, **kwargs):
        # Each question as the list shows it is the same for everybody: kept in the cache with the
        # page's rows (questions/rows.py); which questions a caller sees is the query, per request.
        # Of each question only what keys its cached item is read; the missing ones are then read whole.
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).only("pk", "updated_at"))
        return self.get_paginated_response(
            listed(page, lambda questions: QuestionListSerializer(questions, many=True).data)
        )

    def get_serializer_context(self):
        # JSON says its types: a number is not text, as the schema says (questions.rules, "strict").
        return {**super().get_serializer_context(), "strict": True}

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return QuestionWriteSerializer
        return QuestionDetailSerializer if self.action == "retrieve" else QuestionListSerializer

    def retrieve(self, request, *args, **kwargs):
        question = self.get_object()
        if not Question.objects.rubric_readable_by(request.user).filter(pk=question.pk).exists():
            raise PermissionDenied(
                "This question is in an interview you are taking: its rubric opens when the interview ends."
            )
        return Response(QuestionDetailSerializer(question).data)

    def _detail(self, question, status_code):
        question = self.get_queryset().get(pk=question.pk)
        return Response(QuestionDetailSerializer(question).data, status=status_code)

    @extend_schema(request=QuestionWriteSerializer, responses={201: QuestionDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.question_create(owner=request.user, **data.validated_data)
        return self._detail(question, status.HTTP_201_CREATED)

    @extend_schema(request=QuestionWriteSerializer, responses={200: QuestionDetailSerializer})
    def update(self, request, *args, partial=False, **kwargs):
        question = self.get_object()
        if not services.can_change(request.user, question):
            raise services.PermissionDenied("Only the owner or a manager of its team may change this question.")
        data = self.get_serializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = {**_question_values(question), **data.validated_data} if partial else data.validated_data
        question = services.question_update(question=question, by=request.user, **values)
        return self._detail(question, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        services.question_delete(question=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TagViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Tag.objects.all()
    serializer_class = TagSerializer
    lookup_field = "slug"
    pagination_class = None


class QuestionSetSerializer(serializers.ModelSerializer):
    question_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = QuestionSet
        fields = ["id", "title", "description", "visibility", "team", "minutes_per_question", "question_count"]


class QuestionSetDetailSerializer(QuestionSetSerializer):
    questions = serializers.SerializerMethodField()

    class Meta(QuestionSetSerializer.Meta):
        fields = [f for f in QuestionSetSerializer.Meta.fields if f != "question_count"] + ["questions"]

    @extend_schema_field(QuestionListSerializer(many=True))
    def get_questions(self, obj) -> list[dict]:
        return QuestionListSerializer([item.question for item in obj.visible_items], many=True).data


class QuestionSetWriteSerializer(serializers.Serializer):
    title = StrictCharField(max_length=rules.MAX_TITLE)
    description = StrictCharField(required=False, allow_blank=True, default="")
    questions = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    minutes_per_question = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=rules.MAX_MINUTES
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PRIVATE)
    team = TeamField(required=False, allow_null=True, default=None)

    def to_representation(self, qset):
        # The browsable API fills its edit form with the set, in the shape this accepts.
        return {
            "title": qset.title,
            "description": qset.description,
            "questions": list(qset.items.order_by("position").values_list("question_id", flat=True)),
            "minutes_per_question": qset.minutes_per_question,
            "visibility": qset.visibility,
            "team": qset.team_id,
        }


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=rules.MAX_TITLE)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PRIVATE)
    # Omitted for none: a multipart form cannot say null.
    team = TeamField(required=False, default=None)


class QuestionSetViewSet(viewsets.ModelViewSet):
    def get_queryset(self):
        qs = QuestionSet.objects.for_user(self.request.user)
        if self.action == "list":
            return qs.annotate(question_count=Count("items")).order_by(*QuestionSet.LIST_ORDER)
        items = (
            QuestionSetItem.objects.filter(question__in=Question.objects.for_user(self.request.user))
            .select_related("question")
            .prefetch_related("question__tags")
            .order_by("position")
        )
        return qs.prefetch_related(Prefetch("items", queryset=items, to_attr="visible_items"))

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return QuestionSetWriteSerializer
        if self.action == "import_file":
            return ImportSerializer
        return QuestionSetDetailSerializer if self.action != "list" else QuestionSetSerializer

    def _detail(self, qset, status_code):
        return Response(QuestionSetDetailSerializer(self.get_queryset().get(pk=qset.pk)).data, status=status_code)

    @extend_schema(request=QuestionSetWriteSerializer, responses={201: QuestionSetDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        qset = services.set_create(owner=request.user, question_ids=values.pop("questions"), **values)
        return self._detail(qset, status.HTTP_201_CREATED)

    @extend_schema(request=QuestionSetWriteSerializer, responses={200: QuestionSetDetailSerializer})
    def update(self, request, *args, partial=False, **kwargs):
        qset = self.get_object()
        if not services.can_change(request.user, qset):
            raise services.PermissionDenied("Only the owner or a manager of its team may change this set.")
        data = self.get_serializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if partial:
            current = {
                "title": qset.title,
                "description": qset.description,
                "minutes_per_question": qset.minutes_per_question,
                "visibility": qset.visibility,
                "team": qset.team,
            }
            values = {**current, **values}
        services.set_update(qset=qset, by=request.user, question_ids=values.pop("questions", None), **values)
        return self._detail(qset, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        services.set_delete(qset=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "yaml", "csv"])],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        from . import transfer

        fmt = request.query_params.get("format", "json")
        if fmt not in ("json", "yaml", "csv"):
            raise ValidationError({"format": ["Choose json, yaml or csv."]})
        content, content_type, filename = transfer.export_set(self.get_object(), user=request.user, fmt=fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={201: inline_serializer("ImportResult", {"id": serializers.IntegerField()})},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser],
        permission_classes=[IsAuthenticated],
    )
    def import_file(self, request):
        from . import transfer

        data = ImportSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            parsed = transfer.read_upload(upload, title=data.validated_data.get("title") or None)
            qset = transfer.import_set(
                owner=request.user,
                data=parsed,
                visibility=data.validated_data["visibility"],
                team=data.validated_data["team"],
            )
        except transfer.TransferError as error:
            return Response({"errors": error.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"id": qset.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: inline_serializer("CloneResult", {"id": serializers.IntegerField()})})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def clone(self, request, pk=None):
        copy = services.set_clone(qset=self.get_object(), by=request.user)
        return Response({"id": copy.pk}, status=status.HTTP_201_CREATED)

from django.db.models import Count, Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from .models import Difficulty, Question, QuestionSet, QuestionSetItem, RubricKeypoint, Tag


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
        fields = [*QuestionListSerializer.Meta.fields, "context", "reference_answer", "keypoints"]


class QuestionFilterSerializer(serializers.Serializer):
    """The query parameters of the question list; bad ones answer 400 naming the parameter."""

    difficulty = serializers.ChoiceField(choices=Difficulty.values, required=False)
    tag = serializers.ListField(child=serializers.SlugField(), required=False)
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    page = serializers.IntegerField(required=False, min_value=1)

    def validate_tag(self, slugs):
        known = set(Tag.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        unknown = [s for s in slugs if s not in known]
        if unknown:
            raise ValidationError(f"Unknown tag: {', '.join(unknown)}. See /api/tags/ for the list.")
        return slugs


class StrictPageNumberPagination(PageNumberPagination):
    """A page past the end answers 400 naming `page`, like every other bad parameter."""

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            raise ValidationError({"page": [str(exc.detail)]}) from exc


@extend_schema(
    parameters=[
        OpenApiParameter("difficulty", OpenApiTypes.STR, enum=Difficulty.values),
        OpenApiParameter("tag", OpenApiTypes.STR, many=True, description="Tag slug; repeat to require several."),
        OpenApiParameter("search", OpenApiTypes.STR, description="Text search over prompts and keypoints."),
    ]
)
class QuestionViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = StrictPageNumberPagination

    def get_queryset(self):
        qs = Question.objects.for_user(self.request.user).prefetch_related("tags")
        if self.action == "retrieve":
            return qs.prefetch_related("keypoints")
        params = QuestionFilterSerializer(
            data={
                **{k: v for k, v in self.request.query_params.items() if k != "tag"},
                **({"tag": self.request.query_params.getlist("tag")} if "tag" in self.request.query_params else {}),
            }
        )
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return qs.with_difficulty(data.get("difficulty")).with_tags(data.get("tag")).search(data.get("search"))

    def get_serializer_class(self):
        return QuestionDetailSerializer if self.action == "retrieve" else QuestionListSerializer


class TagViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Tag.objects.all()
    serializer_class = TagSerializer
    lookup_field = "slug"
    pagination_class = None


class QuestionSetSerializer(serializers.ModelSerializer):
    question_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = QuestionSet
        fields = ["id", "title", "description", "visibility", "minutes_per_question", "question_count"]


class QuestionSetDetailSerializer(QuestionSetSerializer):
    questions = serializers.SerializerMethodField()

    class Meta(QuestionSetSerializer.Meta):
        fields = [f for f in QuestionSetSerializer.Meta.fields if f != "question_count"] + ["questions"]

    @extend_schema_field(QuestionListSerializer(many=True))
    def get_questions(self, obj) -> list[dict]:
        return QuestionListSerializer([item.question for item in obj.visible_items], many=True).data


class QuestionSetViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        qs = QuestionSet.objects.for_user(self.request.user)
        if self.action == "retrieve":
            items = (
                QuestionSetItem.objects.filter(question__in=Question.objects.for_user(self.request.user))
                .select_related("question")
                .prefetch_related("question__tags")
                .order_by("position")
            )
            return qs.prefetch_related(Prefetch("items", queryset=items, to_attr="visible_items"))
        return qs.annotate(question_count=Count("items")).order_by(*QuestionSet.LIST_ORDER)

    def get_serializer_class(self):
        return QuestionSetDetailSerializer if self.action == "retrieve" else QuestionSetSerializer

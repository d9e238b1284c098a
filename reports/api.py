from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from questions.models import QuestionSet

from . import services
from .models import Kind, Period, Report, ReportStatus
from .views import DOWNLOADS, report_download


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    period = serializers.ChoiceField(
        choices=Period.choices, required=False, help_text="Default: 30d for a progress report, all for a hiring report."
    )
    question_set = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        if attrs["kind"] == Kind.QUESTION_SET:
            pk = attrs.get("question_set")
            if not pk:
                raise ValidationError({"question_set": ["Give the id of a team question set you can see."]})
            qset = QuestionSet.objects.for_user(self.context["request"].user).filter(pk=pk).first()
            if qset is None:
                # Not yours to see: 404 naming the field, as everywhere in the API.
                raise NotFound({"question_set": ["Give the id of a team question set you can see."]})
            attrs["question_set"] = qset
        else:
            attrs.pop("question_set", None)
        return attrs


class NewProgressReport(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[Kind.PROGRESS.value])
    period = serializers.ChoiceField(choices=Period.choices, required=False, help_text="Default: 30d.")


class NewHiringReport(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[Kind.QUESTION_SET.value])
    period = serializers.ChoiceField(choices=Period.choices, required=False, help_text="Default: all.")
    question_set = serializers.IntegerField(min_value=1, help_text="A team question set you manage.")


# What a report request may hold, by kind: the schema says a hiring report needs its question set.
REPORT_REQUEST = PolymorphicProxySerializer(
    component_name="ReportRequest",
    serializers={Kind.PROGRESS.value: NewProgressReport, Kind.QUESTION_SET.value: NewHiringReport},
    resource_type_field_name="kind",
)


class ReportSerializer(serializers.ModelSerializer):
    data = serializers.SerializerMethodField(
        help_text=(
            "The report's figures once it is ready, else null; each kind's shape is in docs/reports.md. "
            "A progress report's `reviews` is the review queue when it was built: `due` (now, today, "
            "next_7_days, next_30_days), `by_day` (31 days from today), `retention` (reviews, covered, share, "
            "desired) and `weakest_tags`."
        )
    )

    class Meta:
        model = Report
        fields = ["id", "kind", "period", "question_set", "status", "created_at", "finished_at", "data"]

    def get_data(self, report) -> dict | None:
        return report.data_for(self.context["request"].user) if report.status == ReportStatus.READY else None


class ReportCreatedSerializer(serializers.Serializer):
    """What a report request answers at once: the report is built in the background; poll its id."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)


class ReportViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ReportSerializer

    def get_queryset(self):
        return Report.objects.for_user(self.request.user)

    @extend_schema(request=REPORT_REQUEST, responses={201: ReportCreatedSerializer})
    def create(self, request, *args, **kwargs):
        params = ReportRequestSerializer(data=request.data, context={"request": request})
        params.is_valid(raise_exception=True)
        report = services.report_request(user=request.user, **params.validated_data)
        return Response({"id": report.pk, "status": report.status}, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=list(DOWNLOADS))],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        report = self.get_object()
        fmt = request.query_params.get("format", "csv")
        if fmt not in DOWNLOADS:
            raise ValidationError({"format": ["Choose csv or pdf."]})
        if report.status != ReportStatus.READY:
            return Response({"detail": "The report is not ready yet."}, status=status.HTTP_409_CONFLICT)
        return report_download(report, fmt, request.user)

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import obtain_token
from calibration import api as calibration_api
from practice import api as practice_api
from questions import api as questions_api
from questions.suggest.api import SuggestView
from reports import api as reports_api
from sessions import api as sessions_api
from teams import api as teams_api

from . import views

router = DefaultRouter()
router.register("questions", questions_api.QuestionViewSet, basename="question")
router.register("tags", questions_api.TagViewSet, basename="tag")
router.register("question-sets", questions_api.QuestionSetViewSet, basename="question-set")
router.register("teams", teams_api.TeamViewSet, basename="team")
router.register("sessions", sessions_api.SessionViewSet, basename="session")
router.register("reports", reports_api.ReportViewSet, basename="report")
router.register("drills", calibration_api.DrillViewSet, basename="drill")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("", include("questions.urls")),
    path("teams/", include("teams.urls")),
    path("sessions/", include("sessions.urls")),
    path("reports/", include("reports.urls")),
    path("practice/", include("practice.urls")),
    path("calibration/", include("calibration.urls")),
    path("api/auth/token/", obtain_token, name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/questions/<int:pk>/suggest/", SuggestView.as_view(), name="question-suggest"),
    path("api/reviews/due/", practice_api.DueView.as_view(), name="reviews-due"),
    path("api/reviews/practice/", practice_api.PracticeView.as_view(), name="reviews-practice"),
    path("api/export/anki/", practice_api.AnkiExportView.as_view(), name="export-anki"),
    path("api/export/archive/", practice_api.ArchiveExportView.as_view(), name="export-archive"),
    path("api/account/", practice_api.AccountView.as_view(), name="account"),
    path("api/", include(router.urls)),
    path("admin/", admin.site.urls),
]

if settings.BENCH_CEILING:  # `make bench` only: the ceiling the pages are measured against

    def _bench_ceiling(request):
        return HttpResponse("ok", content_type="text/plain")

    urlpatterns.append(path("bench/ceiling/", _bench_ceiling))

handler404 = "interviewprep.views.not_found"
handler500 = "interviewprep.views.server_error"

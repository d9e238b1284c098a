from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from questions.models import QuestionSet

from . import csv_export, pdf, queries, services
from .forms import PreferenceForm, ProgressRequestForm
from .models import Kind, Report, ReportStatus

DOWNLOADS = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    """My progress: ask for a report, see the ones asked for."""
    form = ProgressRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = services.report_request(user=request.user, kind=Kind.PROGRESS, period=form.cleaned_data["period"])
        messages.success(request, "Report requested. It is built in the background; this page updates by itself.")
        return redirect(report)
    reports = Report.objects.for_user(request.user).select_related("question_set")[:20]
    preference = PreferenceForm(initial={"weekly_email": services.weekly_email_enabled(request.user)})
    return render(request, "reports/mine.html", {"form": form, "reports": reports, "preference": preference})


@login_required
@require_POST
def preferences(request):
    form = PreferenceForm(request.POST)
    form.is_valid()
    services.set_weekly_email(user=request.user, enabled=form.cleaned_data.get("weekly_email", False))
    messages.success(
        request,
        "Weekly e-mails are on." if form.cleaned_data.get("weekly_email") else "Weekly e-mails are off.",
    )
    return redirect("reports:mine")


@login_required
@require_POST
def request_for_set(request, set_pk):
    qset = get_object_or_404(QuestionSet.objects.for_user(request.user), pk=set_pk)
    try:
        period = request.POST.get("period") or None  # all time unless the form chose a period
        report = services.report_request(user=request.user, kind=Kind.QUESTION_SET, question_set=qset, period=period)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(qset)
    messages.success(request, "Hiring report requested. This page updates by itself.")
    return redirect(report)


@login_required
@require_safe
@never_cache
def detail(request, pk):
    report = get_object_or_404(Report.objects.for_user(request.user).select_related("question_set__team"), pk=pk)
    if request.htmx and request.GET.get("since"):
        # The status poll: nothing changed is an empty 204; a change reloads the page.
        if report.status == request.GET["since"]:
            return HttpResponse(status=204)
        return HttpResponseClientRefresh()
    context = {
        "report": report,
        "data": report.data_for(request.user),
        # "Practise these" / "Practise what I missed": start a self-assessment from one's own report.
        "practise_forms": report.kind == Kind.PROGRESS and report.user_id == request.user.pk,
    }
    response = render(request, "reports/detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_safe
def download(request, pk):
    report = get_object_or_404(Report.objects.for_user(request.user), pk=pk)
    fmt = request.GET.get("format", "csv")
    if fmt not in DOWNLOADS:
        return HttpResponse("Choose format=csv or format=pdf.", status=400, content_type="text/plain")
    if report.status != ReportStatus.READY:
        return HttpResponse("The report is not ready yet.", status=409, content_type="text/plain")
    return report_download(report, fmt, request.user)


def report_download(report, fmt, user):
    """A ready report as a file for ``user``: the page's download and the API's.

    The progress CSV streams, a piece at a time, as its rows are read. The PDF is the one the
    build stored, unless this user may not see all of the report's data now (a rubric closed to
    them) or it was built before builds stored one: then it is rendered here, for them.
    """
    stem = f"{report.kind.replace('_', '-')}-report-{report.pk}"
    if fmt == "pdf":
        data = report.data_for(user)
        content = report.pdf if data == report.data else None
        response = HttpResponse(bytes(content) if content else pdf.pdf_bytes(data), content_type=DOWNLOADS[fmt])
    elif report.kind == Kind.PROGRESS:
        now = timezone.now()  # the width and the rows over the same period
        widest = queries.progress_keypoint_width(report.user, report.period, now=now, viewer=user)
        rows = queries.progress_answer_rows(report.user, report.period, now=now, viewer=user)
        response = StreamingHttpResponse(csv_export.csv_chunks(rows, widest), content_type=DOWNLOADS[fmt])
    else:
        response = HttpResponse(csv_export.question_set_csv_bytes(report.data), content_type=DOWNLOADS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@login_required
@require_POST
def retry(request, pk):
    report = get_object_or_404(Report.objects.for_user(request.user), pk=pk)
    if report.status != ReportStatus.FAILED:
        raise Http404("Only a failed report can be tried again.")
    services.report_retry(report=report, by=request.user)
    messages.success(request, "Trying again.")
    return redirect(report)

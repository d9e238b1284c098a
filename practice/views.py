from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.refusals import Conflict

from . import exports, services
from .forms import AccountDeleteForm, ItemSuspendForm, ProfileForm, TagSuspendForm
from .models import ReviewItem


def _page(request, *, profile_form=None, tag_form=None, status=200):
    summary = services.queue_summary(user=request.user)
    profile = summary["profile"]
    context = {
        **summary,
        "shown": summary["items"][:50],
        "forecast": services.forecast(user=request.user),
        "profile_form": profile_form or ProfileForm(instance=profile),
        "tag_form": tag_form or TagSuspendForm(),
        "suspended_tags": list(profile.suspended_tags.all()) if profile.pk else [],
        "suspended_items": list(
            ReviewItem.objects.for_user(request.user)
            .filter(suspended=True)
            .select_related("keypoint", "question")
            .order_by("question_id", "keypoint__position")[:100]
        ),
    }
    return render(request, "practice/queue.html", context, status=status)


@login_required
@require_safe
def queue(request):
    """The practice page; asked by htmx (the home page's "Practice due"), only what is due now."""
    if request.htmx:
        response = render(request, "practice/queue.html#due", services.queue_summary(user=request.user))
    else:
        response = _page(request)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def start(request):
    try:
        session = services.practice_start(user=request.user)
    except Conflict as refusal:
        messages.error(request, str(refusal))
        return redirect("practice:queue")
    messages.success(request, f"Practice started: {session.question_count} questions with keypoints due.")
    return redirect("sessions:room", pk=session.pk)


@login_required
@require_POST
def profile(request):
    form = ProfileForm(request.POST, instance=services.profile_of(request.user))
    if form.is_valid():
        try:
            services.profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Practice settings saved.")
            return redirect("practice:queue")
    return _page(request, profile_form=form, status=400)


@login_required
@require_POST
def tag_suspend(request):
    form = TagSuspendForm(request.POST)
    if not form.is_valid():
        return _page(request, tag_form=form, status=400)
    tag, suspended = form.cleaned_data["tag"], form.cleaned_data["suspended"]
    services.tag_suspend(user=request.user, tag=tag, suspended=suspended)
    messages.success(request, f"{tag.name}: {'suspended' if suspended else 'back in practice'}.")
    return redirect("practice:queue")


@login_required
@require_POST
def item_suspend(request, pk):
    form = ItemSuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose to suspend or resume the keypoint.")
        return redirect("practice:queue")
    try:
        services.item_suspend(user=request.user, item_id=pk, suspended=form.cleaned_data["suspended"])
    except ReviewItem.DoesNotExist:
        raise Http404("No such review item.") from None
    messages.success(request, "Keypoint suspended." if form.cleaned_data["suspended"] else "Keypoint back in practice.")
    return redirect("practice:queue")


# --- your data -------------------------------------------------------------------------------------


def anki_response(user):
    response = HttpResponse(exports.anki_deck(user), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="interviewprep-{user.pk}.apkg"'
    return response


def archive_response(user):
    response = JsonResponse(exports.archive(user), encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="interviewprep-{user.pk}.json"'
    return response


@login_required
@require_safe
def export_anki(request):
    return anki_response(request.user)


@login_required
@require_safe
def export_archive(request):
    return archive_response(request.user)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except Conflict as refusal:
            form.add_error(None, str(refusal))
        else:
            logout(request)
            messages.success(request, "Your account is deleted.")
            return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "practice/account_delete.html", {"form": form}, status=status)

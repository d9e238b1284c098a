from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from . import services, timezones
from .forms import SignUpForm, TimeZoneForm


def _next_url(request) -> str:
    """Where to go after signing up (an invite link, say), if it is a page of this site; else ""."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if safe else ""


@require_http_methods(["GET", "POST"])
def signup(request):
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}. Your account is ready.")
        return redirect(next_url or "home")
    context = {"form": form, "next": next_url}
    return render(request, "registration/signup.html", context, status=400 if form.errors else 200)


def lockout(request, original_response=None, credentials=None):
    """What a locked-out login sees: JSON for the API, a page for people."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    message = f"Too many failed log-in attempts. Try again in {minutes} minutes, or reset your password."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """The user's own settings: their time zone."""
    current = timezones.name_of(request.user)
    form = TimeZoneForm(request.POST or None, initial={"time_zone": current or "UTC"})
    if request.method == "POST" and form.is_valid():
        services.time_zone_set(user=request.user, time_zone=form.cleaned_data["time_zone"])
        messages.success(request, f"Times are now shown in {form.cleaned_data['time_zone']}.")
        return redirect("account_settings")
    context = {
        "form": form,
        "zones": timezones.names(),
        "selected": form.data.get("time_zone", current or "UTC") if form.is_bound else current or "UTC",
        "now": timezone.now(),
    }
    return render(request, "accounts/account.html", context, status=400 if form.errors else 200)


@require_POST
def time_zone_from_browser(request):
    """The browser's time zone on a first visit (static/js/app.js); a zone the user chose is kept."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Log in first."}, status=403)
    try:
        profile = services.time_zone_set(
            user=request.user, time_zone=request.POST.get("time_zone", ""), only_if_unset=True
        )
    except ValidationError as error:
        return JsonResponse(error.message_dict, status=400)
    return JsonResponse({"time_zone": profile.time_zone})

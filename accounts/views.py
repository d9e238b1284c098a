from django.contrib import messages
from django.contrib.auth import login
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .forms import SignUpForm


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

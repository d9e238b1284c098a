"""Finding a partner: open "looking for a peer mock" requests, posting one, accepting, withdrawing.

One page and one address: a POST says what it does with ``action`` (post, accept, withdraw).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from questions.models import Tag

from .. import services
from ..forms import PartnerRequestForm
from ..models import PartnerRequest


def _request_id(request):
    try:
        return int(request.POST.get("request", ""))
    except ValueError:
        return 0


@login_required
@require_http_methods(["GET", "POST"])
def partners(request):
    action = request.POST.get("action", "post") if request.method == "POST" else None
    form = PartnerRequestForm(request.POST if action == "post" else None)
    if action == "accept":
        try:
            session = services.partner_request_accept(
                request_id=_request_id(request), by=request.user, slot=request.POST.get("slot", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("sessions:partners")
        messages.success(request, "Accepted. You both have an e-mail with a calendar file.")
        return redirect("sessions:room", pk=session.pk)
    if action == "withdraw":
        services.partner_request_withdraw(request_id=_request_id(request), by=request.user)
        messages.success(request, "Your request is withdrawn.")
        return redirect("sessions:partners")
    status = 200
    if action == "post":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.partner_request_create(
                    by=request.user,
                    topics=[t.slug for t in data["topics"]],
                    difficulty=data["difficulty"],
                    slots=form.slots(),
                    note=data["note"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Posted. You will get an e-mail when someone accepts.")
                return redirect("sessions:partners")
        status = 400
    rows = list(PartnerRequest.objects.open().select_related("poster").order_by("created_at", "pk"))
    names = dict(Tag.objects.filter(slug__in={s for r in rows for s in r.topics}).values_list("slug", "name"))
    for row in rows:
        row.topic_names = [names.get(s, s) for s in row.topics]
        row.times = list(zip(row.slots, row.slot_times(), strict=True))
    context = {
        "form": form,
        "others": [r for r in rows if r.poster_id != request.user.pk],
        "mine": [r for r in rows if r.poster_id == request.user.pk],
        "zone_name": str(timezone.get_current_timezone()),
    }
    return render(request, "sessions/partners.html", context, status=status)

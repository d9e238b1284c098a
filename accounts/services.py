"""Writes about a user's own account."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Profile
from .timezones import is_valid


@transaction.atomic
def time_zone_set(*, user, time_zone: str, only_if_unset: bool = False) -> Profile:
    """Set the user's time zone (an IANA name). With ``only_if_unset``, keep one already chosen:
    the browser's guess on a first visit never overrides the user's own choice."""
    time_zone = (time_zone or "").strip()
    if not is_valid(time_zone):
        raise ValidationError({"time_zone": "Pick a time zone from the list, such as Europe/Berlin."})
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    if only_if_unset and profile.time_zone:
        return profile
    if profile.time_zone != time_zone:
        profile.time_zone = time_zone
        profile.save(update_fields=["time_zone"])
    return profile

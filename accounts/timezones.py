"""Time zones: which names we accept, and each user's, activated per request.

Times are stored in UTC. ``TimeZoneMiddleware`` activates the signed-in user's zone, so templates
and forms show and read times in it. The zone is looked up only when a time is actually shown or
read (``UserZone`` is lazy), so pages without times run no extra query, and the middleware does
not load the user either.
"""

import zoneinfo
from datetime import UTC, tzinfo
from functools import cache

from django.contrib.auth import SESSION_KEY
from django.utils import timezone


@cache
def names() -> list[str]:
    """Every IANA zone name this machine knows, sorted (what the account page offers)."""
    return sorted(zoneinfo.available_timezones())


def is_valid(name: str) -> bool:
    return bool(name) and name in set(names())


def zone(name: str | None) -> tzinfo:
    """The zone of that name, UTC for an empty or unknown one."""
    if is_valid(name or ""):
        return zoneinfo.ZoneInfo(name)
    return UTC


def name_of(user) -> str:
    """The user's time zone name, "" while they have none (one query)."""
    from .models import Profile

    if not getattr(user, "is_authenticated", False):
        return ""
    if hasattr(user, "cached_time_zone"):  # read with the user from the cache (accounts.signed_in)
        return user.cached_time_zone
    return Profile.objects.filter(user=user).values_list("time_zone", flat=True).first() or ""


def zone_of(user) -> tzinfo:
    return zone(name_of(user))


class UserZone(tzinfo):
    """A user's zone, read from the database the first time it is needed."""

    def __init__(self, user):
        self._user = user
        self._zone = None

    def _get(self) -> tzinfo:
        if self._zone is None:
            self._zone = zone_of(self._user)
        return self._zone

    def utcoffset(self, dt):
        return self._get().utcoffset(dt.replace(tzinfo=self._get()) if dt is not None else None)

    def dst(self, dt):
        return self._get().dst(dt.replace(tzinfo=self._get()) if dt is not None else None)

    def tzname(self, dt):
        return self._get().tzname(dt.replace(tzinfo=self._get()) if dt is not None else None)

    def fromutc(self, dt):
        return self._get().fromutc(dt.replace(tzinfo=self._get()))

    def __str__(self):
        return str(getattr(self._get(), "key", "UTC"))

    def __repr__(self):
        return f"UserZone({self})"


class TimeZoneMiddleware:
    """Activate the signed-in user's time zone for the request (UTC for everyone else)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Asking ``user.is_authenticated`` here would load the user before every view, even one that
        # never needs it (the live room's poll). Only a session that names a user can sign one in;
        # for those the zone is activated unresolved, and ``UserZone`` asks (UTC if nobody is signed in).
        user = getattr(request, "user", None)
        if user is not None and SESSION_KEY in getattr(request, "session", {}):
            timezone.activate(UserZone(user))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

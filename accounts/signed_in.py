"""The signed-in user from the cache, and their id alone for a view that needs nothing else (the live room's poll).

Django's ``AuthenticationMiddleware`` loads the user (one query) the first time a request asks
``request.user``. It signs in the user the session names if that user still exists and is active
(``ModelBackend``) and the session's hash is the user's current one (it changes with the password).
``user_id`` asks the same of a small stamp cached per user (``common.cached``), which is forgotten
whenever the user is saved or deleted; whenever it cannot tell, ``request.user`` decides as always.

``CachedAuthenticationMiddleware`` gives every other view its ``request.user`` the same way: the
user as ``ModelBackend`` loads it, and their time zone, are cached per user (forgotten whenever the
user or their profile is saved or deleted) and read in one cache round trip instead of two queries;
Django's own ``get_user`` decides whenever the cache cannot (see ``_signed_in``).
"""

from __future__ import annotations

import copy
from functools import wraps

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth import get_user as django_get_user
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_required
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from common import cached

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def stamp_key(user_id) -> str:
    return f"signed-in:{user_id}"


def user_key(user_id) -> str:
    return f"signed-in-user:{user_id}"


def time_zone_key(user_id) -> str:
    return f"time-zone:{user_id}"


def _loaders(user_id) -> dict:
    """The cached stamp, user and time zone of ``user_id``, loaded (when the cache misses any) by one
    query, as Django's ``get_user`` would load the user. The user is kept without the password hash,
    which stays out of the cache: Django reads it from the database if something asks for it."""
    from .models import Profile

    loaded = []

    def row():
        if not loaded:
            zone = Profile.objects.filter(user_id=OuterRef("pk")).values("time_zone")[:1]
            user = get_user_model()._default_manager.filter(pk=user_id).annotate(_zone=Subquery(zone)).first()
            loaded.append(user if user is not None and ModelBackend().user_can_authenticate(user) else None)
        return loaded[0]

    def stamp():
        return row().get_session_auth_hash() if row() is not None else None

    def user():
        if row() is None:
            return None
        kept = copy.copy(row())
        del kept.__dict__["password"]  # deferred: read again only when asked for
        del kept.__dict__["_zone"]
        return kept

    def zone():
        return (row()._zone or "") if row() is not None else ""

    return {stamp_key(user_id): stamp, user_key(user_id): user, time_zone_key(user_id): zone}


def _named(session) -> tuple | None:
    """(user id, session hash) of the user a session signs in through ``ModelBackend``; None for any other."""
    try:
        found = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
        backend = session[BACKEND_SESSION_KEY]
    except (KeyError, ValidationError):
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    if backend != MODEL_BACKEND or backend not in settings.AUTHENTICATION_BACKENDS or not session_hash:
        return None
    return found, session_hash


def _signed_in(request):
    """``django.contrib.auth.get_user(request)``, with the user (and their time zone, left on the user as
    ``cached_time_zone``) read from the cache, and the session hash checked against the cached stamp.
    Django's function decides whenever the session does not name an active user of ``ModelBackend``
    with the user's current session hash, and whenever the cache is away: it then logs the session
    out, or renews its hash under a rotated SECRET_KEY, as always."""
    named = _named(request.session)
    if named is None:
        return django_get_user(request)
    found, session_hash = named
    values = cached.read(_loaders(found))
    user, stamp = values[user_key(found)], values[stamp_key(found)]
    if user is None or stamp is None or not constant_time_compare(session_hash, stamp):
        return django_get_user(request)
    user.cached_time_zone = values[time_zone_key(found)]
    return user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's, with ``request.user`` read from the cache (``_signed_in``), still only when asked for."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _signed_in(request))


def user_id(request, also=None):
    """The id of the user ``request.user`` would be, read from the session and the cache; None when
    that needs the database: nobody signed in, another backend, an inactive or deleted user, a
    session hash that is not the user's current one (Django then logs the session out, or renews
    it under a rotated SECRET_KEY), or the cache away. Then ask ``request.user``.

    ``also``: more keys and loaders for ``common.cached.read``, read in the same round trip; their
    values are left in ``request.cached`` (only those read: none when the session names nobody).
    """
    request.cached = {}
    session = getattr(request, "session", None)
    if session is None:
        return None
    named = _named(session)
    if named is None:
        return None
    found, session_hash = named
    key = stamp_key(found)
    request.cached = cached.read({key: _loaders(found)[key], **(also or {})})  # the stamp, as every page loads it
    stamp = request.cached.pop(key)
    if stamp is None or not constant_time_compare(session_hash, stamp):
        return None
    return found


def signed_in_required(view=None, *, also=None):
    """``login_required`` for a view that needs only the user's id, which it finds in ``request.user_id``.

    Known from the session and the cache (``user_id``), the user is not loaded; otherwise
    ``login_required`` decides exactly as before, loading the user. ``also(**view_kwargs)``: cache
    keys and loaders the view wants read in the same round trip (``request.cached``).
    """
    if view is None:
        return lambda view: signed_in_required(view, also=also)

    @wraps(view)
    def with_loaded_user(request, *args, **kwargs):
        request.user_id = request.user.pk
        return view(request, *args, **kwargs)

    checked = login_required(with_loaded_user)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        known = user_id(request, also(**kwargs) if also else None)
        if known is None:
            return checked(request, *args, **kwargs)
        request.user_id = known
        return view(request, *args, **kwargs)

    return wrapper


def forget_user(sender, instance, **kwargs):
    """Connected to the user model's post_save and post_delete (``AccountsConfig.ready``)."""
    cached.forget(stamp_key(instance.pk), user_key(instance.pk))


def forget_time_zone(sender, instance, **kwargs):
    """Connected to the profile's post_save and post_delete (``AccountsConfig.ready``)."""
    cached.forget(time_zone_key(instance.user_id))

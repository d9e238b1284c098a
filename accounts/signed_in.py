"""The signed-in user's id without loading the user, for a view that needs nothing else (the live room's poll).

Django's ``AuthenticationMiddleware`` loads the user (one query) the first time a request asks
``request.user``. It signs in the user the session names if that user still exists and is active
(``ModelBackend``) and the session's hash is the user's current one (it changes with the password).
``user_id`` asks the same of a small stamp cached per user (``common.cached``), which is forgotten
whenever the user is saved or deleted; whenever it cannot tell, ``request.user`` decides as always.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare

from common import cached

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def stamp_key(user_id) -> str:
    return f"signed-in:{user_id}"


def _stamp(user_id) -> str | None:
    """What Django checks when it signs the user in: the session hash of an active user (None otherwise)."""
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None or not user.is_active:
        return None
    return user.get_session_auth_hash()


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
    try:
        found = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
        backend = session[BACKEND_SESSION_KEY]
    except (KeyError, ValidationError):
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    if backend != MODEL_BACKEND or backend not in settings.AUTHENTICATION_BACKENDS or not session_hash:
        return None
    key = stamp_key(found)
    request.cached = cached.read({key: lambda: _stamp(found), **(also or {})})
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
    cached.forget(stamp_key(instance.pk))

"""The address a request came from, as the login throttle (django-axes) counts it."""

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR; behind ``TRUSTED_PROXY_COUNT`` reverse proxies, the address the outermost one saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N
    trusted proxies the client is the N-th entry from the right. Entries further left were
    written by the client and are never trusted; a header shorter than N (a request that did
    not come through the proxies) falls back to REMOTE_ADDR.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]

"""Refusals, mapped to responses in one place.

Services and permission predicates raise:

- ``Http404``: the object does not exist for this user (promise 4: as if it did not exist);
- ``PermissionDenied``: the user sees it but may not do this (403);
- ``django.core.exceptions.ValidationError``: bad input, naming the field (400);
- ``Conflict``: the request does not fit the object's state (409), e.g. finishing twice.

Pages: Django answers 404 and 403 with ``templates/404.html`` and ``templates/403.html`` (the
latter shows the refusal's message); ``RefusalMiddleware`` answers a ``Conflict`` raised by a
page with 409 and its message. The API: ``api_exception_handler`` (DRF's EXCEPTION_HANDLER)
turns the same exceptions into JSON with the same status codes.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(Exception):
    """The request does not fit the object's current state (HTTP 409)."""


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This does not fit the current state."
    default_code = "conflict"


def api_exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Conflict):
        exc = ConflictError(str(exc))
    return drf_exception_handler(exc, context)


class RefusalMiddleware:
    """A ``Conflict`` that reaches a page view's caller answers 409 with its message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Conflict):
            return None
        if request.headers.get("HX-Request"):
            return HttpResponse(str(exception), status=409, content_type="text/plain")
        return render(request, "409.html", {"message": str(exception)}, status=409)

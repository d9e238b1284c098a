"""API authentication: the browser's session, or a token."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, naming the token scheme when the request tried a token.

    DRF answers failed authentication with 401 only when its first authentication class names a
    scheme for `WWW-Authenticate`; the session class names none, so a bad token got 403.
    """

    def authenticate_header(self, request):
        return "Token" if request.META.get("HTTP_AUTHORIZATION") else None


class SessionScheme(OpenApiAuthenticationExtension):
    """The schema names it as drf-spectacular names DRF's own session authentication."""

    target_class = "common.auth.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}

"""What every page's frame (templates/base.html) links to, worked out once per process.

The frame's dozen links and assets were a ``{% url %}`` or ``{% static %}`` each on every page (about
a quarter of a millisecond a page). They depend only on the URL configuration, the static files'
names and the script prefix the app is served under, so they are computed once per prefix.
"""

from functools import cache

from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

NAMES = {
    "home": "home",
    "questions": "questions:list",
    "sets": "questions:set_list",
    "sessions": "sessions:list",
    "partners": "sessions:partners",
    "progress": "reports:mine",
    "teams": "teams:list",
    "password_change": "password_change",
    "logout": "logout",
    "login": "login",
    "signup": "signup",
    "api_docs": "api-docs",
}
ASSETS = {"favicon": "favicon.svg", "css": "css/app.css", "app_js": "js/app.js", "reconnect_js": "js/reconnect.js"}


@cache
def _frame(prefix: str) -> dict:
    links = {key: reverse(name) for key, name in NAMES.items()}
    return {**links, **{key: static(path) for key, path in ASSETS.items()}}


def frame(request):
    return {"frame": _frame(get_script_prefix())}

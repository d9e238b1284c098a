"""What the question pages share: rendering a page or its htmx fragment, form errors from services."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


def _fragment(request, template, partial):
    """The page's template, or only its partial for an htmx request that swaps a fragment."""
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        return f"{template}#{partial}"
    return template


def _render(request, template, context, status=200):
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _done(request, url):
    """Where to go after a successful change: a redirect, which htmx follows as a page load."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _add_errors(form, error: ValidationError, fields_elsewhere=()):
    """Put a service's ValidationError on the form; return errors for fields it does not have."""
    elsewhere = {}
    for field, messages_ in error.message_dict.items():
        if field in fields_elsewhere:
            elsewhere[field] = messages_
        elif field in form.fields:
            form.add_error(field, messages_)
        else:
            form.add_error(None, messages_)
    return elsewhere

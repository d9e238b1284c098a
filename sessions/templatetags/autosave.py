"""The delay of the rooms' autosaved boxes, for their ``hx-trigger``: ``delay:{% autosave_delay %}``."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def autosave_delay():
    """``settings.AUTOSAVE_DELAY_MS`` as htmx writes a time: ``800ms``."""
    return f"{int(settings.AUTOSAVE_DELAY_MS)}ms"

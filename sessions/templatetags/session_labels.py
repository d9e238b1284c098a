"""Words for stored values: a scorecard shows "Strong yes", never ``strong_yes``."""

from django import template

from sessions.models import MarkValue, Recommendation

register = template.Library()


@register.filter
def recommendation_label(value):
    """The label of a recommendation; "not submitted" while there is none."""
    if not value:
        return "not submitted"
    return dict(Recommendation.choices).get(value, str(value).replace("_", " ").capitalize())


@register.filter
def mark_label(value):
    """The label of a keypoint mark; "Unmarked" while there is none."""
    if not value:
        return "Unmarked"
    return dict(MarkValue.choices).get(value, str(value).capitalize())

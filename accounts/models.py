"""What we keep about a user beyond django.contrib.auth's User: their time zone."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .timezones import is_valid


def validate_time_zone(value):
    if not is_valid(value):
        raise ValidationError(f"“{value}” is not a time zone we know; pick one such as Europe/Berlin.")


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="An IANA name such as Europe/Berlin; empty until the browser or the user sets it (UTC meanwhile).",
    )

    def __str__(self):
        return f"{self.user}: {self.time_zone or 'UTC'}"

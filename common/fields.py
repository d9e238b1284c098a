"""API fields that take exactly what the OpenAPI schema says they take."""

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """Text, and only text: DRF's CharField reads the number 0 as "0", which the schema (a string) refuses."""

    default_error_messages = {"invalid": "Not a valid string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)

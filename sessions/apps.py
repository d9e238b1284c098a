from django.apps import AppConfig


class InterviewSessionsConfig(AppConfig):
    """Interview sessions and scored answers. Labelled so as not to clash with django.contrib.sessions."""

    name = "sessions"
    label = "interview_sessions"
    verbose_name = "Interview sessions"

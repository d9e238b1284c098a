from django.apps import AppConfig


class InterviewSessionsConfig(AppConfig):
    """Interview sessions and scored answers. Labelled so as not to clash with django.contrib.sessions."""

    name = "sessions"
    label = "interview_sessions"
    verbose_name = "Interview sessions"

    def ready(self):
        from questions.models import register_question_use, register_rubric_lock

        from .models import Answer

        register_rubric_lock(lambda user: Answer.objects.rubric_locked_for(user).values("question_id"))
        register_question_use(lambda: Answer.objects.filter(question__isnull=False).values("question_id"))

from django.apps import AppConfig


class InterviewSessionsConfig(AppConfig):
    """Interview sessions and scored answers. Labelled so as not to clash with django.contrib.sessions."""

    name = "sessions"
    label = "interview_sessions"
    verbose_name = "Interview sessions"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from questions.models import register_question_use, register_rubric_lock

        from . import live
        from .models import Answer, InterviewSession, Reviewer

        register_rubric_lock(lambda user: Answer.objects.rubric_locked_for(user).values("question_id"))
        register_question_use(lambda: Answer.objects.filter(question__isnull=False).values("question_id"))

        # The live room's poll reads sessions and who is in them from the cache (sessions.live).
        post_save.connect(live.session_changed, sender=InterviewSession, dispatch_uid="live.session.saved")
        post_delete.connect(live.session_changed, sender=InterviewSession, dispatch_uid="live.session.deleted")
        post_save.connect(live.reviewer_changed, sender=Reviewer, dispatch_uid="live.reviewer.saved")
        post_delete.connect(live.reviewer_changed, sender=Reviewer, dispatch_uid="live.reviewer.deleted")

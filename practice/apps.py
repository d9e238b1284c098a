from django.apps import AppConfig


class PracticeConfig(AppConfig):
    """Review of missed keypoints (FSRS), exports, and taking one's data away.

    Practice sits above sessions: it learns that a session finished through the hook sessions
    offers, registered here, so sessions never imports practice.
    """

    name = "practice"
    verbose_name = "Practice"

    def ready(self):
        from sessions.services import register_finish_hook

        from .services import reviews_record

        register_finish_hook(lambda session: reviews_record(session=session))

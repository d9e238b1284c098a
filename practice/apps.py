from django.apps import AppConfig


class PracticeConfig(AppConfig):
    """Review of missed keypoints (FSRS), exports, and taking one's data away.

    Practice sits above sessions: it learns that a session finished through the hook sessions
    offers, registered here, so sessions never imports practice. The progress report (reports,
    beside practice, neither importing the other) asks for the queue through common.hooks.
    """

    name = "practice"
    verbose_name = "Practice"

    def ready(self):
        from common import hooks
        from sessions.services import register_finish_hook

        from .services import reviews_record
        from .summary import review_summary

        register_finish_hook(lambda session: reviews_record(session=session))
        hooks.register(hooks.REVIEW_SUMMARY, review_summary)  # the progress report's review queue

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        # Register the tasks with Celery in every process (web included), so services can send
        # them by name without importing the tasks module.
        from . import tasks  # noqa: F401

from django.apps import AppConfig


class CalibrationConfig(AppConfig):
    """Calibration drills: interviewers score written answers blind against a manager's gold marks.

    It sits above sessions and teams and answers them through hooks registered here: sessions asks
    whether someone may sit on a panel, the team page asks for its agreement section.
    """

    name = "calibration"
    verbose_name = "Calibration drills"

    def ready(self):
        from sessions.services.starting import register_panel_check
        from teams.views import register_team_section

        from .services import panel_refusal
        from .views import team_section

        register_panel_check(panel_refusal)
        register_team_section(team_section)

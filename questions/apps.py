from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "questions"

    def ready(self):
        from teams.services import register_team_dependents

        from .rows import connect_signals

        register_team_dependents(shared_with_team)
        connect_signals()


def shared_with_team(team) -> str:
    """What of this app a team's deletion would lose: questions and sets shared with it only."""
    from .models import Visibility

    questions = team.questions.filter(visibility=Visibility.TEAM).count()
    sets = team.question_sets.filter(visibility=Visibility.TEAM).count()
    if not (questions or sets):
        return ""
    return f"{questions} question(s) and {sets} question set(s)"

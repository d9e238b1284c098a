"""Planner statistics on which sessions go together, for the reports' queries (PostgreSQL only).

A hiring report reads a set's structured interviews: mode = structured, question_set = S, team = T.
PostgreSQL takes the three columns as independent and multiplies their selectivities: at 5,000
interviews of one set among 25,000 sessions it expected 200, and chose nested loops with an index
probe per answer, review and keypoint (390,000 for the marks). A set's interviews all have its team
and the structured mode; extended statistics (functional dependencies) tell the planner so, and it
expects 5,000. Filled by the next ANALYZE (autovacuum), run here once as well.
"""

from django.db import migrations

TABLE = "interview_sessions_interviewsession"
NAME = "session_set_team_mode_stats"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {NAME} (dependencies, ndistinct) ON mode, question_set_id, team_id FROM {TABLE}"
    )
    schema_editor.execute(f"ANALYZE {TABLE}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_report_pdf"),
        ("interview_sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]

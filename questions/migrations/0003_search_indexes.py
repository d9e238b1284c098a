"""GIN indexes for full-text search on PostgreSQL (other databases search with LIKE and skip this).

The indexed expressions are exactly the ones QuestionQuerySet.search() builds, so the planner
can use them.
"""

from django.db import migrations

INDEXES = {
    "question_search_gin": (
        "questions_question",
        "to_tsvector('english'::regconfig, COALESCE(\"prompt\", '') || ' ' || COALESCE(\"context\", ''))",
    ),
    "keypoint_search_gin": ("questions_rubrickeypoint", "to_tsvector('english'::regconfig, COALESCE(\"text\", ''))"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (({expression}))')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("questions", "0002_set_order")]
    operations = [migrations.RunPython(create, drop)]

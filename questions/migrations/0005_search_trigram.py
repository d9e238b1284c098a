"""pg_trgm for the search's typo fallback, and a trigram index on the prompt (PostgreSQL only).

QuestionQuerySet.search() falls back to trigram word similarity (``prompt %> word``) for a word
that no question contains; other databases search without it and skip this migration's work.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        'CREATE INDEX IF NOT EXISTS "question_prompt_trgm" ON "questions_question" USING gin ("prompt" gin_trgm_ops)'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP INDEX IF EXISTS "question_prompt_trgm"')  # the extension may serve others


class Migration(migrations.Migration):
    dependencies = [("questions", "0004_keypoint_contradicts")]
    operations = [migrations.RunPython(create, drop)]

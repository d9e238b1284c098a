"""Interview sessions and scored answers: see the issue "Interview sessions"."""

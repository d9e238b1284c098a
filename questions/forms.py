from django import forms

from . import rules
from .models import Difficulty, Visibility


class QuestionFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    difficulty = forms.ChoiceField(
        label="Difficulty", required=False, choices=[("", "Any difficulty"), *Difficulty.choices]
    )
    tag = forms.MultipleChoiceField(label="Topics", required=False, widget=forms.CheckboxSelectMultiple)
    mine = forms.BooleanField(label="Only questions I wrote", required=False)

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [(t.slug, t.name) for t in tags]


def visibility_choices(user, teams):
    choices = [(Visibility.PRIVATE, "Private: only me")]
    choices += [(f"team:{t.pk}", f"Team: {t.name}") for t in teams]
    if user.is_staff:
        choices.append((Visibility.PUBLIC, "Public: everyone (the shared bank)"))
    return choices


def visibility_value(obj):
    if obj.visibility == Visibility.TEAM and obj.team_id:
        return f"team:{obj.team_id}"
    return obj.visibility


class VisibilityField(forms.ChoiceField):
    """One select for private / a team of mine / public; cleans to (visibility, team)."""

    def __init__(self, *, user, teams, **kwargs):
        self.teams = {t.pk: t for t in teams}
        super().__init__(choices=visibility_choices(user, teams), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value.startswith("team:"):
            return Visibility.TEAM, self.teams[int(value.split(":", 1)[1])]
        return value, None


class QuestionForm(forms.Form):
    """A question's own fields. Their limits are ``rules``', checked by the services on save; the
    HTML attributes only help the browser say so sooner."""

    prompt = forms.CharField(
        label="Question",
        widget=forms.TextInput(attrs={"maxlength": rules.MAX_PROMPT}),
        help_text="One line, as you would ask it aloud.",
    )
    difficulty = forms.ChoiceField(label="Difficulty", choices=Difficulty.choices)
    tags = forms.CharField(
        label="Topics",
        required=False,
        help_text=f"Existing topics or new ones, separated by commas (e.g. VPC, networking); at most {rules.MAX_TAGS}.",
    )
    context = forms.CharField(
        label="Context (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": rules.MAX_MARKDOWN}),
        help_text="Markdown shown under the question: a scenario, a diagram in text, constraints.",
    )
    reference_answer = forms.CharField(
        label="Reference answer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": rules.MAX_MARKDOWN}),
        help_text="Markdown.",
    )

    def __init__(self, *args, user, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visibility"] = VisibilityField(user=user, teams=teams, label="Who can see it")

    def clean_tags(self):
        return _split(self.cleaned_data["tags"])


# The keypoint rows of the question form: repeated inputs (kp_text, kp_weight, kp_evidence,
# kp_contradicts), one set per row, shown back as typed until the question is saved.
KEYPOINT_INPUTS = {"text": "kp_text", "weight": "kp_weight", "evidence": "kp_evidence", "contradicts": "kp_contradicts"}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def empty_row(weight="1") -> dict:
    return {"text": "", "weight": weight, "evidence": "", "contradicts": ""}


def keypoint_rows(data) -> list[dict]:
    """The rows as posted, one per keypoint text; a missing weight is 1."""
    columns = {name: data.getlist(key) for name, key in KEYPOINT_INPUTS.items()}
    return [
        {name: values[i] if i < len(values) else empty_row()[name] for name, values in columns.items()}
        for i in range(len(columns["text"]))
    ]


def keypoint_rows_of(question) -> list[dict]:
    return [
        {
            "text": kp.text,
            "weight": str(kp.weight),
            "evidence": ", ".join(kp.evidence),
            "contradicts": ", ".join(kp.contradicts),
        }
        for kp in question.keypoints.all()
    ]


def keypoints_from_rows(rows) -> list[dict]:
    """The rows as the services take keypoints: terms and phrases are separated by commas."""
    return [{**row, "evidence": _split(row["evidence"]), "contradicts": _split(row["contradicts"])} for row in rows]


class QuestionSetForm(forms.Form):
    title = forms.CharField(label="Title", max_length=rules.MAX_TITLE)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    minutes_per_question = forms.IntegerField(
        label="Minutes per question (optional)", required=False, min_value=1, max_value=rules.MAX_MINUTES
    )

    def __init__(self, *args, user, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visibility"] = VisibilityField(
            user=user, teams=teams, label="Who can see and use it", help_text="A team set can be used by every member."
        )


class ImportForm(forms.Form):
    file = forms.FileField(label="File (.json, .yaml or .csv, at most 1 MB)")
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=rules.MAX_TITLE,
        help_text="For CSV files; defaults to the file name.",
    )

    def __init__(self, *args, user, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visibility"] = VisibilityField(user=user, teams=teams, label="Who can see it")

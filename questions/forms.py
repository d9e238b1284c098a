from django import forms

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
    prompt = forms.CharField(label="Question", max_length=300, help_text="One line, as you would ask it aloud.")
    difficulty = forms.ChoiceField(label="Difficulty", choices=Difficulty.choices)
    tags = forms.CharField(
        label="Topics",
        required=False,
        max_length=300,
        help_text="Existing topics or new ones, separated by commas (e.g. VPC, networking).",
    )
    context = forms.CharField(
        label="Context (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown shown under the question: a scenario, a diagram in text, constraints.",
    )
    reference_answer = forms.CharField(
        label="Reference answer", required=False, widget=forms.Textarea(attrs={"rows": 8}), help_text="Markdown."
    )

    def __init__(self, *args, user, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visibility"] = VisibilityField(user=user, teams=teams, label="Who can see it")

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]


class QuestionSetForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    minutes_per_question = forms.IntegerField(
        label="Minutes per question (optional)", required=False, min_value=1, max_value=180
    )

    def __init__(self, *args, user, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visibility"] = VisibilityField(
            user=user, teams=teams, label="Who can see and use it", help_text="A team set can be used by every member."
        )


class ImportForm(forms.Form):
    file = forms.FileField(label="File (.json, .yaml or .csv, at most 1 MB)")
    title = forms.CharField(
        label="Title (optional)", required=False, max_length=200, help_text="For CSV files; defaults to the file name."
    )

    def __init__(self, *args, user, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visibility"] = VisibilityField(user=user, teams=teams, label="Who can see it")

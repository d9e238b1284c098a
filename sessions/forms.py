from django import forms
from django.contrib.auth.models import User

from questions.models import Difficulty, Question, QuestionSet, Tag

from .models import Recommendation


class SelfStartForm(forms.Form):
    question_set = forms.ModelChoiceField(
        label="From a question set",
        required=False,
        queryset=QuestionSet.objects.none(),
        empty_label="— or use the filters below —",
    )
    # The set and "Start" come first; the filters, the long list of topics last (keyboard order).
    difficulty = forms.ChoiceField(label="Difficulty", required=False, choices=[("", "Any"), *Difficulty.choices])
    count = forms.IntegerField(label="How many questions", min_value=1, max_value=20, initial=5)
    worst = forms.BooleanField(label="The ones I scored worst", required=False)
    tags = forms.ModelMultipleChoiceField(
        label="Topics",
        required=False,
        queryset=Tag.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question_set"].queryset = QuestionSet.objects.for_user(user).order_by(*QuestionSet.LIST_ORDER)


class PeerStartForm(forms.Form):
    question_set = forms.ModelChoiceField(
        label="Question set",
        required=False,
        queryset=QuestionSet.objects.none(),
        empty_label="— or pick questions below —",
    )
    questions = forms.ModelMultipleChoiceField(
        label="Or pick questions (in bank order)",
        required=False,
        queryset=Question.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (or Cmd) to pick several.",
    )
    meeting_url = forms.URLField(
        assume_scheme="https",
        label="Meeting link (optional)",
        required=False,
        help_text="Your own video call; shown in the room.",
    )
    minutes_per_question = forms.IntegerField(
        label="Minutes per question (optional)", required=False, min_value=1, max_value=180
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question_set"].queryset = QuestionSet.objects.for_user(user).order_by(*QuestionSet.LIST_ORDER)
        self.fields["questions"].queryset = Question.objects.for_user(user).order_by("number", "pk")

    def clean(self):
        data = super().clean()
        if not data.get("question_set") and not data.get("questions"):
            raise forms.ValidationError("Choose a question set, or pick at least one question.")
        return data


class StructuredStartForm(forms.Form):
    question_set = forms.ModelChoiceField(label="Team question set", queryset=QuestionSet.objects.none())
    candidate_email = forms.EmailField(label="Candidate's e-mail")
    scheduled_at = forms.DateTimeField(
        label="Date and time (in your time zone)",
        help_text="Set on your account page; the invitations show each person the time in their own zone.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    meeting_url = forms.URLField(assume_scheme="https", label="Meeting link (optional)", required=False)
    panel = forms.ModelMultipleChoiceField(
        label="Other interviewers on the panel (optional)",
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from teams.models import Membership

        teams = Membership.objects.filter(user=user).values("team_id")
        self.fields["question_set"].queryset = QuestionSet.objects.filter(
            visibility="team", team_id__in=teams
        ).select_related("team")
        self.fields["question_set"].label_from_instance = lambda s: f"{s.title} ({s.team.name})"
        self.fields["panel"].queryset = (
            User.objects.filter(memberships__team_id__in=teams).exclude(pk=user.pk).distinct().order_by("username")
        )


class FinishForm(forms.Form):
    feedback = forms.CharField(
        label="Feedback for the candidate", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    shared_positions = forms.MultipleChoiceField(
        label="Share my notes on these questions", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, positions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_positions"].choices = positions


class FeedbackForm(forms.Form):
    """After a peer session: the feedback the interviewer left empty when finishing."""

    feedback = forms.CharField(
        label="Feedback for the candidate", max_length=20_000, widget=forms.Textarea(attrs={"rows": 6})
    )


class ScorecardForm(forms.Form):
    recommendation = forms.ChoiceField(label="Recommendation", choices=Recommendation.choices, widget=forms.RadioSelect)
    summary = forms.CharField(label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class ScorecardAmendForm(ScorecardForm):
    """A submitted scorecard changed, with the reason kept in its history."""

    reason = forms.CharField(
        label="Why are you changing it?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the scorecard; the team's managers read it.",
    )


def _slot_field(label, required):
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class PartnerRequestForm(forms.Form):
    """Looking for a peer mock: times are read in the poster's own time zone (the active one)."""

    slot_1 = _slot_field("First time slot (in your time zone)", True)
    slot_2 = _slot_field("Second time slot (optional)", False)
    slot_3 = _slot_field("Third time slot (optional)", False)
    difficulty = forms.ChoiceField(label="Difficulty", required=False, choices=[("", "Any"), *Difficulty.choices])
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    topics = forms.ModelMultipleChoiceField(
        label="Topics",
        required=False,
        queryset=Tag.objects.order_by("name"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )

    def slots(self):
        return [self.cleaned_data[f"slot_{i}"] for i in (1, 2, 3) if self.cleaned_data.get(f"slot_{i}")]

from django import forms

from .models import Difficulty, Tag


class QuestionFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    difficulty = forms.ChoiceField(
        label="Difficulty", required=False, choices=[("", "Any difficulty"), *Difficulty.choices]
    )
    tag = forms.MultipleChoiceField(label="Topics", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [(t.slug, t.name) for t in tags]

    @staticmethod
    def tag_queryset():
        return Tag.objects.all()

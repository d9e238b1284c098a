from django import forms

from questions.models import Tag

from .models import PracticeProfile


class ProfileForm(forms.ModelForm):
    class Meta:
        model = PracticeProfile
        fields = ["desired_retention", "daily_max"]
        labels = {"desired_retention": "Desired retention"}
        help_texts = {"desired_retention": "From 0.70 to 0.97: higher means reviews come back sooner."}
        widgets = {"desired_retention": forms.NumberInput(attrs={"step": "0.01", "min": "0.70", "max": "0.97"})}


class TagSuspendForm(forms.Form):
    tag = forms.ModelChoiceField(Tag.objects.all(), to_field_name="slug", label="Topic", empty_label=None)
    suspended = forms.TypedChoiceField(
        choices=[("1", "Suspend"), ("0", "Resume")], coerce=lambda v: v == "1", widget=forms.HiddenInput, initial="1"
    )


class ItemSuspendForm(forms.Form):
    suspended = forms.TypedChoiceField(choices=[("1", "Suspend"), ("0", "Resume")], coerce=lambda v: v == "1")


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you. Deleting cannot be undone.",
    )

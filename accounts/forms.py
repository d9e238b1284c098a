from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        label="E-mail", required=True, help_text="Used for password resets and interview invitations."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this e-mail already exists. Log in or reset your password.")
        return email


class TimeZoneForm(forms.Form):
    """The account page's time zone; its long list of options is rendered by the template."""

    time_zone = forms.CharField(label="Time zone", max_length=64)

    def clean_time_zone(self):
        from .timezones import is_valid

        value = self.cleaned_data["time_zone"].strip()
        if not is_valid(value):
            raise forms.ValidationError("Pick a time zone from the list, such as Europe/Berlin.")
        return value

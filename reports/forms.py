from django import forms

from .models import Period


class ProgressRequestForm(forms.Form):
    period = forms.ChoiceField(label="Period", choices=Period.choices, initial=Period.DAYS_30)


class PreferenceForm(forms.Form):
    weekly_email = forms.BooleanField(label="E-mail me a progress report every week I practise", required=False)

from django import forms
from django.core.exceptions import ValidationError

from .models import Membership, Team

ROLE_HELP = "Managers run the team: they add and remove members and change roles. Interviewers take part."


class TeamForm(forms.Form):
    name = forms.CharField(label="Team name", max_length=Team._meta.get_field("name").max_length)


class MemberAddForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150, help_text="The person must already have an account.")
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices, initial=Membership.Role.INTERVIEWER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices)

    def __init__(self, *args, membership, **kwargs):
        # One form per member on the same page: ids must differ, labels must say whose role it is.
        kwargs.setdefault("auto_id", f"id_member_{membership.user_id}_%s")
        kwargs.setdefault("initial", {"role": membership.role})
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["role"].label = f"Role of {membership.user.username}"


class InviteForm(forms.Form):
    role = forms.ChoiceField(
        label="Role for whoever joins",
        choices=Membership.Role.choices,
        initial=Membership.Role.INTERVIEWER,
        help_text="The link admits one person and expires in 7 days.",
    )

    def __init__(self, *args, **kwargs):
        # Shown on the team page next to the add-member form, which has a "role" field too: ids must differ.
        kwargs.setdefault("auto_id", "id_invite_%s")
        super().__init__(*args, **kwargs)


def add_service_errors(form, error: ValidationError):
    """Show a service's ValidationError on the form: on the field it names if the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)

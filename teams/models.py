import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone

INVITE_LIFETIME = timedelta(days=7)


class TeamQuerySet(models.QuerySet):
    def for_user(self, user):
        """The teams `user` belongs to, in any role. A subquery, so annotations on the result count every row."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=Membership.objects.filter(user=user).values("team_id"))

    def with_role(self, user):
        """Annotate `my_role`: the role `user` has in each team (None where they have none)."""
        role = Membership.objects.filter(team=OuterRef("pk"), user_id=user.pk).values("role")[:1]
        return self.annotate(my_role=Subquery(role))

    def with_member_count(self):
        return self.annotate(member_count=Count("memberships"))


class Team(models.Model):
    """A hiring manager's group. Sets, questions and structured interviews can belong to one."""

    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("teams:detail", args=[self.pk])


class MembershipQuerySet(models.QuerySet):
    def for_display(self):
        """Managers first, then by username, with the user loaded."""
        rank = Case(When(role=Membership.Role.MANAGER, then=Value(0)), default=Value(1), output_field=IntegerField())
        return self.select_related("user").order_by(rank, "user__username")

    def managers(self):
        return self.filter(role=Membership.Role.MANAGER)

    def manages(self, user, team_id) -> bool:
        # Kept for callers not yet moved to teams.permissions.manages (the one definition).
        from .permissions import manages

        return manages(user, team_id)


class Membership(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", "Manager"
        INTERVIEWER = "interviewer", "Interviewer"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.INTERVIEWER)
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_unique_user_per_team"),
            models.CheckConstraint(
                condition=models.Q(role__in=["manager", "interviewer"]), name="membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.team} ({self.role})"


def new_invite_token():
    return secrets.token_urlsafe(32)


def invite_expiry():
    return timezone.now() + INVITE_LIFETIME


class TeamInviteQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Invites that can still admit someone: not used, not revoked, not expired."""
        now = now or timezone.now()
        return self.filter(used_by__isnull=True, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class TeamInvite(models.Model):
    """A link that admits exactly one user to a team, in a given role, until it expires."""

    class Status(models.TextChoices):
        USABLE = "usable", "Usable"
        USED = "used", "Already used"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invites")
    role = models.CharField(max_length=20, choices=Membership.Role.choices, default=Membership.Role.INTERVIEWER)
    token = models.CharField(max_length=64, unique=True, default=new_invite_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=invite_expiry)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TeamInviteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=["manager", "interviewer"]), name="team_invite_role_valid"),
        ]

    def __str__(self):
        return f"Invite to {self.team} as {self.role}"

    def get_absolute_url(self):
        return reverse("teams:join", args=[self.token])

    def status(self, now=None):
        """Why the link can or cannot be used; revoked wins over used, used over expired."""
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.used_at is not None or self.used_by_id is not None:
            return self.Status.USED
        if self.expires_at <= (now or timezone.now()):
            return self.Status.EXPIRED
        return self.Status.USABLE

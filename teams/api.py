from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import CharField, Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from common.fields import StrictCharField

from . import permissions as team_permissions
from . import services
from .models import Membership, Team


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["username", "role"]


class TeamSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, CharField: StrictCharField}
    # A plain string in the schema: a second ChoiceField over the same roles would name the enum twice.
    my_role = serializers.CharField(read_only=True, help_text="Your role in this team: manager or interviewer.")

    class Meta:
        model = Team
        fields = ["id", "name", "my_role"]


class TeamDetailSerializer(TeamSerializer):
    members = MemberSerializer(many=True, read_only=True, source="display_members")

    class Meta(TeamSerializer.Meta):
        fields = [*TeamSerializer.Meta.fields, "members"]


class MemberAddSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.INTERVIEWER)


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


def _run(service, **kwargs):
    """Call a service; its refusals become DRF's 403 and 400 (a dict naming the field, else `detail`)."""
    try:
        return service(**kwargs)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError(exc.message_dict) from exc
        raise ValidationError({"detail": " ".join(exc.messages)}) from exc


USERNAME = OpenApiParameter("username", OpenApiTypes.STR, OpenApiParameter.PATH, description="A member's username.")


class TeamViewSet(viewsets.ModelViewSet):
    """The teams the user belongs to. Anyone may create one; only its managers change it.

    Teams the user is not in answer 404; changes by an interviewer answer 403.
    """

    permission_classes = [permissions.IsAuthenticated]
    queryset = Team.objects.none()  # for the schema; requests go through get_queryset

    def get_queryset(self):
        user = self.request.user
        teams = Team.objects.for_user(user).with_role(user)
        if self.action == "list":
            return teams
        return teams.prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.for_display(), to_attr="display_members")
        )

    def get_serializer_class(self):
        return TeamSerializer if self.action in {"list", "create"} else TeamDetailSerializer

    def _team(self, *, manager_for=None):
        """The team in the URL (404 unless a member); with `manager_for`, 403 unless a manager."""
        team = self.get_object()
        if manager_for:
            team_permissions.require_manager(self.request.user, team, manager_for)
        return team

    def _fresh(self, team):
        return self.get_queryset().get(pk=team.pk)

    def create(self, request, *args, **kwargs):
        data = TeamSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        team = _run(services.team_create, user=request.user, name=data.validated_data["name"])
        return Response(TeamSerializer(self._fresh(team)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        team = self._team(manager_for="rename the team")
        data = TeamSerializer(team, data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        if "name" in data.validated_data:
            team = _run(services.team_rename, team=team, by=request.user, name=data.validated_data["name"])
        return Response(TeamDetailSerializer(self._fresh(team)).data)

    def destroy(self, request, *args, **kwargs):
        team = self._team(manager_for="delete the team")
        _run(services.team_delete, team=team, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=MemberAddSerializer, responses={201: MemberSerializer})
    @action(detail=True, methods=["post"], url_path="members")
    def members(self, request, pk=None):
        """Add a user to the team by username (managers only)."""
        team = self._team(manager_for="add members")
        data = MemberAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = _run(services.member_add, team=team, by=request.user, **data.validated_data)
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["PATCH"], parameters=[USERNAME], request=MemberRoleSerializer, responses={200: MemberSerializer}
    )
    @extend_schema(
        methods=["DELETE"],
        parameters=[USERNAME],
        request=None,
        responses={204: OpenApiResponse(description="Removed (managers; or a member removing themselves).")},
    )
    @action(detail=True, methods=["patch", "delete"], url_path=r"members/(?P<username>[^/]+)")
    def member(self, request, pk=None, username=None):
        """Change a member's role (managers only), or remove them (managers, or the member themselves)."""
        if request.method == "DELETE":
            team = self._team(manager_for=None if username == request.user.username else "remove members")
        else:
            team = self._team(manager_for="change roles")
        membership = get_object_or_404(team.memberships.select_related("user"), user__username=username)
        if request.method == "DELETE":
            _run(services.member_remove, team=team, by=request.user, user=membership.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = MemberRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = _run(
            services.member_set_role, team=team, by=request.user, user=membership.user, role=data.validated_data["role"]
        )
        return Response(MemberSerializer(membership).data)

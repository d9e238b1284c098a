from rest_framework import permissions, viewsets

from .models import Team


class TeamViewSet(viewsets.ModelViewSet):
    """Stub: the teams API is being written."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = Team.objects.none()

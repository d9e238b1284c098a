import pytest
from django.contrib.auth.models import User

from ..conftest import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/admin/teams/team/", "/admin/teams/teaminvite/"])
def test_admin_lists_teams_and_invites(client, invite, path):
    admin = User.objects.create_superuser("admin", "admin@example.com", "x")
    login(client, admin)
    response = client.get(path)
    assert response.status_code == 200
    assert "Platform hiring" in response.content.decode()


def test_admin_invite_page_shows_the_token_read_only(client, invite):
    login(client, User.objects.create_superuser("admin", "admin@example.com", "x"))
    body = client.get(f"/admin/teams/teaminvite/{invite.pk}/change/").content.decode()
    assert invite.token in body
    assert 'name="token"' not in body

from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    path("", views.team_list, name="list"),
    path("create/", views.team_create, name="create"),
    # <path:...>: a token mangled into something with slashes still gets the page saying it is not valid.
    path("join/<path:token>/", views.join, name="join"),
    path("<int:pk>/", views.team_detail, name="detail"),
    path("<int:pk>/rename/", views.team_rename, name="rename"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/members/<str:username>/role/", views.member_role, name="member_role"),
    path("<int:pk>/members/<str:username>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/invites/", views.invite_create, name="invite_create"),
    path("<int:pk>/invites/<int:invite_pk>/revoke/", views.invite_revoke, name="invite_revoke"),
]

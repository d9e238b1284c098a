from django.urls import path

from . import views

app_name = "calibration"
urlpatterns = [
    path("teams/<int:team_pk>/", views.drill_list, name="list"),
    path("teams/<int:team_pk>/new/", views.drill_new, name="new"),
    path("teams/<int:team_pk>/requirement/", views.requirement, name="requirement"),
    path("drills/<int:pk>/", views.drill_detail, name="drill"),
    path("drills/<int:pk>/score/", views.drill_score, name="score"),
    path("drills/<int:pk>/edit/", views.drill_edit, name="edit"),
    path("drills/<int:pk>/delete/", views.drill_delete, name="delete"),
]

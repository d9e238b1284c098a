from django.urls import path

from . import views

app_name = "questions"
urlpatterns = [
    path("questions/", views.question_list, name="list"),
    path("questions/new/", views.question_edit, name="create"),
    path("questions/<int:pk>/", views.question_detail, name="detail"),
    path("questions/<int:pk>/edit/", views.question_edit, name="edit"),
    path("questions/<int:pk>/delete/", views.question_delete, name="delete"),
    path("sets/", views.set_list, name="set_list"),
    path("sets/new/", views.set_create, name="set_create"),
    path("sets/import/", views.set_import, name="set_import"),
    path("sets/<int:pk>/", views.set_detail, name="set_detail"),
    path("sets/<int:pk>/edit/", views.set_edit, name="set_edit"),
    path("sets/<int:pk>/clone/", views.set_clone, name="set_clone"),
    path("sets/<int:pk>/delete/", views.set_delete, name="set_delete"),
    path("sets/<int:pk>/export/", views.set_export, name="set_export"),
]

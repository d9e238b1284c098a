from django.urls import path

from . import views

app_name = "practice"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("start/", views.start, name="start"),
    path("settings/", views.profile, name="profile"),
    path("tags/", views.tag_suspend, name="tag_suspend"),
    path("items/<int:pk>/suspend/", views.item_suspend, name="item_suspend"),
    path("export/anki/", views.export_anki, name="export_anki"),
    path("export/archive/", views.export_archive, name="export_archive"),
    path("account/delete/", views.account_delete, name="account_delete"),
]

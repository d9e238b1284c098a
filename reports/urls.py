from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("preferences/", views.preferences, name="preferences"),
    path("sets/<int:set_pk>/", views.request_for_set, name="request_for_set"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]

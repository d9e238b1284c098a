from django.urls import include, path

from . import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("settings/", views.account, name="account_settings"),
    path("time-zone/", views.time_zone_from_browser, name="time_zone_from_browser"),
    path("", include("django.contrib.auth.urls")),
]

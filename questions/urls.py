from django.urls import path

from . import views

app_name = "questions"
urlpatterns = [
    path("questions/", views.question_list, name="list"),
    path("questions/<int:pk>/", views.question_detail, name="detail"),
    path("sets/", views.set_list, name="set_list"),
    path("sets/<int:pk>/", views.set_detail, name="set_detail"),
]

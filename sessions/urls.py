from django.urls import path

from . import views

app_name = "sessions"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.session_new, name="new"),
    path("partners/", views.partners, name="partners"),
    path("join/<path:token>/", views.join, name="join"),
    path("compare/<int:set_pk>/", views.compare, name="compare"),
    path("<int:pk>/", views.room, name="room"),
    path("<int:pk>/poll/", views.poll, name="poll"),
    path("<int:pk>/advance/", views.advance, name="advance"),
    path("<int:pk>/finish/", views.finish, name="finish"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path("<int:pk>/scorecard/", views.scorecard, name="scorecard"),
    path("<int:pk>/scorecard/amend/", views.scorecard_amend, name="scorecard_amend"),
    path("<int:pk>/swap/", views.swap, name="swap"),
    path("<int:pk>/questions/", views.mirror_questions, name="mirror_questions"),
    path("<int:pk>/answers/<int:position>/text/", views.answer_text, name="answer_text"),
    path("<int:pk>/answers/<int:position>/submit/", views.answer_submit, name="answer_submit"),
    path("<int:pk>/answers/<int:position>/notes/", views.notes, name="notes"),
    path("<int:pk>/answers/<int:position>/rating/", views.rating, name="rating"),
    path("<int:pk>/answers/<int:position>/marks/<int:keypoint_id>/", views.mark, name="mark"),
    path("<int:pk>/answers/<int:position>/accept-suggestions/", views.accept_suggestions, name="accept_suggestions"),
]

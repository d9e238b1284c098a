"""The frame's links (interviewprep.context_processors) are Django's own URLs, under the script prefix served."""

from django.urls import reverse, set_script_prefix

from interviewprep.context_processors import NAMES, _frame, frame


def test_the_frame_links_to_what_the_url_names_resolve_to(client):
    body = client.get(reverse("login")).content.decode()
    for name in ("home", "questions:list", "questions:set_list", "login", "signup", "api-docs"):
        assert f'href="{reverse(name)}"' in body
    assert set(NAMES) <= set(_frame("/"))


def test_the_frame_follows_the_script_prefix():
    try:
        set_script_prefix("/prep/")
        assert frame(None)["frame"]["questions"] == "/prep/questions/"
    finally:
        set_script_prefix("/")
    assert frame(None)["frame"]["questions"] == "/questions/"

"""Markdown from questions is rendered, then sanitised: no script reaches a page."""

import pytest

from questions.markdown import render_markdown
from questions.models import Visibility

from ..conftest import login
from ..factories import QuestionFactory

ATTACKS = [
    "<script>alert('x')</script>",
    "[click me](javascript:alert('x'))",
    '<img src="x" onerror="alert(1)">',
    '<a href="https://example.com" onclick="alert(1)">link</a>',
    "<iframe src='https://evil.example'></iframe>",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_render_strips_scripts_handlers_and_bad_urls(attack):
    html = render_markdown(f"Some text\n\n{attack}\n")
    lowered = html.lower()
    for bad in ("<script", "javascript:", "onerror", "onclick", "<iframe", "style=", "data:text"):
        assert bad not in lowered


def test_render_keeps_formatting_and_code():
    html = render_markdown("**Bold**, a [link](https://aws.amazon.com)\n\n```bash\naws s3 ls\n```\n")
    assert "<strong>Bold</strong>" in html
    assert 'href="https://aws.amazon.com"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert '<code class="language-bash">aws s3 ls' in html


@pytest.mark.django_db
def test_question_page_never_carries_a_script_from_its_markdown(client, owner):
    payload = "\n\n".join(ATTACKS)
    q = QuestionFactory(owner=owner, visibility=Visibility.PUBLIC, context=payload, reference_answer=payload)
    login(client, owner)
    body = client.get(q.get_absolute_url(), {"rubric": "1"}).content.decode().lower()
    assert "alert(" not in body.replace("&#x27;", "'").split("</header>")[1]


def test_a_remembered_rendering_is_the_sanitised_one_and_long_texts_are_sanitised_too():
    from questions.markdown import REMEMBERED_UP_TO, _remembered

    text = "Hi <script>alert(1)</script> [x](javascript:alert(1))"
    first, again = render_markdown(text), render_markdown(text)
    assert first == again and "<script" not in again and "javascript:" not in again
    assert _remembered.cache_info().hits >= 1
    long = text + " word" * REMEMBERED_UP_TO
    assert "<script" not in render_markdown(long) and "javascript:" not in render_markdown(long)

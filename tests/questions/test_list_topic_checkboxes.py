"""The question list's topic checkboxes, written in the template rather than by widget templates."""

import re

import pytest
from django.urls import reverse

from ..factories import TagFactory

pytestmark = pytest.mark.django_db


def _boxes(body):
    return re.findall(r'<input type="checkbox" name="tag" value="([^"]+)" id="(id_tag_\d+)"( checked)?>', body)


def test_every_topic_is_a_labelled_checkbox_and_the_ticked_ones_stay_ticked(client):
    TagFactory(slug="s3", name="S3")
    TagFactory(slug="vpc", name="VPC")
    body = client.get(reverse("questions:list")).content.decode()
    boxes = {value: (box_id, checked) for value, box_id, checked in _boxes(body)}
    assert {"s3", "vpc"} <= set(boxes)
    assert not any(checked for _, checked in boxes.values())
    for value, (box_id, _) in boxes.items():
        assert f'<label for="{box_id}">' in body, value

    body = client.get(reverse("questions:list"), {"tag": ["vpc"]}).content.decode()
    ticked = {value for value, _, checked in _boxes(body) if checked}
    assert ticked == {"vpc"}

"""Malformed requests are a 400 before any view or database query sees them."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    ["session_id=cs_%00x", "session_id=cs_\x00x", "page=1%0d%0aSet-Cookie:x", "q=%7F", "q=%1b"],
)
def test_control_characters_in_the_query_are_a_400(client, query):
    response = client.get(f"/donate/thanks/?{query}")
    assert response.status_code == 400
    assert "characters that are not allowed" in response.content.decode()


def test_an_ordinary_query_passes(client):
    assert client.get("/?page=1").status_code == 200


def test_a_form_in_another_charset_is_a_400(client):
    body = b"first_name=Jos%E9"
    response = client.post(
        "/articles/x/donate/",
        data=body,
        content_type="application/x-www-form-urlencoded; charset=iso-8859-1",
    )
    assert response.status_code == 400
    assert "Forms must be sent as UTF-8" in response.content.decode()

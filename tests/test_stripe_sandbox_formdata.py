import pytest

from stripe_sandbox.formdata import FormError, decode


def test_nested_objects_and_lists():
    body = (
        "mode=payment&line_items[0][quantity]=1&line_items[0][price_data][currency]=usd"
        "&line_items[1][quantity]=2&metadata[donation_id]=7&expand[]=a&expand[]=b"
    )
    assert decode(body) == {
        "mode": "payment",
        "line_items": [{"quantity": "1", "price_data": {"currency": "usd"}}, {"quantity": "2"}],
        "metadata": {"donation_id": "7"},
        "expand": ["a", "b"],
    }


def test_list_indexes_are_ordered_numerically():
    body = "&".join(f"items[{i}][price]=p{i}" for i in (10, 2, 0, 1))
    assert [i["price"] for i in decode(body)["items"]] == ["p0", "p1", "p2", "p10"]


@pytest.mark.parametrize("body", ["a]=1", "a[b]=1&a=2", "a=1&a[b]=2"])
def test_malformed_names_are_form_errors(body):
    with pytest.raises(FormError):
        decode(body)

import pytest

from tests.factories import StaffUserFactory


@pytest.fixture
def staff_client(client):
    client.force_login(StaffUserFactory())
    return client

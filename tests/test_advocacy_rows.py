"""advocacy.rows: a row inserted (or upserted) in one statement holds what the ORM's
save would have stored; a prepared insert does its work before it runs."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from advocacy.rows import Insert, insert, insert_together, upsert
from donations.models import WebhookEvent

pytestmark = pytest.mark.django_db

FIELDS = {
    "type": "invoice.paid",
    "livemode": False,
    "api_version": "2026-10-28.endive",
    "created": datetime(2026, 12, 5, 9, 30, tzinfo=UTC),
    "payload": {"id": "evt_1", "data": {"object": {"amount": 2000, "name": "José Ñúñez"}}},
    "status": WebhookEvent.Status.RECEIVED,
    "note": "",
}


def stored(stripe_id):
    return model_to_dict(WebhookEvent.objects.get(stripe_id=stripe_id), exclude=["id"])


def test_an_inserted_row_holds_what_save_stores_and_the_record_its_key():
    WebhookEvent.objects.create(stripe_id="evt_orm", **FIELDS)
    record = WebhookEvent(stripe_id="evt_row", **FIELDS)
    with CaptureQueriesContext(connection) as queries:
        insert(record)
    assert len(queries) == 1
    assert {**stored("evt_row"), "stripe_id": "evt_orm"} == stored("evt_orm")
    row = WebhookEvent.objects.get(stripe_id="evt_row")
    assert (record.pk, record.received_at) == (row.pk, row.received_at)  # auto_now_add set
    assert not record._state.adding


def test_a_prepared_insert_runs_its_statement_alone_inside_the_transaction():
    record = WebhookEvent(stripe_id="evt_ready", **FIELDS)
    with CaptureQueriesContext(connection) as queries:
        row = Insert(record)
    assert len(queries) == 0 and record.received_at is not None  # pre_save: auto_now_add
    assert record._state.adding  # not stored yet
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        row.run()
    statements = [q["sql"].split()[0] for q in queries]
    assert [s for s in statements if s in {"SELECT", "INSERT", "UPDATE", "DELETE"}] == ["INSERT"]
    row = WebhookEvent.objects.get(stripe_id="evt_ready")
    assert (record.pk, record.received_at) == (row.pk, row.received_at)
    assert not record._state.adding


def event_row(stripe_id):
    return Insert(WebhookEvent(stripe_id=stripe_id, **FIELDS))


@pytest.mark.django_db(transaction=True)  # in autocommit, as a webhook's request runs
def test_rows_inserted_together_are_all_or_none_and_one_statement_on_postgresql():
    first = event_row("evt_a")
    with CaptureQueriesContext(connection) as queries:
        insert_together(first, event_row("evt_b"))
    assert first.record.pk == WebhookEvent.objects.get(stripe_id="evt_a").pk
    assert not first.record._state.adding
    statements = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "WITH"))]
    assert len(statements) == (1 if connection.vendor == "postgresql" else 2)
    with pytest.raises(IntegrityError):
        insert_together(event_row("evt_c"), event_row("evt_a"))  # the second refused
    assert not WebhookEvent.objects.filter(stripe_id="evt_c").exists()


def test_rows_refused_inside_a_transaction_leave_it_usable():
    insert_together(event_row("evt_d"))
    with pytest.raises(IntegrityError):
        insert_together(event_row("evt_e"), event_row("evt_d"))
    assert sorted(WebhookEvent.objects.values_list("stripe_id", flat=True)) == ["evt_d"]


def test_inserting_a_row_twice_is_refused_by_its_unique_key():
    insert(WebhookEvent(stripe_id="evt_twice", **FIELDS))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(WebhookEvent(stripe_id="evt_twice", **FIELDS))
    assert WebhookEvent.objects.filter(stripe_id="evt_twice").count() == 1


@pytest.mark.django_db(transaction=True)  # in autocommit, as a webhook's request runs
def test_an_upsert_over_a_stored_row_changes_only_the_fields_it_names():
    insert(first := WebhookEvent(stripe_id="evt_up", **FIELDS))
    ignored = {**FIELDS, "status": WebhookEvent.Status.IGNORED, "note": "not ours"}
    again = WebhookEvent(stripe_id="evt_up", **{**ignored, "type": "other", "payload": {}})
    with CaptureQueriesContext(connection) as queries:
        upsert(again, conflict="stripe_id", update=["status", "note", "payload"])
    # No transaction of its own around it (SQLite's BEGIN and COMMIT would show here;
    # psycopg sends PostgreSQL's by itself, unseen).
    assert len(queries) == 1
    row = WebhookEvent.objects.get(stripe_id="evt_up")
    assert (row.status, row.note, row.payload) == ("ignored", "not ours", {})
    assert (row.type, row.received_at) == ("invoice.paid", first.received_at)
    assert row.pk == first.pk == again.pk  # the row kept its key, and the record has it


def test_an_upsert_of_a_new_row_inserts_it():
    upsert(WebhookEvent(stripe_id="evt_new", **FIELDS), conflict="stripe_id", update=["status"])
    assert stored("evt_new")["payload"] == FIELDS["payload"]

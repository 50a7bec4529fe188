import json
import time
from contextlib import contextmanager

import pytest
import requests
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from donations.event_inbox import apply_event_task
from donations.models import Donation, Payment, WebhookEvent
from jobs.worker import run_ready
from stripe_testkit.waiting import wait_until
from tests.concurrency import at_once
from tests.factories import CampaignArticleFactory, DonationFactory, donation_form_data
from tests.stripe_events import (
    answer_subscription_flow,
    checkout_session,
    event,
    sign,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def donation():
    return DonationFactory()


@pytest.fixture
def completed(donation):
    return event("checkout.session.completed", checkout_session(donation), event_id="evt_1")


def test_a_valid_event_is_stored_and_processed(post_event, donation, completed):
    response = post_event(completed)
    assert response.status_code == 200
    assert response.json() == {"status": "received"}  # answered before it is applied
    assert response.outcome == "processed"
    record = WebhookEvent.objects.get()
    assert (record.stripe_id, record.type, record.status) == (
        "evt_1",
        "checkout.session.completed",
        "processed",
    )
    assert record.payload == json.loads(completed)
    assert record.processed_at is not None
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(lambda body: sign(body, secret="whsec_wrong"), id="wrong-secret"),
        pytest.param(lambda body: sign(body, timestamp=int(time.time()) - 301), id="stale"),
        pytest.param(lambda body: "t=1,v1=", id="malformed"),
        pytest.param(lambda body: "garbage", id="garbage"),
        pytest.param(lambda body: sign(body + b" "), id="tampered-body"),
    ],
)
def test_bad_signatures_are_400_with_no_effect(client, donation, completed, signature):
    response = client.post(
        "/stripe/webhook/",
        data=completed,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature(completed),
    )
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING


def test_missing_signature_header_is_400(client, completed):
    response = client.post("/stripe/webhook/", data=completed, content_type="application/json")
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_no_webhook_secret_configured_refuses_everything(post_event, completed, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert post_event(completed).status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"object": "event"}',
        b"[]",
        b'{"id": "evt_1", "type": "invoice.paid", "livemode": false}',
        b'{"id": "evt_1", "type": "invoice.paid", "livemode": false, "data": {"object": "in_1"}}',
        b'{"id": "evt_1", "type": 1, "livemode": false, "data": {"object": {}}}',
        b"\xff not UTF-8",
    ],
)
def test_signed_garbage_is_400(post_event, body):
    assert post_event(body).status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_get_is_not_allowed(client):
    assert client.get("/stripe/webhook/").status_code == 405


def test_an_event_is_stored_as_received_and_applied_by_the_worker(client, donation, completed):
    response = client.post("/stripe/webhook/", data=completed, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=sign(completed))  # fmt: skip
    assert (response.status_code, response.json()) == (200, {"status": "received"})
    record = WebhookEvent.objects.get()
    assert (record.status, record.processed_at, record.payload) == (
        "received",
        None,
        json.loads(completed),
    )
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING  # nothing applied in Stripe's request
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs["args"]) == (
        "donations.event_inbox.apply_event_task",
        ["evt_1"],
    )
    run_ready()
    record.refresh_from_db()
    donation.refresh_from_db()
    assert (record.status, record.attempts, donation.status) == ("processed", 1, "paid")


@contextmanager
def tasks_refused():
    """Inside the block the database refuses every new task (its table is not there)."""
    table = connection.ops.quote_name(DBTaskResult._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO refused_tasks")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE refused_tasks RENAME TO {table}")


def test_an_event_whose_task_is_refused_is_not_stored_and_stripe_delivers_it_again(
    client, donation, completed
):
    def deliver():
        return client.post("/stripe/webhook/", data=completed, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=sign(completed))  # fmt: skip

    with tasks_refused():
        response = deliver()
    assert (response.status_code, response.json()) == (500, {"status": "failed"})
    assert not WebhookEvent.objects.exists()  # its row went with its task's
    assert deliver().json() == {"status": "received"}  # Stripe's next delivery
    assert (WebhookEvent.objects.get().status, DBTaskResult.objects.count()) == ("received", 1)


def test_the_worker_reads_a_received_events_row_once_and_stores_its_outcome_in_one_update(
    client, donation, completed
):
    client.post("/stripe/webhook/", data=completed, content_type="application/json",
                HTTP_STRIPE_SIGNATURE=sign(completed))  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        assert apply_event_task.call("evt_1") == "processed"
    on_the_row = [
        query["sql"].split()[0]
        for query in queries.captured_queries
        if '"donations_webhookevent"' in query["sql"]
    ]
    assert on_the_row == ["SELECT", "UPDATE"]  # the task's read; the outcome in one statement


def test_a_duplicate_delivery_has_no_second_effect(post_event, donation, completed):
    assert post_event(completed).outcome == "processed"
    assert post_event(completed).json() == {"status": "duplicate"}
    assert WebhookEvent.objects.get().attempts == 1
    assert Payment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_duplicates_have_exactly_one_effect():
    donation = DonationFactory()
    payload = event("checkout.session.completed", checkout_session(donation), event_id="evt_c")
    statuses = []

    def deliver():
        response = Client().post(
            "/stripe/webhook/",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(payload),
        )
        statuses.append((response.status_code, response.json()["status"]))

    at_once(deliver, 10)
    assert sorted(statuses) == [(200, "duplicate")] * 9 + [(200, "received")]
    assert DBTaskResult.objects.count() == 1
    applied = []
    at_once(lambda: applied.append(apply_event_task.call("evt_c")), 10)  # ten workers
    assert "processed" in applied
    assert set(applied) <= {"processed", "duplicate", "applied before"}
    assert WebhookEvent.objects.get().status == "processed"
    assert Payment.objects.filter(donation=donation).count() == 1


def test_unknown_event_types_are_acknowledged_and_logged(post_event):
    response = post_event(event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 200
    assert response.json() == {"status": "ignored"}
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.IGNORED


def test_events_for_objects_that_are_not_ours_are_harmless_and_recorded_ignored(post_event):
    session = {"id": "cs_x", "object": "checkout.session", "payment_status": "paid",
               "client_reference_id": None, "metadata": {}}  # fmt: skip
    response = post_event(event("checkout.session.completed", session))
    assert (response.status_code, response.outcome) == (200, "ignored")
    record = WebhookEvent.objects.get()
    assert (record.status, record.note) == (
        "ignored",
        "The event is about no donation of this site's.",
    )


def test_a_failed_event_delivered_again_and_ignored_is_marked_ignored(post_event):
    error = "OperationalError: database is locked"
    WebhookEvent.objects.create(
        stripe_id="evt_again", type="invoice.paid", status="failed", error=error, payload={}
    )
    invoice = {"id": "in_other", "object": "invoice", "parent": {"type": "subscription_details",
               "subscription_details": {"subscription": "sub_other", "metadata": {}}}}  # fmt: skip
    post_event(event("invoice.paid", invoice, event_id="evt_again"))
    record = WebhookEvent.objects.get()
    assert (record.status, record.error, record.attempts) == ("ignored", "", 2)
    assert record.payload["id"] == "evt_again"  # the failed row had none: the delivery's


def test_stripe_down_after_the_commit_fails_the_follow_up_job_not_the_event(
    post_event, fake_stripe
):
    """The schedule is asked of Stripe by a queued job: Stripe down makes the job, not
    Stripe's delivery, fail; the job is tried again, and sets it once Stripe answers."""
    donation = DonationFactory(monthly=True)
    payload = event("checkout.session.completed", checkout_session(donation), event_id="evt_f")
    down = {"error": {"type": "api_error", "message": "Stripe is down"}}
    fake_stripe.answer("GET", f"/v1/subscriptions/sub_test_{donation.pk}", down, status=500)
    assert post_event(payload).outcome == "processed"
    jobs = DBTaskResult.objects.filter(task_path="donations.jobs.follow_up_task")
    job = jobs.get()
    assert (job.status, len(job.worker_ids)) == ("READY", 1)
    assert "Stripe is down" in job.traceback
    donation.refresh_from_db()
    assert (donation.status, donation.stripe_schedule_id) == (Donation.Status.ACTIVE, "")

    fake_stripe.routes.clear()
    answer_subscription_flow(fake_stripe, donation)
    wait_until(lambda: run_ready() and jobs.get().status == "SUCCESSFUL",
               10, "the job's next try")  # fmt: skip
    donation.refresh_from_db()
    assert donation.stripe_schedule_id == f"sub_sched_test_{donation.pk}"
    assert len(jobs.get().worker_ids) == 2
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PROCESSED


@pytest.fixture
def stripe_down_for_a_session(fake_stripe):
    """A checkout.session.completed in another API version (its session is fetched
    again), while Stripe answers that fetch with a 500; `up()` makes it answer."""
    donation = DonationFactory()
    session = checkout_session(donation)
    payload = event("checkout.session.completed", session, event_id="evt_f",
                    api_version="2024-06-20")  # fmt: skip
    down = {"error": {"type": "api_error", "message": "Stripe is down"}}
    path = f"/v1/checkout/sessions/{session['id']}"
    fake_stripe.answer("GET", path, down, status=500)

    def up():
        fake_stripe.routes[("GET", path)] = [(200, session)]

    return donation, payload, up


def test_a_failure_to_apply_is_stored_and_tried_again_by_the_queue(
    post_event, stripe_down_for_a_session
):
    donation, payload, up = stripe_down_for_a_session
    assert post_event(payload).json() == {"status": "received"}  # Stripe need not deliver again
    record = WebhookEvent.objects.get()
    assert (record.status, "Stripe is down" in record.error) == ("failed", True)
    tries = DBTaskResult.objects.filter(task_path="donations.event_inbox.apply_event_task")
    task = tries.get()
    assert (task.status, len(task.worker_ids)) == ("READY", 1)  # tried again after a while
    assert "Stripe is down" in task.traceback
    up()
    wait_until(lambda: run_ready() and tries.get().status == "SUCCESSFUL",
               10, "the event's next try")  # fmt: skip
    record.refresh_from_db()
    assert (record.status, record.attempts, record.error) == ("processed", 2, "")
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID


def test_a_failed_event_delivered_again_by_stripe_is_tried_again_at_once(
    post_event, stripe_down_for_a_session
):
    donation, payload, up = stripe_down_for_a_session
    assert post_event(payload).outcome == "failed"
    up()
    response = post_event(payload)  # Stripe's delivery again
    assert (response.json(), response.outcome) == ({"status": "received"}, "processed")
    record = WebhookEvent.objects.get()
    assert (record.attempts, record.error) == (2, "")
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    wait_until(lambda: not run_ready() and not DBTaskResult.objects.filter(status="READY"),
               10, "the first try's retry")  # fmt: skip
    assert WebhookEvent.objects.get().attempts == 2  # the retry found it applied


def test_a_live_event_on_a_test_mode_site_is_recorded_and_ignored(post_event, donation):
    body = json.loads(event("checkout.session.completed", checkout_session(donation)))
    response = post_event(json.dumps({**body, "livemode": True}).encode())
    assert response.json() == {"status": "ignored"}
    record = WebhookEvent.objects.get()
    assert (record.status, record.note) == ("ignored", "This site ignores a live event.")
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING


def test_an_event_without_livemode_is_400(post_event, donation):
    body = json.loads(event("checkout.session.completed", checkout_session(donation)))
    del body["livemode"]
    response = post_event(json.dumps(body).encode())
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("reference", ["١٢", "12 ", "-1", "1e3"])
def test_only_ascii_digits_are_a_donation_id(post_event, reference):
    donation = DonationFactory()
    session = checkout_session(
        donation, client_reference_id=reference, metadata={"donation_id": reference}
    )
    assert post_event(event("checkout.session.completed", session)).status_code == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_while_the_follow_up_waits_on_a_stalled_stripe_webhooks_and_donations_go_on(
    live_server, fake_stripe, stripe_settings, worker
):
    """The worker asks Stripe for the schedule after the event's commit: while Stripe
    stalls, Stripe's delivery is answered and the database is free for a donation."""
    stripe_settings.STRIPE_READ_TIMEOUT = 30
    monthly = DonationFactory(monthly=True)
    stall = fake_stripe.stall("GET", f"/v1/subscriptions/sub_test_{monthly.pk}")
    fake_stripe.answer(
        "POST", "/v1/checkout/sessions",
        {"id": "cs_new", "object": "checkout.session", "url": "https://checkout.test/cs_new"},
    )  # fmt: skip
    article = CampaignArticleFactory()
    payload = event("checkout.session.completed", checkout_session(monthly))
    try:
        headers = {"Content-Type": "application/json", "Stripe-Signature": sign(payload)}
        answer = requests.post(
            f"{live_server.url}/stripe/webhook/", data=payload, headers=headers, timeout=60
        )
        assert answer.status_code == 200
        assert stall.arrived.wait(timeout=15), "the worker never asked Stripe"
        visitor = requests.Session()
        page = visitor.get(live_server.url + article.get_absolute_url(), timeout=10)
        token = page.cookies["csrftoken"]
        response = visitor.post(
            f"{live_server.url}{article.get_absolute_url()}donate/",
            data={**donation_form_data(), "csrfmiddlewaretoken": token},
            headers={"Referer": live_server.url + article.get_absolute_url()},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 303
        assert response.headers["Location"] == "https://checkout.test/cs_new"
        monthly.refresh_from_db()
        assert monthly.status == Donation.Status.ACTIVE
        assert not stall.released.is_set()  # all this while Stripe still stalls
    finally:
        stall.release()
    assert Donation.objects.filter(stripe_checkout_session_id="cs_new").exists()


def test_an_event_type_the_site_ignores_is_recorded_once(post_event):
    payload = event("customer.created", {"id": "cus_1", "object": "customer"}, event_id="evt_i")
    answers = [post_event(payload).json() for _ in range(2)]
    assert answers == [{"status": "ignored"}] * 2
    record = WebhookEvent.objects.get()
    assert (record.stripe_id, record.status, record.attempts) == ("evt_i", "ignored", 1)
    assert record.note == "This site does not act on this type of event."

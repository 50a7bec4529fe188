"""The test kit: signatures the SDK accepts, waiting that fails in time, cards the sandbox knows."""

import json

import pytest
import stripe

from stripe_sandbox.payments import TEST_CARDS, TEST_PAYMENT_METHODS
from stripe_testkit import cards
from stripe_testkit.shapes import ShapeCheck
from stripe_testkit.signing import signature_header
from stripe_testkit.testmode import TestModeStripe
from stripe_testkit.waiting import TimedOut, wait_until


def test_the_sdk_accepts_the_kits_signature_and_refuses_another_secret():
    payload = json.dumps({"id": "evt_1", "object": "event", "type": "x", "data": {}}).encode()
    header = signature_header(payload, "whsec_kit")
    assert stripe.Webhook.construct_event(payload, header, "whsec_kit").id == "evt_1"
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, header, "whsec_other")


def test_waiting_returns_once_true_and_times_out_naming_what():
    calls = iter([False, False, True])
    wait_until(lambda: next(calls), timeout=5, what="three polls")
    with pytest.raises(TimedOut, match="waiting for never"):
        wait_until(lambda: False, timeout=0.05, what="never")


def test_every_card_and_payment_method_is_known_to_the_sandbox():
    assert {card.digits for card in cards.ALL} == set(TEST_CARDS)
    tokens = {card.payment_method for card in cards.ALL if card.payment_method}
    assert tokens == set(TEST_PAYMENT_METHODS)


def test_the_kit_refuses_a_live_key():
    with pytest.raises(ValueError, match="test mode only"):
        TestModeStripe("sk_live_x")


def test_shapes_name_a_missing_attribute_a_null_and_a_value_outside_the_literal():
    check = ShapeCheck()
    session = {"id": "cs_1", "object": "checkout.session", "ui_mode": "hosted", "mode": None}
    check.check(session, "session")
    assert "session.ui_mode: 'hosted' is not one of" in " ".join(check.problems)
    assert "session.mode: null, but not Optional" in check.problems
    assert "session.created: missing" in check.problems


def test_shapes_walk_nested_objects_and_lists():
    check = ShapeCheck()
    invoice = {"object": "invoice", "lines": {"object": "list", "data": [{"object": "line_item"}]}}
    check.check(invoice, "in")
    assert "in.lines.data[0].amount: missing" in check.problems

"""Fill in what Stripe's objects always carry and the sandbox does not model.

The sandbox keeps only the attributes it acts on. Every object it answers with or
sends in an event is completed here, on the copy that leaves it, with the other
attributes the pinned API declares as always present (their neutral values: no
tax, no discounts, no shipping), so that clients see Stripe's real shape. The
test tests/test_stripe_sandbox_shapes.py checks the result against the SDK.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NO_AUTOMATIC_TAX = {"enabled": False, "liability": None, "provider": None, "status": None}
ISSUER_SELF = {"type": "self"}


def _checkout_session(obj: dict[str, Any]) -> None:
    obj.setdefault("automatic_tax", NO_AUTOMATIC_TAX)
    obj.setdefault("custom_fields", [])
    obj.setdefault(
        "custom_text",
        {"after_submit": None, "shipping_address": None, "submit": None,
         "terms_of_service_acceptance": None},
    )  # fmt: skip
    obj.setdefault("shipping_options", [])
    obj.setdefault("ui_mode", "hosted_page")


def _payment_intent(obj: dict[str, Any]) -> None:
    obj.setdefault("amount_capturable", 0)
    obj.setdefault("capture_method", "automatic_async")
    obj.setdefault("confirmation_method", "automatic")
    obj.setdefault("payment_method_types", ["card"])


def _charge(obj: dict[str, Any]) -> None:
    obj.setdefault(
        "billing_details",
        {"address": None, "email": None, "name": None, "phone": None, "tax_id": None},
    )
    obj.setdefault("disputed", False)


def _dispute(obj: dict[str, Any]) -> None:
    obj.setdefault("enhanced_eligibility_types", [])
    obj.setdefault("evidence", {}).setdefault("enhanced_evidence", {})
    details = obj.setdefault("evidence_details", {})
    details.setdefault("submission_method", "manual" if details.get("has_evidence") else
                       "not_submitted")  # fmt: skip


def _invoice(obj: dict[str, Any]) -> None:
    amount = obj.get("amount_due", 0)
    for name, value in (
        ("amount_overpaid", 0), ("amount_shipping", 0), ("automatic_tax", NO_AUTOMATIC_TAX),
        ("default_tax_rates", []), ("discounts", []), ("issuer", ISSUER_SELF),
        ("post_payment_credit_notes_amount", 0), ("pre_payment_credit_notes_amount", 0),
        ("starting_balance", 0), ("subtotal", amount), ("total", amount),
        ("payment_settings",
         {"default_mandate": None, "payment_method_options": None, "payment_method_types": None}),
    ):  # fmt: skip
        obj.setdefault(name, value)
    for line in obj.get("lines", {}).get("data", []):
        line.setdefault("discountable", True)
        line.setdefault("discounts", [])
        line.setdefault("livemode", False)
        line.setdefault("metadata", {})
        line.setdefault("subtotal", line.get("amount", 0))


def _subscription(obj: dict[str, Any]) -> None:
    obj.setdefault("automatic_tax", {"enabled": False, "disabled_reason": None, "liability": None})
    obj.setdefault("billing_mode", {"type": "classic", "flexible": None, "updated_at": None})
    obj.setdefault("billing_schedules", [])
    obj.setdefault("discounts", [])
    obj.setdefault("invoice_settings", {"account_tax_ids": None, "issuer": ISSUER_SELF})
    for item in obj.get("items", {}).get("data", []):
        item.setdefault("created", obj.get("created", 0))
        item.setdefault("discounts", [])
        item.setdefault("metadata", {})
        item.setdefault("plan", plan_of(item["price"]))


def plan_of(price: dict[str, Any]) -> dict[str, Any]:
    """The Plan a recurring Price still stands for in the API (`item.plan`)."""
    recurring = price.get("recurring") or {}
    return {
        "id": price["id"], "object": "plan", "active": True, "amount": price.get("unit_amount"),
        "amount_decimal": str(price.get("unit_amount")), "billing_scheme": "per_unit",
        "created": price.get("created", 0), "currency": price.get("currency", "usd"),
        "interval": recurring.get("interval", "month"),
        "interval_count": recurring.get("interval_count", 1), "livemode": False,
        "metadata": {}, "nickname": None, "product": price.get("product"), "tiers_mode": None,
        "transform_usage": None, "trial_period_days": None, "usage_type": "licensed",
        "meter": None,
    }  # fmt: skip


def _price(obj: dict[str, Any]) -> None:
    obj.setdefault("billing_scheme", "per_unit")
    if obj.get("recurring"):
        obj["recurring"].setdefault("usage_type", "licensed")
        obj["recurring"].setdefault("meter", None)
        obj["recurring"].setdefault("trial_period_days", None)


def _subscription_schedule(obj: dict[str, Any]) -> None:
    obj.setdefault("billing_mode", {"type": "classic", "flexible": None, "updated_at": None})
    obj.setdefault(
        "default_settings",
        {"application_fee_percent": None, "automatic_tax": None,
         "billing_cycle_anchor": "automatic", "billing_thresholds": None,
         "collection_method": None, "default_payment_method": None, "description": None,
         "invoice_settings": {"account_tax_ids": None, "days_until_due": None,
                              "issuer": ISSUER_SELF},
         "on_behalf_of": None, "transfer_data": None},
    )  # fmt: skip
    obj.setdefault("pause_schedules", [])
    for phase in obj.get("phases", []):
        phase.setdefault("add_invoice_items", [])
        phase.setdefault("currency", "usd")
        phase.setdefault("discounts", [])
        for item in phase.get("items", []):
            item.setdefault("discounts", [])
            item.setdefault("plan", item.get("price"))


def _product(obj: dict[str, Any]) -> None:
    obj.setdefault("images", [])
    obj.setdefault("marketing_features", [])
    obj.setdefault("type", "service")
    obj.setdefault("updated", obj.get("created", 0))


def _test_clock(obj: dict[str, Any]) -> None:
    obj.setdefault("status_details", {"advancing": None})


COMPLETERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "charge": _charge,
    "checkout.session": _checkout_session,
    "dispute": _dispute,
    "invoice": _invoice,
    "payment_intent": _payment_intent,
    "price": _price,
    "product": _product,
    "subscription": _subscription,
    "subscription_schedule": _subscription_schedule,
    "test_helpers.test_clock": _test_clock,
}


def complete(value: Any) -> Any:
    """Complete every Stripe object inside `value` (a copy the sandbox sends), in place."""
    if isinstance(value, dict):
        for inner in list(value.values()):
            complete(inner)
        kind = value.get("object")
        completer = COMPLETERS.get(kind) if isinstance(kind, str) else None
        if completer is not None:
            completer(value)
    elif isinstance(value, list):
        for inner in value:
            complete(inner)
    return value

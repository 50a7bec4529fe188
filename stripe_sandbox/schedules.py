"""Subscription changes: update, cancel, and schedules that end a subscription."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stripe_sandbox.billing import LIVE
from stripe_sandbox.store import StripeError
from stripe_sandbox.timeline import add_interval, now_for

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox


def update_subscription(sb: Sandbox, sub_id: str, params: dict[str, Any]) -> dict[str, Any]:
    sub = sb.store.get(sub_id, "subscription")
    keys = ("metadata", "description", "default_payment_method", "pause_collection")
    previous = {k: sub.get(k) for k in keys if k in params}
    for key in previous:
        sub[key] = params[key]
    if "pause_collection" in params:
        sub["pause_collection"] = _pause(params["pause_collection"])
    if previous:
        sb.webhooks.emit("customer.subscription.updated", sub, previous)
    return sub


def _pause(value: Any) -> dict[str, Any] | None:
    """`pause_collection` as given ("" resumes), as the subscription shows it."""
    if not value:
        return None
    if value.get("behavior") != "void":
        raise StripeError(
            "The sandbox pauses with behavior=void only.", param="pause_collection[behavior]"
        )
    resumes = value.get("resumes_at")
    return {"behavior": "void", "resumes_at": int(resumes) if resumes else None}


def cancel_subscription(sb: Sandbox, sub_id: str, at: int | None = None) -> dict[str, Any]:
    sub = sb.store.get(sub_id, "subscription")
    if sub["status"] == "canceled":
        raise StripeError(
            f"A canceled subscription can only update its metadata: '{sub_id}'",
            param="subscription",
        )
    at = at if at is not None else now_for(sb, sub["customer"])
    sub.update(status="canceled", canceled_at=at, ended_at=at)
    if sub["schedule"]:
        schedule = sb.store.get(sub["schedule"], "subscription_schedule")
        if schedule["status"] == "active":
            schedule.update(status="canceled", canceled_at=at)
            sb.webhooks.emit("subscription_schedule.canceled", schedule)
    sb.webhooks.emit("customer.subscription.deleted", sub)
    return sub


def create_schedule(sb: Sandbox, params: dict[str, Any]) -> dict[str, Any]:
    if "from_subscription" not in params:
        raise StripeError(
            "The sandbox creates schedules from a subscription only.", param="from_subscription"
        )
    sub = sb.store.get(params["from_subscription"], "subscription")
    if sub["schedule"]:
        raise StripeError(
            f"You cannot migrate a subscription that is already attached to a schedule: "
            f"`{sub['schedule']}`.",
            param="from_subscription",
        )
    if sub["status"] not in LIVE:
        raise StripeError(
            "Only active subscriptions can be migrated to a schedule.", param="from_subscription"
        )
    item = sub["items"]["data"][0]
    start, end = item["current_period_start"], item["current_period_end"]
    schedule = sb.store.add(
        {
            "id": sb.store.new_id("sub_sched"),
            "object": "subscription_schedule",
            "status": "active",
            "subscription": sub["id"],
            "customer": sub["customer"],
            "end_behavior": "release",
            "metadata": {},
            "test_clock": sub.get("test_clock"),
            "current_phase": {"start_date": start, "end_date": end},
            "phases": [_phase(item["price"]["id"], item["quantity"], start, end)],
            "canceled_at": None,
            "completed_at": None,
            "released_at": None,
            "released_subscription": None,
        }
    )
    sub["schedule"] = schedule["id"]
    sb.webhooks.emit("subscription_schedule.created", schedule)
    return schedule


def _phase(price: str, quantity: int, start: int, end: int) -> dict[str, Any]:
    return {
        "start_date": start,
        "end_date": end,
        "items": [{"price": price, "quantity": quantity}],
        "proration_behavior": "create_prorations",
        "metadata": {},
    }


def update_schedule(sb: Sandbox, schedule_id: str, params: dict[str, Any]) -> dict[str, Any]:
    schedule = sb.store.get(schedule_id, "subscription_schedule")
    if schedule["status"] not in ("active", "not_started"):
        raise StripeError(
            f"You cannot update a subscription schedule that is {schedule['status']}."
        )
    if "phases" in params:
        start = schedule["current_phase"]["start_date"]
        phases = []
        for index, phase in enumerate(params["phases"]):
            path = f"phases[{index}]"
            phase_start = int(phase.get("start_date", start))
            if index == 0 and phase_start != schedule["phases"][0]["start_date"]:
                raise StripeError(
                    "You can not modify the start date of the current phase.",
                    param=f"{path}[start_date]",
                )
            if "duration" in phase and "end_date" in phase:
                raise StripeError(
                    "You may only specify one of these parameters: duration, end_date.",
                    param=f"{path}[duration]",
                )
            if "duration" in phase:
                duration = phase["duration"]
                end = add_interval(
                    phase_start, duration["interval"], int(duration.get("interval_count", 1))
                )
            elif "end_date" in phase:
                end = int(phase["end_date"])
            else:
                raise StripeError("A phase needs an end_date or a duration.", param=path)
            item = phase["items"][0]
            phases.append(_phase(item["price"], int(item.get("quantity", 1)), phase_start, end))
            phases[-1]["proration_behavior"] = phase.get("proration_behavior", "create_prorations")
            start = end
        schedule["phases"] = phases
        schedule["current_phase"] = {
            "start_date": phases[0]["start_date"],
            "end_date": phases[0]["end_date"],
        }
    if "end_behavior" in params:
        schedule["end_behavior"] = params["end_behavior"]
    sb.webhooks.emit("subscription_schedule.updated", schedule)
    return schedule


def release_schedule(sb: Sandbox, schedule_id: str) -> dict[str, Any]:
    schedule = sb.store.get(schedule_id, "subscription_schedule")
    sub = sb.store.get(schedule["subscription"], "subscription")
    schedule.update(
        status="released",
        released_at=now_for(sb, sub["customer"]),
        released_subscription=sub["id"],
        subscription=None,
    )
    sub["schedule"] = None
    sb.webhooks.emit("subscription_schedule.released", schedule)
    return schedule

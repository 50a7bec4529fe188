"""Subscription changes over time: cancel, schedules, and test clocks that bill renewals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stripe_sandbox.billing import LIVE, add_interval, bill, now_for
from stripe_sandbox.store import StripeError

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox

CLOCK = "test_helpers.test_clock"


def update_subscription(sb: Sandbox, sub_id: str, params: dict[str, Any]) -> dict[str, Any]:
    sub = sb.store.get(sub_id, "subscription")
    previous = {
        k: sub[k] for k in ("metadata", "description", "default_payment_method") if k in params
    }
    for key in previous:
        sub[key] = params[key]
    if previous:
        sb.webhooks.emit("customer.subscription.updated", sub, previous)
    return sub


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


# Test clocks ---------------------------------------------------------------------
def create_clock(sb: Sandbox, params: dict[str, Any]) -> dict[str, Any]:
    frozen = int(params["frozen_time"])
    clock = sb.store.add(
        {
            "id": sb.store.new_id("clock"),
            "object": CLOCK,
            "frozen_time": frozen,
            "name": params.get("name"),
            "status": "ready",
            "deletes_after": frozen + 30 * 86400,
        }
    )
    sb.webhooks.emit("test_helpers.test_clock.created", clock)
    return clock


def advance_clock(sb: Sandbox, clock_id: str, params: dict[str, Any]) -> dict[str, Any]:
    clock = sb.store.get(clock_id, CLOCK)
    target = int(params["frozen_time"])
    if target <= clock["frozen_time"]:
        raise StripeError(
            "The test clock can only be advanced to a time after its frozen time.",
            param="frozen_time",
        )
    subs = [s for s in sb.store.all("subscription", test_clock=clock_id) if s["status"] in LIVE]
    for sub in subs:
        recurring = sub["items"]["data"][0]["price"]["recurring"]
        limit = add_interval(
            clock["frozen_time"], recurring["interval"], 2 * recurring["interval_count"]
        )
        if target > limit:
            raise StripeError(
                "Cannot advance more than two intervals of the shortest subscription "
                "interval at a time.",
                param="frozen_time",
            )
    clock["status"] = "advancing"
    sb.webhooks.emit("test_helpers.test_clock.advancing", clock)
    for sub in sorted(subs, key=lambda s: s["items"]["data"][0]["current_period_end"]):
        _run_until(sb, sub, target, clock)
    clock.update(frozen_time=target, status="ready")
    sb.webhooks.emit("test_helpers.test_clock.ready", clock)
    return clock


def _run_until(sb: Sandbox, sub: dict[str, Any], target: int, clock: dict[str, Any]) -> None:
    item = sub["items"]["data"][0]
    recurring = item["price"]["recurring"]
    while sub["status"] in LIVE and item["current_period_end"] <= target:
        boundary = item["current_period_end"]
        clock["frozen_time"] = boundary
        schedule = sb.store.objects.get(sub["schedule"] or "")
        if (
            schedule
            and schedule["status"] == "active"
            and boundary >= schedule["phases"][-1]["end_date"]
        ):
            if schedule["end_behavior"] == "cancel":
                schedule.update(status="completed", completed_at=boundary)
                sb.webhooks.emit("subscription_schedule.completed", schedule)
                cancel_subscription(sb, sub["id"], at=boundary)
                return
            release_schedule(sb, schedule["id"])
        periods = 1 + _periods_since_anchor(sub, boundary)
        item["current_period_start"] = boundary
        item["current_period_end"] = add_interval(
            sub["billing_cycle_anchor"],
            recurring["interval"],
            periods * recurring["interval_count"],
        )
        paid = bill(sb, sub, "subscription_cycle")
        status = "active" if paid else "past_due"
        if sub["status"] != status:
            previous = {"status": sub["status"]}
            sub["status"] = status
            sb.webhooks.emit("customer.subscription.updated", sub, previous)


def _periods_since_anchor(sub: dict[str, Any], boundary: int) -> int:
    recurring = sub["items"]["data"][0]["price"]["recurring"]
    count = 0
    while (
        add_interval(
            sub["billing_cycle_anchor"],
            recurring["interval"],
            (count + 1) * recurring["interval_count"],
        )
        <= boundary
    ):
        count += 1
    return count

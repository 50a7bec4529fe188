"""Test clocks: advancing one bills the renewals of its subscriptions and ends those
whose schedule is over, as Stripe's test helpers do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stripe_sandbox.billing import LIVE, bill, retry_due
from stripe_sandbox.schedules import cancel_subscription, release_schedule
from stripe_sandbox.store import StripeError
from stripe_sandbox.timeline import CLOCK, add_interval

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox


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
        retry_due(sb, sub, boundary, clock)
        clock["frozen_time"] = boundary
        pause = sub.get("pause_collection")
        if pause and pause.get("resumes_at") and pause["resumes_at"] <= boundary:
            sub["pause_collection"] = None  # resumed: this period is billed again
            sb.webhooks.emit("customer.subscription.updated", sub, {"pause_collection": pause})
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
    retry_due(sb, sub, target, clock)


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

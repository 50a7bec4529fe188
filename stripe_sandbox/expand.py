"""`expand[]`: ids in an answer replaced by their objects, as deep as the path says
(`latest_charge.refunds.data.balance_transaction`). A charge's `refunds` are listed only
when expanded, as in the current API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stripe_sandbox.store import list_object

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox


def expand(sb: Sandbox, body: dict[str, Any], paths: list[str]) -> None:
    for path in paths:
        _expand(sb, body, path.split("."))


def _expand(sb: Sandbox, obj: Any, parts: list[str]) -> None:
    if not parts or not isinstance(obj, dict):
        return
    head, rest = parts[0], parts[1:]
    if head == "data" and isinstance(obj.get("data"), list):
        for item in obj["data"]:
            _expand(sb, item, rest)
        return
    if head == "refunds" and obj.get("object") == "charge" and "refunds" not in obj:
        refunds = reversed(sb.store.all("refund", charge=obj["id"]))
        obj["refunds"] = list_object(
            f"/v1/charges/{obj['id']}/refunds", [sb.store.snapshot(r) for r in refunds]
        )
    value = obj.get(head)
    if isinstance(value, str) and value in sb.store.objects:
        obj[head] = sb.store.snapshot(sb.store.objects[value])
    _expand(sb, obj.get(head), rest)

"""The sandbox's in-memory state: Stripe objects by id, events, idempotency keys."""

from __future__ import annotations

import copy
import secrets
import string
import threading
import time
from typing import Any

from stripe import _api_version

API_VERSION = _api_version._ApiVersion.CURRENT


BASE62 = string.digits + string.ascii_letters
ID_LENGTHS = {"cs_test": 58, "cus": 14, "prod": 14}
# Objects the API declares without `livemode`.
WITHOUT_LIVEMODE = {"refund", "balance_transaction"}


class StripeError(Exception):
    """Answered as Stripe's error JSON: {"error": {"type", "message", "param", "code"}}."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        decline_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"type": type, "message": message}
        for key, value in (("param", param), ("code", code), ("decline_code", decline_code)):
            if value:
                self.body[key] = value


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.objects: dict[str, dict[str, Any]] = {}
        self._by_kind: dict[str, dict[str, dict[str, Any]]] = {}  # `all` reads one kind
        self.events: list[dict[str, Any]] = []
        self.idempotency: dict[str, tuple[str, int, dict[str, Any]]] = {}
        # Behaviour of each test card or payment method, kept out of the objects.
        self.card_behavior: dict[str, str] = {}

    def new_id(self, prefix: str) -> str:
        """An id as Stripe makes them: the prefix and random letters and digits (base62),
        58 of them for a Checkout Session, 14 for a customer or product, 24 otherwise."""
        length = ID_LENGTHS.get(prefix, 24)
        while True:
            candidate = f"{prefix}_" + "".join(secrets.choice(BASE62) for _ in range(length))
            if candidate not in self.objects:
                return candidate

    def add(self, obj: dict[str, Any]) -> dict[str, Any]:
        if obj["object"] not in WITHOUT_LIVEMODE:
            obj.setdefault("livemode", False)
        obj.setdefault("created", int(time.time()))
        self.objects[obj["id"]] = obj
        self._by_kind.setdefault(obj["object"], {})[obj["id"]] = obj
        return obj

    def get(self, object_id: str, kind: str) -> dict[str, Any]:
        obj = self.objects.get(object_id)
        if obj is None or obj["object"] != kind:
            raise StripeError(
                f"No such {kind.split('.')[-1].replace('_', ' ')}: '{object_id}'",
                status=404,
                param="id",
                code="resource_missing",
            )
        return obj

    def all(self, kind: str, **filters: Any) -> list[dict[str, Any]]:
        return [
            o
            for o in self._by_kind.get(kind, {}).values()
            if all(o.get(k) == v for k, v in filters.items())
        ]

    def snapshot(self, obj: dict[str, Any]) -> dict[str, Any]:
        return copy.deepcopy(obj)


def list_object(url: str, data: list[dict[str, Any]], has_more: bool = False) -> dict[str, Any]:
    return {"object": "list", "url": url, "has_more": has_more, "data": data}

"""A webhook's body, once its signature holds: parsed, checked and made storable.

Stripe signs what it sends, but a signature proves only who sent a body, not that
every body is well formed, and what the site stores must suit every database:
PostgreSQL refuses NUL characters and lone surrogates in text and JSON, and NaN or
Infinity in JSON. So an event is refused (InvalidEvent, a 400) when its envelope is
not Stripe's (ids, type, times, version of the lengths and kinds the site stores;
nesting deeper than any Stripe object; numbers JSON does not have), and a string that
a database cannot store has those characters replaced (a billing name typed with a
NUL in it is still a payment to record).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from donations.stripe_objects import ReceivedEvent

ID = re.compile(r"[A-Za-z0-9_.\-]{1,255}")
TYPE = re.compile(r"[a-z0-9_.]{1,100}")
LATEST_TIMESTAMP = 2**33  # the year 2242
# A NUL, or a UTF-16 surrogate (alone, it cannot be stored), escaped in the JSON.
UNSTORABLE_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class InvalidEvent(Exception):
    """A request that is not a well-formed event signed with our webhook secret."""


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON has")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large a number")
    return number


def parse_event(payload: bytes) -> ReceivedEvent:
    try:
        body = json.loads(payload, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise InvalidEvent("Not a Stripe event: nested too deep.") from None
    except ValueError as error:  # not JSON, not UTF-8, or numbers JSON does not have
        raise InvalidEvent(f"Not a Stripe event: {error}") from error
    if not isinstance(body, dict):
        raise InvalidEvent("Not a Stripe event: not a JSON object.")
    if UNSTORABLE_ESCAPE.search(payload):
        body = storable(body)
    _check_envelope(body)
    return ReceivedEvent(body)


def _check_envelope(body: dict[str, Any]) -> None:
    if not (_matches(ID, body.get("id")) and _matches(TYPE, body.get("type"))):
        raise InvalidEvent("The event has no id or type, or not one Stripe would send.")
    if not isinstance(body.get("livemode"), bool):
        raise InvalidEvent("The event does not say whether it is live or a test.")
    created = body.get("created")
    if created is not None and not (
        type(created) is int and 0 <= created < LATEST_TIMESTAMP  # not a bool
    ):
        raise InvalidEvent("The event's creation time is not a Unix time.")
    version = body.get("api_version")
    if version is not None and not (isinstance(version, str) and len(version) <= 50):
        raise InvalidEvent("The event's API version is not one Stripe would send.")
    data = body.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise InvalidEvent("The event has no object.")
    if not (_matches(ID, obj.get("id")) and isinstance(obj.get("object", ""), str)):
        raise InvalidEvent("The event's object has no id.")


def _matches(pattern: re.Pattern[str], value: Any) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def storable(value: Any) -> Any:
    """`value` with every NUL and lone surrogate in its strings (keys too) replaced."""
    if isinstance(value, str):
        return UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    return value

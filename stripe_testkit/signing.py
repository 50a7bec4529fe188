"""Webhook signatures as Stripe computes them (the `Stripe-Signature` header)."""

from __future__ import annotations

import hashlib
import hmac
import time


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """`t=…,v1=…`: an HMAC-SHA256 of `{timestamp}.{payload}` with the endpoint's secret."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"

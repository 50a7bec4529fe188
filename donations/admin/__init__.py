"""The donations app in the admin: campaigns, donations, payments, disputes, events."""

from donations.admin import campaigns, donations, payments

__all__ = ["campaigns", "donations", "payments"]

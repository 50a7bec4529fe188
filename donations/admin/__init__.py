"""The donations app in the admin: campaigns, donations, payments, disputes, events."""

from donations.admin import boxes, campaigns, donations, donors, payments

__all__ = ["boxes", "campaigns", "donations", "donors", "payments"]

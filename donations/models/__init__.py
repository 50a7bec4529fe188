"""Campaigns, donations, the payments Stripe confirmed, and the webhook event log.

Money is an integer in the smallest unit Stripe counts in its currency (cents of a
dollar; see donations.currencies); times are timezone-aware UTC.
"""

from donations.models.amounts import amount_limits, shown
from donations.models.boxes import DonationBox
from donations.models.campaigns import (
    Campaign,
    default_preset_amounts,
    embed_origins,
    net_received,
    offered,
    validate_preset_amounts,
)
from donations.models.donations import NEVER_PAID, Donation, Frequency, Method, is_reference
from donations.models.donors import Donor, DonorEmail, donor_for, normalised
from donations.models.events import WebhookEvent
from donations.models.payments import Dispute, Payment, Receipt, RefundReason
from donations.models.statements import Statement

__all__ = [
    "NEVER_PAID", "Campaign", "Dispute", "Donation", "DonationBox", "Donor", "DonorEmail",
    "Frequency", "Method", "Payment", "Receipt", "RefundReason", "Statement", "WebhookEvent",
    "amount_limits", "default_preset_amounts", "donor_for", "embed_origins", "is_reference",
    "net_received", "normalised", "offered", "shown", "validate_preset_amounts",
]  # fmt: skip

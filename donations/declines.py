"""Why a card payment failed, in the donor's words: Stripe's decline codes
(docs.stripe.com/declines/codes) grouped by what the donor can do about them."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_FUNDS = _("your card did not have enough funds available")
_EXPIRED = _("your card has expired")
_DETAILS = _("the card details did not match what your bank has (number, date or security code)")
_BLOCKED = _("your bank reports the card as lost, stolen or no longer in use")
_LIMIT = _("your card reached its spending limit")
_CONFIRM = _("your bank asked you to confirm the payment, which cannot be done for a renewal")
_TRY_AGAIN = _("your bank could not be reached; nothing was charged")
_GENERIC = _("your bank declined the payment without giving a reason")

REASONS: dict[str, Promise] = {
    "insufficient_funds": _FUNDS,
    "expired_card": _EXPIRED,
    "incorrect_cvc": _DETAILS, "invalid_cvc": _DETAILS, "incorrect_number": _DETAILS,
    "invalid_number": _DETAILS, "invalid_expiry_month": _DETAILS,
    "invalid_expiry_year": _DETAILS, "incorrect_zip": _DETAILS,
    "lost_card": _BLOCKED, "stolen_card": _BLOCKED, "pickup_card": _BLOCKED,
    "restricted_card": _BLOCKED, "card_not_supported": _BLOCKED,
    "card_velocity_exceeded": _LIMIT, "withdrawal_count_limit_exceeded": _LIMIT,
    "authentication_required": _CONFIRM, "approve_with_id": _CONFIRM,
    "processing_error": _TRY_AGAIN, "issuer_not_available": _TRY_AGAIN,
    "try_again_later": _TRY_AGAIN, "reenter_transaction": _TRY_AGAIN,
}  # fmt: skip


def reason(decline_code: str) -> str:
    """ "your card has expired" for `expired_card`; a bank's refusal in general for a code
    that says nothing more (`generic_decline`, `do_not_honor`) or none."""
    return str(REASONS.get(decline_code, _GENERIC))

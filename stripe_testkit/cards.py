"""Stripe's documented test cards, their test payment methods, and what each does."""

from __future__ import annotations

from dataclasses import dataclass

OK, DECLINE, INSUFFICIENT, FAIL_AFTER_ATTACH = "ok", "decline", "insufficient", "fail_after_attach"
# Paid, then disputed by the card holder: as fraud, or as a product not received.
DISPUTE_FRAUD, DISPUTE_NOT_RECEIVED = "dispute_fraudulent", "dispute_product_not_received"


@dataclass(frozen=True)
class TestCard:
    number: str  # as a person types it
    brand: str
    outcome: (
        str  # OK, DECLINE, INSUFFICIENT, FAIL_AFTER_ATTACH (pays now, renewals fail), DISPUTE_…
    )
    payment_method: str = ""  # the pm_card_… token that stands for it through the API

    __test__ = False  # not a pytest test class

    @property
    def digits(self) -> str:
        return self.number.replace(" ", "")


VISA = TestCard("4242 4242 4242 4242", "visa", OK, "pm_card_visa")
VISA_DEBIT = TestCard("4000 0566 5566 5556", "visa", OK)
MASTERCARD = TestCard("5555 5555 5555 4444", "mastercard", OK, "pm_card_mastercard")
THREE_D_SECURE = TestCard("4000 0025 0000 3155", "visa", OK)  # the sandbox approves it
DECLINED = TestCard("4000 0000 0000 0002", "visa", DECLINE, "pm_card_chargeDeclined")
INSUFFICIENT_FUNDS = TestCard(
    "4000 0000 0000 9995", "visa", INSUFFICIENT, "pm_card_chargeDeclinedInsufficientFunds"
)
FAILS_ON_RENEWAL = TestCard(
    "4000 0000 0000 0341", "visa", FAIL_AFTER_ATTACH, "pm_card_chargeCustomerFail"
)
DISPUTED_AS_FRAUD = TestCard("4000 0000 0000 0259", "visa", DISPUTE_FRAUD, "pm_card_createDispute")
DISPUTED_NOT_RECEIVED = TestCard(
    "4000 0000 0000 2685", "visa", DISPUTE_NOT_RECEIVED, "pm_card_createDisputeProductNotReceived"
)
ALL = (
    VISA, VISA_DEBIT, MASTERCARD, THREE_D_SECURE, DECLINED, INSUFFICIENT_FUNDS, FAILS_ON_RENEWAL,
    DISPUTED_AS_FRAUD, DISPUTED_NOT_RECEIVED,
)  # fmt: skip

"""The one kit for driving Stripe's test mode (or the payments sandbox) from outside.

Used by payment runs (`manage.py payment_run`), the test suite and the sandbox:
test cards, webhook signing, waiting on a condition, and the calls that only test
mode has (test clocks, test customers, listing events). The site itself never
imports it: what the site calls lives in donations/stripe_gateway.py. Plain
Python and the stripe SDK; no Django.
"""

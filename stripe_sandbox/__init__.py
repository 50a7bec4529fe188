"""A small Stripe-compatible server for offline runs and tests (test mode only).

It answers the Stripe API calls the donations app makes, in the response and
event shapes of the API version the installed stripe SDK pins, serves a
checkout page at each session's `url`, delivers signed webhooks, and bills
renewals when a test clock advances. State lives in memory and is reset on
start. Nothing in the site's production code depends on this package.

Run it with `python -m stripe_sandbox --help`.
"""

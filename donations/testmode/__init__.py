"""Test-mode payment runs (`manage.py payment_run`): prove the payment path end to end."""

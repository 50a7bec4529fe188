"""Driving the Django admin as staff do."""


def admin_action(client, action, objects, *, follow=True, **extra):
    """POST an admin action on `objects` (all of one model) from its change list."""
    meta = objects[0]._meta
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
    return client.post(f"/admin/{meta.app_label}/{meta.model_name}/", data, follow=follow)


def ask_refund(client, payment, amount, *, seen=0, reason="requested_by_customer", **extra):
    """Confirm the Refund… page for `payment`: `amount` typed, `seen` cents refunded
    when the page was shown, one of Stripe's reasons."""
    fields = {f"amount-{payment.pk}": amount, f"seen-{payment.pk}": str(seen)}
    return admin_action(
        client, "refund_payments", [payment], confirm="yes", reason=reason, **fields, **extra
    )

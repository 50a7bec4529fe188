"""Driving the Django admin as staff do."""


def admin_action(client, action, objects, *, follow=True, **extra):
    """POST an admin action on `objects` (all of one model) from its change list."""
    meta = objects[0]._meta
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
    return client.post(f"/admin/{meta.app_label}/{meta.model_name}/", data, follow=follow)

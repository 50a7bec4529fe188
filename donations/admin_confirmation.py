"""A page that says what an admin action will do before it does it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.template.response import TemplateResponse


def confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirm") == "yes"


def confirmation(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    objects: Iterable[Model],
    *,
    action: str,
    title: str,
    intro: str,
    lines: Sequence[str],
    submit: str,
    danger: bool = False,
    choices: Sequence[tuple[object, str]] = (),
    choice_name: str = "",
    choices_legend: str = "",
) -> TemplateResponse:
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title, "intro": intro, "lines": lines, "submit": submit, "danger": danger,
        "action": action, "selected": [obj.pk for obj in objects],
        "choices": choices, "choice_name": choice_name, "choices_legend": choices_legend,
        "back": request.get_full_path(), "opts": modeladmin.model._meta,
    }  # fmt: skip
    return TemplateResponse(request, "admin/donations/confirm.html", context)

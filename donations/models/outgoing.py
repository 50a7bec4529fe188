"""An e-mail sent at most once, whichever worker sends it: receipts and statements.

A sender claims the row first (one UPDATE: only one sender wins it), then records it
sent, or releases it with the error for a retry. A claim older than `stale` was made
by a sender that died mid-way, and may be taken again.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutgoingMail(models.Model):
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def unclaimed(stale: timedelta) -> Q:
        """Not claimed, or claimed so long ago that its sender must have died mid-way."""
        return Q(claimed_at=None) | Q(claimed_at__lt=timezone.now() - stale)

    def claim(self, stale: timedelta) -> bool:
        """Whether this sender has it now (not sent, and no live claim by another)."""
        mine = type(self)._default_manager.filter(self.unclaimed(stale), pk=self.pk, sent_at=None)
        return bool(mine.update(claimed_at=timezone.now()))

    def _record(self, **fields: object) -> None:
        type(self)._default_manager.filter(pk=self.pk).update(**fields)

    def record_sent(self) -> None:
        self._record(sent_at=timezone.now(), attempts=self.attempts + 1, error="")

    def release(self, error: Exception) -> None:
        """The mail server failed it: free for a retry, the error kept for staff."""
        self._record(claimed_at=None, attempts=self.attempts + 1,
                     error=f"{type(error).__name__}: {error}")  # fmt: skip

    def close_unsent(self, why: str) -> None:
        """Never to be sent (`why` is kept for staff)."""
        self._record(sent_at=timezone.now(), error=why)

"""A cached page's gzip, put together rather than compressed anew on every visit.

A page from the page cache differs from one visitor to the next only in a few tokens
(the CSRF token, a form's one-time token). Its static parts are deflated once, each
ending on a full flush (byte-aligned, with no reference to what came before: a deflate
stream may be cut there and joined, as pigz joins parts compressed in parallel); each
visitor's tokens go between them as stored (uncompressed) blocks, and the gzip member
is closed with the CRC-32 and length of what it holds. The header carries a filename
of random length, as Django's GZipMiddleware does against BREACH (the CSRF token is
masked anew on every request too).
"""

from __future__ import annotations

import re
import secrets
import struct
import zlib
from collections.abc import Mapping
from functools import cached_property

MAX_RANDOM_BYTES = 100  # as django.middleware.gzip.GZipMiddleware
LEVEL = 6


def _deflated(data: bytes, *, last: bool) -> bytes:
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(
        zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH
    )


def _stored(data: bytes) -> bytes:
    """`data` as stored deflate blocks (not the last), starting on a byte boundary."""
    blocks = []
    for start in range(0, len(data), 0xFFFF):
        chunk = data[start : start + 0xFFFF]
        blocks.append(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(blocks)


class SegmentedPage:
    """A page's text cut at its per-visitor tokens (`slots`, by their sentinels)."""

    def __init__(self, html: str, sentinels: list[str]) -> None:
        found = [s for s in sentinels if s in html]
        parts = re.split("(" + "|".join(map(re.escape, found)) + ")", html) if found else [html]
        self.static = [part.encode() for part in parts[0::2]]
        self.slots = parts[1::2]
        self.slot_names = frozenset(self.slots)

    def text(self, values: Mapping[str, str]) -> bytes:
        """The page as UTF-8, uncompressed."""
        pieces = [self.static[0]]
        for slot, static in zip(self.slots, self.static[1:], strict=True):
            pieces += [values[slot].encode(), static]
        return b"".join(pieces)

    @cached_property
    def _deflated_static(self) -> list[bytes]:
        last = len(self.static) - 1
        return [_deflated(part, last=index == last) for index, part in enumerate(self.static)]

    def gzip(self, values: Mapping[str, str]) -> bytes:
        body, crc = [self._deflated_static[0]], zlib.crc32(self.static[0])
        size = len(self.static[0])
        for slot, static, deflated in zip(
            self.slots, self.static[1:], self._deflated_static[1:], strict=True
        ):
            token = values[slot].encode()
            body += [_stored(token), deflated]
            crc = zlib.crc32(static, zlib.crc32(token, crc))
            size += len(token) + len(static)
        name = b"a" * secrets.randbelow(MAX_RANDOM_BYTES) + b"\x00"
        header = b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff" + name
        return header + b"".join(body) + struct.pack("<II", crc, size & 0xFFFFFFFF)

"""How many pixels an image will decode to, read from its headers alone: no pixel data is
decoded, the walk is bounded, and it runs before Pillow reads anything.

Pillow counts a GIF's frames by walking all of them (``n_frames``, unbounded in their number:
4.8 s for a 10 MB file of tiny frames), decodes every earlier frame on a plain ``seek``, and
skips stray bytes between GIF blocks or JPEG markers one at a time in Python (2.5 s for a
10 MB JPEG of junk, inside ``Image.open``). Here each format's structure is walked over the
bytes already in memory, stopping once the frame limit is passed, and refused once it has
visited more structures (blocks, chunks, stray bytes) than a real file of its size has: real
encoders write 255-byte GIF sub-blocks and a handful of chunks, so the budget is one structure
per 64 bytes plus a few per allowed frame. The numbers are the ones Pillow later decodes:

- GIF: frames are image descriptors; the canvas grows to the farthest extent of any frame
  (Pillow enlarges it the same way).
- PNG: ``acTL``'s declared frame count (what Pillow iterates), else one; the ``IHDR`` size.
- WebP: the ``ANMF`` chunks of an animation and the ``VP8X`` canvas, else one frame.
- JPEG: one frame, the size of its start-of-frame marker; walked on to the start of scan.

A size of 0 means "not in the headers walked" (a simple WebP); Pillow's reading then counts.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

BYTES_PER_STRUCTURE = 64
STRUCTURES_PER_FRAME = 16
BASE_STRUCTURES = 1024
# JPEG start-of-frame markers (not DHT C4, JPG C8, DAC CC).
JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
JPEG_SOS = 0xDA


class MalformedImage(ValueError):
    """The headers do not describe an image we will decode."""


@dataclass(frozen=True)
class ImageHeader:
    image_format: str
    width: int
    height: int
    # Stops at ``max_frames + 1``: enough to refuse, never a walk of every frame.
    frames: int
    walked: int


class _Walk:
    """Counts visited structures against the budget of a file of this size."""

    def __init__(self, size: int, max_frames: int):
        self.budget = size // BYTES_PER_STRUCTURE + STRUCTURES_PER_FRAME * (max_frames + 1)
        self.budget += BASE_STRUCTURES
        self.walked = 0

    def step(self, count: int = 1) -> None:
        self.walked += count
        if self.walked > self.budget:
            raise MalformedImage("made of more blocks than an image of its size has")


def probe_header(data: bytes, *, max_frames: int) -> ImageHeader:
    """Format, canvas and frame count of ``data``; raises ``MalformedImage``."""
    walk = _Walk(len(data), max_frames)
    if data.startswith((b"GIF87a", b"GIF89a")):
        return _gif(data, walk, max_frames)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(data, walk)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data, walk, max_frames)
    if data.startswith(b"\xff\xd8"):
        return _jpeg(data, walk)
    raise MalformedImage("not a supported image format")


def _gif(data: bytes, walk: _Walk, max_frames: int) -> ImageHeader:
    end = len(data)
    if end < 13:
        raise MalformedImage("truncated GIF header")
    width, height, flags = struct.unpack_from("<HHB", data, 6)
    at = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    frames = 0
    while at < end and frames <= max_frames:
        marker = data[at]
        walk.step()
        if marker == 0x3B:  # trailer
            break
        if marker == 0x21:  # extension: label, then sub-blocks
            at = _skip_sub_blocks(data, at + 2, walk)
        elif marker == 0x2C:  # image descriptor, optional local palette, LZW code size
            if at + 10 > end:
                break
            x, y, w, h, local = struct.unpack_from("<4HB", data, at + 1)
            width, height = max(width, x + w), max(height, y + h)
            at += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0)
            at = _skip_sub_blocks(data, at + 1, walk)
            frames += 1
        else:
            at += 1  # Pillow skips stray bytes between blocks one at a time
    if frames == 0:
        raise MalformedImage("a GIF without an image")
    return ImageHeader("GIF", width, height, frames, walk.walked)


def _skip_sub_blocks(data: bytes, at: int, walk: _Walk) -> int:
    end = len(data)
    while at < end:
        length = data[at]
        at += 1 + length
        walk.step()
        if length == 0:
            break
    return at


def _png(data: bytes, walk: _Walk) -> ImageHeader:
    # Chunks before the first IDAT only: acTL must come before it.
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise MalformedImage("a PNG must start with IHDR")
    width, height = struct.unpack_from(">II", data, 16)
    at, frames, end = 8, 1, len(data)
    while at + 8 <= end:
        length, kind = struct.unpack_from(">I4s", data, at)
        walk.step()
        if kind == b"IDAT":
            break
        if kind == b"acTL":
            if length < 8 or at + 16 > end:
                raise MalformedImage("truncated acTL chunk")
            frames = max(1, struct.unpack_from(">I", data, at + 8)[0])
        at += 12 + length
    return ImageHeader("PNG", width, height, frames, walk.walked)


def _webp(data: bytes, walk: _Walk, max_frames: int) -> ImageHeader:
    at, frames, width, height, animated, end = 12, 0, 0, 0, False, len(data)
    while at + 8 <= end and frames <= max_frames:
        kind, length = struct.unpack_from("<4sI", data, at)
        walk.step()
        if kind == b"VP8X" and length >= 10 and at + 18 <= end:
            animated = bool(data[at + 8] & 0x02)
            width = 1 + int.from_bytes(data[at + 12 : at + 15], "little")
            height = 1 + int.from_bytes(data[at + 15 : at + 18], "little")
        elif kind == b"ANMF":
            frames += 1
        at += 8 + length + (length & 1)
    return ImageHeader("WEBP", width, height, max(frames, 1) if animated else 1, walk.walked)


def _jpeg(data: bytes, walk: _Walk) -> ImageHeader:
    # Walked on to the start of scan, not just the frame header: Pillow's open reads every
    # marker (and skips stray bytes one at a time) up to the scan too.
    at, end = 2, len(data)
    size: tuple[int, int] | None = None
    while at + 4 <= end:
        walk.step()
        if data[at] != 0xFF or data[at + 1] == 0xFF:
            at += 1  # junk or fill bytes, skipped one at a time like Pillow does
            continue
        marker = data[at + 1]
        if 0xD0 <= marker <= 0xD9 or marker == 0x01:  # standalone markers
            at += 2
            continue
        if marker == JPEG_SOS:
            if size is None:
                break
            return ImageHeader("JPEG", size[0], size[1], 1, walk.walked)
        if marker in JPEG_SOF and size is None:
            if at + 9 > end:
                break
            height, width = struct.unpack_from(">HH", data, at + 5)
            size = (width, height)
        at += 2 + struct.unpack_from(">H", data, at + 2)[0]
    raise MalformedImage("a JPEG without a frame header and a scan")

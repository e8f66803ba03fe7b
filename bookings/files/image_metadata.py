"""Metadata taken out of an image without decoding it: the file is rewritten block by block, its
pixel data copied as it is, so the cost is a bounded walk over its structure, not its pixels.

Message attachments and dispute evidence go to the other party; a phone photo must not carry
its GPS position, camera serial number or editing history there. What goes:

- JPEG: every APPn segment but JFIF (APP0), the ICC profile (APP2 ``ICC_PROFILE``) and Adobe's
  colour transform (APP14), every comment, and whatever follows the end of the image (the
  second pictures of MPF files carry their own EXIF). The EXIF orientation is kept, alone in
  a fresh EXIF segment, so a portrait photo still opens upright.
- PNG: text chunks (tEXt, zTXt, iTXt), eXIf and tIME, and whatever follows IEND.
- WebP: the EXIF and XMP chunks (and their VP8X flags), and whatever follows the RIFF size.
- GIF: comments and application extensions other than the looping ones (XMP lives in one),
  stray bytes between blocks, and whatever follows the trailer.

The walk is refused (``MalformedImage``) past the budget the catalog's header walk allows a
file of this size (catalog.media.probe), so a file of countless tiny blocks costs no more here
than there. It also covers what that walk does not: the catalog's JPEG walk stops at the frame
header, and Pillow's own reading of the headers then skips stray bytes before the scan one at
a time in Python (about a second for 9 MB of them); here they are counted, then dropped, and
Pillow reads the result.
"""

from __future__ import annotations

import struct

from PIL import Image

from catalog.media.probe import (
    BASE_STRUCTURES,
    BYTES_PER_STRUCTURE,
    STRUCTURES_PER_FRAME,
    MalformedImage,
)

JPEG_KEPT_APP = {0xE0, 0xEE}
PNG_DROPPED = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}
WEBP_DROPPED = {b"EXIF", b"XMP "}
WEBP_EXIF_FLAG, WEBP_XMP_FLAG = 0x08, 0x04
GIF_LOOPING = {b"NETSCAPE2.0", b"ANIMEXTS1.0"}
EXIF_ORIENTATION = 0x0112


class _Budget:
    def __init__(self, size: int, max_frames: int):
        self.left = size // BYTES_PER_STRUCTURE + BASE_STRUCTURES
        self.left += STRUCTURES_PER_FRAME * (max_frames + 1)

    def step(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise MalformedImage("made of more blocks than an image of its size has")


def metadata_stripped(data: bytes, image_format: str, *, max_frames: int) -> bytes:
    """``data`` (an image of ``image_format`` by ``probe_header``) without its metadata and
    without the stray bytes between its blocks, so Pillow then reads its headers at no cost;
    raises ``MalformedImage`` when its structure does not hold or is made of too many
    blocks (the budget of ``probe_header`` for ``max_frames``)."""
    budget = _Budget(len(data), max_frames)
    strip = {"JPEG": _jpeg, "PNG": _png, "WEBP": _webp, "GIF": _gif}[image_format]
    try:
        return strip(data, budget)
    except (IndexError, struct.error):
        raise MalformedImage("truncated image structure") from None


def _orientation_segment(exif_payload: bytes) -> bytes:
    """A fresh APP1 segment holding only the orientation of ``exif_payload`` (an APP1
    segment's content, ``Exif\\0\\0`` first), or nothing."""
    try:
        found = Image.Exif()
        found.load(exif_payload)
        orientation = found.get(EXIF_ORIENTATION)
    except Exception:  # noqa: BLE001 - an unreadable EXIF has no orientation worth keeping
        return b""
    if orientation not in range(2, 9):
        return b""
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    payload = exif.tobytes()
    return b"\xff\xe1" + struct.pack(">H", 2 + len(payload)) + payload


def _jpeg(data: bytes, budget: _Budget) -> bytes:
    out = [b"\xff\xd8"]
    at, end = 2, len(data)
    orientation = b""
    while at < end:
        budget.step()
        if data[at] != 0xFF or data[at + 1] in (0xFF, 0x00):
            at += 1  # fill or stray bytes: dropped, as Pillow skips them
            continue
        marker = data[at + 1]
        if 0xD0 <= marker <= 0xD9 or marker == 0x01:
            at += 2
            continue
        length = struct.unpack_from(">H", data, at + 2)[0]
        segment = data[at : at + 2 + length]
        if marker == 0xDA:  # start of scan: the rest is image data up to the first EOI
            eoi = data.find(b"\xff\xd9", at + 2 + length)
            out.append(data[at : eoi + 2 if eoi >= 0 else end])
            break
        kept_app = marker in JPEG_KEPT_APP or (
            marker == 0xE2 and segment[4:16] == b"ICC_PROFILE\x00"
        )
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE) or kept_app:
            out.append(segment)
        elif marker == 0xE1 and not orientation and segment[4:10] == b"Exif\x00\x00":
            orientation = _orientation_segment(segment[4:])
        at += 2 + length
    else:
        raise MalformedImage("a JPEG without image data")
    # EXIF goes right after SOI, or after JFIF's APP0 when there is one.
    out.insert(2 if out[1].startswith(b"\xff\xe0") else 1, orientation)
    return b"".join(out)


def _png(data: bytes, budget: _Budget) -> bytes:
    out, at, end = [data[:8]], 8, len(data)
    while at + 12 <= end:
        budget.step()
        length, kind = struct.unpack_from(">I4s", data, at)
        chunk = data[at : at + 12 + length]
        if kind not in PNG_DROPPED:
            out.append(chunk)
        at += 12 + length
        if kind == b"IEND":
            return b"".join(out)
    raise MalformedImage("a PNG without its end")


def _webp(data: bytes, budget: _Budget) -> bytes:
    end = min(len(data), 8 + struct.unpack_from("<I", data, 4)[0])
    out, at = [], 12
    while at + 8 <= end:
        budget.step()
        kind, length = struct.unpack_from("<4sI", data, at)
        chunk = data[at : at + 8 + length + (length & 1)]
        if kind == b"VP8X":
            flags = chunk[8] & ~(WEBP_EXIF_FLAG | WEBP_XMP_FLAG)
            chunk = chunk[:8] + bytes([flags]) + chunk[9:]
        if kind not in WEBP_DROPPED:
            out.append(chunk)
        at += 8 + length + (length & 1)
    body = b"WEBP" + b"".join(out)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _sub_blocks_end(data: bytes, at: int, budget: _Budget) -> int:
    while True:
        budget.step()
        length = data[at]
        at += 1 + length
        if length == 0:
            return at


def _gif(data: bytes, budget: _Budget) -> bytes:
    flags = data[10]
    at = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    out, end = [data[:at]], len(data)
    while at < end:
        budget.step()
        marker = data[at]
        if marker == 0x3B:
            break
        if marker == 0x21:
            label, block_end = data[at + 1], _sub_blocks_end(data, at + 2, budget)
            identifier = data[at + 3 : at + 3 + min(data[at + 2], 11)]
            if label not in (0xFE, 0xFF) or identifier in GIF_LOOPING:
                out.append(data[at:block_end])
            at = block_end
        elif marker == 0x2C:
            local = data[at + 9]
            data_at = at + 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0)
            block_end = _sub_blocks_end(data, data_at + 1, budget)
            out.append(data[at:block_end])
            at = block_end
        else:
            at += 1
    return b"".join(out) + b";"

"""Files for upload tests: real images made with Pillow, crafted GIF headers, a minimal MP4."""

import io
import struct
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def animated_gif(frames: int, size=(200, 100)) -> bytes:
    """A real animated GIF: each frame a different colour, so none is merged away."""
    images = [Image.new("P", size, n % 256) for n in range(frames)]
    for image in images:
        image.putpalette([(i * 7 + c * 85) % 256 for i in range(256) for c in range(3)])
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=40)
    return out.getvalue()


def gif_headers(frames: int, size: tuple[int, int], *, data: bytes = b"\x01\xff") -> bytes:
    """A GIF whose headers describe ``frames`` frames of ``size``, each frame's image data
    being ``data`` (one sub-block; junk by default: decoding any frame would fail)."""
    width, height = size
    out = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
    descriptor = b"," + struct.pack("<4HB", 0, 0, width, height, 0) + b"\x02"
    return out + (descriptor + data + b"\0") * frames + b";"


def gif_in_tiny_sub_blocks(data: bytes) -> bytes:
    """The same single-frame GIF with its image data re-cut into 1-byte sub-blocks."""
    at = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    while data[at] == 0x21:  # extensions before the frame
        at += 2
        while data[at]:
            at += 1 + data[at]
        at += 1
    assert data[at] == 0x2C and not data[at + 9] & 0x80  # a descriptor, no local palette
    start = at = at + 11  # after the descriptor and the LZW code size
    lzw = b""
    while data[at]:
        lzw += data[at + 1 : at + 1 + data[at]]
        at += 1 + data[at]
    return data[:start] + b"".join(b"\x01" + lzw[i : i + 1] for i in range(len(lzw))) + data[at:]


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def image_bytes(fmt="JPEG", size=(640, 480), color=(200, 80, 20), **save) -> bytes:
    mode = "RGBA" if fmt in ("PNG", "WEBP") else "RGB"
    image = Image.new(mode, size, color)
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def upload(name: str, data: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def minimal_mp4() -> bytes:
    """ftyp (isom, compatible isom/iso2/avc1/mp41) + free + a small mdat: a real file's start."""
    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    return ftyp + box(b"free", b"") + box(b"mdat", bytes(range(256)) * 4)

"""Generated demo photos: a gradient in the theme's colours, a pattern and the initials."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFont

SIZE = (800, 600)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def initials(display_name: str, email: str) -> str:
    """Two Latin initials: from the name, or from the e-mail address when the name has none
    (the built-in font has no Arabic glyphs)."""
    words = [
        w for w in display_name.replace("&", " ").split() if w[:1].isascii() and w[:1].isalpha()
    ]
    if not words:
        local = email.split("@")[0]
        words = [w for w in local.replace("_", ".").replace("-", ".").split(".") if w]
    letters = "".join(word[0] for word in words[:2]).upper()
    return letters or "S"


def demo_photo(*, primary: str, accent: str, text: str, seed: str, size=SIZE) -> bytes:
    rng = random.Random(seed)
    width, height = size
    mask = Image.linear_gradient("L").rotate(rng.choice([0, 45, 90, 135, 180])).resize(size)
    image = Image.composite(
        Image.new("RGB", size, _rgb(primary)), Image.new("RGB", size, _rgb(accent)), mask
    )
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    if rng.random() < 0.5:
        for _ in range(14):
            radius = rng.randint(30, 160)
            x, y = rng.randint(0, width), rng.randint(0, height)
            alpha = rng.randint(25, 70)
            draw.ellipse(
                (x - radius, y - radius, x + radius, y + radius), fill=(255, 255, 255, alpha)
            )
    else:
        step = rng.choice([40, 60, 80])
        for offset in range(-height, width, step):
            draw.line(
                (offset, height, offset + height, 0), fill=(255, 255, 255, 45), width=step // 3
            )
    image = Image.alpha_composite(image.convert("RGBA"), overlay)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=220)
    draw.text(
        (width / 2, height / 2),
        text,
        font=font,
        anchor="mm",
        fill=(255, 255, 255, 255),
        stroke_width=6,
        stroke_fill=(0, 0, 0, 150),
    )
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=82)
    return out.getvalue()

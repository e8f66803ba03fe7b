"""A ticket as a one-page PDF (A6 portrait): the marketplace, the event, its date and venue, the
tier, the holder, the order and the QR code with its readable code, in the reader's language
(Arabic laid out right to left).

Drawn with Pillow (FreeType and libraqm shape Arabic) in the Cairo face the sites serve
(settings.SOUK_FONTS_DIR, from @fontsource/cairo): its Arabic and Latin files are separate, so
each line is cut into runs of one script, each drawn in its own file, placed in the line's
direction. Without the font files (a machine where ``make`` never ran) the default face draws
the Latin text.
"""

from __future__ import annotations

import io
import re
import unicodedata
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from PIL import Image, ImageDraw, ImageFont

from bookings.selectors.tickets import TicketView, ticket_qr

DPI = 200
PAGE = (827, 1165)  # A6 at 200 dpi
MARGIN = 64
MAX_LINES = 3
ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
ARABIC_OR_NOT = re.compile(f"[{ARABIC}]+|[^{ARABIC}]+")
IS_ARABIC = re.compile(f"[{ARABIC}]")
INK, MUTED, RULE = (17, 17, 17), (85, 85, 85), (153, 153, 153)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=16)
def _font(script: str, weight: int, size: int) -> Font:
    path = settings.SOUK_FONTS_DIR / f"cairo-{script}-{weight}-normal.woff2"
    if path.is_file():
        return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)
    return ImageFont.load_default(size)


def _classes(text: str, rtl: bool) -> list[str]:
    """Each character's resolved direction, "L", "R" or "EN" (a number), after the Unicode
    bidirectional algorithm's weak and neutral rules as a line of labels needs them (W1–W7,
    N1–N2): marks follow what they mark, separators inside numbers and signs beside them
    join the number, a number after Latin text is Latin, neutrals between two runs of one
    direction take it, other neutrals the line's."""
    kinds = []
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            kinds.append("R")
        elif kind == "L":
            kinds.append("L")
        elif kind in ("EN", "AN"):
            kinds.append("EN")
        elif kind == "NSM" and kinds:
            kinds.append(kinds[-1])
        else:
            kinds.append(kind if kind in ("CS", "ES", "ET") else "N")
    for i, kind in enumerate(kinds):  # W4, W5: separators and signs of numbers
        between = 0 < i < len(kinds) - 1 and kinds[i - 1] == kinds[i + 1] == "EN"
        if kind in ("CS", "ES") and between:
            kinds[i] = "EN"
        if kinds[i] == "ET" and ((i and kinds[i - 1] == "EN") or "EN" in kinds[i + 1 : i + 2]):
            kinds[i] = "EN"
    kinds = ["N" if kind in ("CS", "ES", "ET") else kind for kind in kinds]
    strong = "R" if rtl else "L"
    for i, kind in enumerate(kinds):  # W7: a number after Latin text is Latin
        if kind == "EN":
            before = next((k for k in reversed(kinds[:i]) if k in ("L", "R")), strong)
            kinds[i] = "L" if before == "L" else "EN"
    resolved = list(kinds)
    i = 0
    while i < len(kinds):  # N1, N2
        if kinds[i] != "N":
            i += 1
            continue
        end = i
        while end < len(kinds) and kinds[end] == "N":
            end += 1
        before = "R" if i == 0 and rtl else ("L" if i == 0 else kinds[i - 1])
        after = ("R" if rtl else "L") if end == len(kinds) else kinds[end]
        before, after = ("R" if k == "EN" else k for k in (before, after))
        for j in range(i, end):
            resolved[j] = before if before == after else strong
        i = end
    return resolved


def _pieces(text: str, rtl: bool) -> list[tuple[str, bool]]:
    """``text`` as (piece, drawn right to left) in visual order, left to right: runs of one
    direction reordered by their levels (L2), each cut where its font changes (Cairo's Arabic
    file has no space or Latin digit)."""
    base = 1 if rtl else 0
    levels = {"L": 2 if rtl else 0, "R": 1, "EN": 2}
    runs: list[list] = []  # [level, text]
    for char, kind in zip(text, _classes(text, rtl), strict=True):
        level = levels[kind]
        if runs and runs[-1][0] == level:
            runs[-1][1] += char
        else:
            runs.append([level, char])
    top = max((run[0] for run in runs), default=base)
    for level in range(top, 0, -1):  # L2: reverse every sequence at this level or higher
        i = 0
        while i < len(runs):
            if runs[i][0] >= level:
                end = i
                while end < len(runs) and runs[end][0] >= level:
                    end += 1
                runs[i:end] = reversed(runs[i:end])
                i = end
            else:
                i += 1
    pieces: list[tuple[str, bool]] = []
    for level, run in runs:
        backwards = level % 2 == 1
        parts = [part for part in ARABIC_OR_NOT.findall(run) if part]
        pieces.extend((part, backwards) for part in (reversed(parts) if backwards else parts))
    return pieces


class _Page:
    def __init__(self, *, rtl: bool) -> None:
        self.image = Image.new("RGB", PAGE, "white")
        self.draw = ImageDraw.Draw(self.image)
        self.rtl = rtl
        self.y = MARGIN

    def _measured(self, text: str, size: int, weight: int) -> list[tuple]:
        pieces = []
        for piece, backwards in _pieces(text, self.rtl):
            font = _font("arabic" if IS_ARABIC.match(piece) else "latin", weight, size)
            pieces.append((piece, font, "rtl" if backwards else "ltr", font.getlength(piece)))
        return pieces

    def _wrapped(self, text: str, size: int, weight: int) -> list[list[tuple]]:
        """The text's lines (at most MAX_LINES, the last cut with an ellipsis), measured."""
        room = PAGE[0] - 2 * MARGIN
        lines, current = [], ""
        for word in text.split():
            candidate = f"{current} {word}".strip()
            fits = sum(p[3] for p in self._measured(candidate, size, weight)) <= room
            if current and not fits:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
        if len(lines) > MAX_LINES:
            last = lines[MAX_LINES - 1].rsplit(" ", 1)[0]  # room for the ellipsis
            lines = [*lines[: MAX_LINES - 1], f"{last} …"]
        return [self._measured(line, size, weight) for line in lines]

    def line(self, text: str, *, size: int = 30, weight: int = 400, colour=INK, gap=14) -> None:
        for pieces in self._wrapped(text, size, weight):
            width = sum(piece[3] for piece in pieces)
            # Right-aligned on right-to-left pages, else left-aligned.
            x = max(MARGIN, PAGE[0] - MARGIN - width) if self.rtl else MARGIN
            for piece, font, direction, length in pieces:
                free_type = isinstance(font, ImageFont.FreeTypeFont)
                kwargs = {"direction": direction} if free_type else {}
                self.draw.text((x, self.y), piece, font=font, fill=colour, **kwargs)
                x += length
            self.y += int(size * 1.5)
        self.y += gap

    def label(self, name: str, value: str) -> None:
        self.line(name, size=22, colour=MUTED, gap=0)
        self.line(value, size=30, weight=700)

    def rule(self) -> None:
        self.draw.line((MARGIN, self.y, PAGE[0] - MARGIN, self.y), fill=RULE, width=2)
        self.y += 24

    def qr(self, code: str) -> None:
        png = Image.open(io.BytesIO(ticket_qr(code=code, kind="png", scale=10)))
        side = min(PAGE[0] - 2 * MARGIN, PAGE[1] - self.y - 110)
        image = png.convert("RGB").resize((side, side), Image.Resampling.NEAREST)
        self.image.paste(image, ((PAGE[0] - side) // 2, self.y))
        self.y += side + 16
        font = _font("latin", 700, 26)
        width = font.getlength(code)
        self.draw.text(((PAGE[0] - width) / 2, self.y), code, font=font, fill=INK)


def ticket_pdf(*, ticket: TicketView, language: str) -> bytes:
    """The ticket's PDF in ``language``; the dates as ``when`` formats them."""
    from babel.dates import format_datetime, format_time

    with translation.override(language):
        page = _Page(rtl=translation.get_language_bidi())
        locale = language.replace("-", "_")
        page.line(ticket.marketplace_name, size=22, colour=MUTED)
        page.line(ticket.event_title, size=40, weight=700, gap=24)
        page.rule()
        if ticket.starts_at:
            when = format_datetime(ticket.starts_at, "d MMMM y, HH:mm", locale=locale)
            if ticket.ends_at:
                when = f"{when} – {format_time(ticket.ends_at, 'HH:mm', locale=locale)}"
            page.label(_("Date"), when)
        if ticket.venue:
            page.label(_("Venue"), ticket.venue)
        page.label(_("Ticket"), ticket.tier)
        page.label(_("Name"), ticket.attendee.name)
        page.label(pgettext("order number", "Order"), ticket.booking_number)
        page.rule()
        page.qr(ticket.attendee.code)
    out = io.BytesIO()
    page.image.save(out, "PDF", resolution=DPI, title=ticket.event_title)
    return out.getvalue()

"""What a signature shows on the page (PL I §II.7.d, §II.8): where, and the picture drawn there.

Coordinates are PDF points (1/72 inch) with the origin at the bottom left of the page, as the
renderer reports the signature block. The pictures are PNG with a transparent background, so
the seal overlapping the signer's image lets it show through:

- the signer's: blue, the person's own image when one is configured (``<username>.png`` beside
  the person's key), else a stamp with "Ký bởi: <name>", the title and the signing time;
- the organisation's: the red seal at real size (about 36 mm across), its right third over the
  left third of the signer's box, with the number and the signing time under it;
- an attachment's: no image, only the number and the signing time, top right of page 1.

The text is drawn into the picture, so text extraction of the document reads the document and
not its stamps.
"""

from __future__ import annotations

import datetime
import io
import math
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

#: Pixels per PDF point of the pictures: 4 is 288 dpi, above the 200 dpi Decree 30 asks of scans.
SCALE = 4
BLUE = (20, 50, 170, 255)
RED = (218, 30, 40, 215)
BLACK = (0, 0, 0, 255)
#: A seal of 36 mm across, in points.
SEAL_DIAMETER = 36 / 25.4 * 72
#: A4 in points.
A4 = (595.28, 841.89)


@dataclass(frozen=True)
class Box:
    """A rectangle on a page in PDF points, origin bottom left."""

    x0: float
    y0: float
    x1: float
    y1: float

    def __post_init__(self) -> None:
        if self.x1 <= self.x0 or self.y1 <= self.y0:
            raise ValueError(f"empty box {self}")

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (round(self.x0), round(self.y0), round(self.x1), round(self.y1))


@dataclass(frozen=True)
class Appearance:
    """A visible signature: the page (0-based; -1 for the last), the box and the PNG in it."""

    page: int
    box: Box
    image: bytes


def signing_time_text(when: datetime.datetime) -> str:
    """Date and hh:mm:ss in Vietnam time, ISO 8601 (PL I §II.8.b)."""
    local = timezone.localtime(when).replace(microsecond=0)
    return local.isoformat()


@lru_cache(maxsize=32)
def _font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(settings.SIGNING_STAMP_FONT), size_px)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _canvas(box: Box) -> Image.Image:
    return Image.new("RGBA", (round(box.width * SCALE), round(box.height * SCALE)), (0, 0, 0, 0))


def _fit_lines(draw, lines: list[str], width_px: int, size_pt: float) -> ImageFont.FreeTypeFont:
    """The largest font up to ``size_pt`` in which every line fits the width."""
    size = round(size_pt * SCALE)
    while size > 6:
        font = _font(size)
        if all(draw.textlength(line, font=font) <= width_px for line in lines):
            return font
        size -= 2
    return _font(size)


def _text_block(image, lines, colour, size_pt, top_px=None, bold=False):
    """Centred lines; vertically centred unless ``top_px`` is given."""
    draw = ImageDraw.Draw(image)
    margin = 2 * SCALE
    font = _fit_lines(draw, lines, image.width - 2 * margin, size_pt)
    line_h = round(font.size * 1.25)
    y = top_px if top_px is not None else (image.height - line_h * len(lines)) // 2
    for line in lines:
        w = draw.textlength(line, font=font)
        draw.text(
            ((image.width - w) / 2, y),
            line,
            font=font,
            fill=colour,
            stroke_width=SCALE // 2 if bold else 0,
            stroke_fill=colour,
        )
        y += line_h
    return y


def person_appearance(
    *,
    name: str,
    title: str,
    signed_at: datetime.datetime,
    box: Box,
    page: int = -1,
    image: bytes | None = None,
) -> Appearance:
    """The signer's image between the title and the name: the person's own picture when given
    (scaled into the box), else a blue stamp framed by a thin rounded border."""
    canvas = _canvas(box)
    if image is not None:
        picture = Image.open(io.BytesIO(image)).convert("RGBA")
        picture.thumbnail(canvas.size)
        canvas.alpha_composite(
            picture, ((canvas.width - picture.width) // 2, (canvas.height - picture.height) // 2)
        )
        return Appearance(page=page, box=box, image=_png(canvas))
    draw = ImageDraw.Draw(canvas)
    inset = SCALE
    draw.rounded_rectangle(
        (inset, inset, canvas.width - inset, canvas.height - inset),
        radius=4 * SCALE,
        outline=BLUE,
        width=SCALE,
    )
    lines = [f"Ký bởi: {name}"]
    if title:
        lines.append(title)
    lines.append(f"Thời gian ký: {signing_time_text(signed_at)}")
    _text_block(canvas, lines, BLUE, 11)
    return Appearance(page=page, box=box, image=_png(canvas))


def _seal(diameter_px: int, name: str) -> Image.Image:
    """A round red seal: two rings, the organisation's name around the inner one, a star."""
    seal = Image.new("RGBA", (diameter_px, diameter_px), (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    c = diameter_px / 2
    ring = max(2, diameter_px // 45)
    draw.ellipse((ring, ring, diameter_px - ring, diameter_px - ring), outline=RED, width=ring * 2)
    inner = diameter_px * 0.31
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=RED, width=ring)
    _star(draw, c, c, inner * 0.62, RED)
    text = name.upper()
    radius = diameter_px * 0.385
    # The largest letters for which the name, evenly spaced, fits in 320° of the ring.
    size = round(diameter_px * 0.085)
    while True:
        font = _font(size)
        widths = [draw.textlength(ch, font=font) * 1.12 for ch in text]
        total = sum(widths) or 1.0
        span = math.degrees(total / radius)
        if span <= 320 or size <= 8:
            break
        size -= 1
    angle = 90 + span / 2  # degrees, 0 = right, counter-clockwise; the text runs clockwise.
    for ch, w in zip(text, widths, strict=True):
        step = span * w / total
        mid = math.radians(angle - step / 2)
        glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size - w / 2.24, size / 2), ch, font=font, fill=RED)
        glyph = glyph.rotate(math.degrees(mid) - 90, resample=Image.Resampling.BICUBIC)
        x = c + radius * math.cos(mid) - size
        y = c - radius * math.sin(mid) - size
        seal.alpha_composite(glyph, (round(x), round(y)))
        angle -= step
    return seal


def _star(draw, cx: float, cy: float, r: float, colour) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.4
        a = math.radians(90 + i * 36)
        points.append((cx + radius * math.cos(a), cy - radius * math.sin(a)))
    draw.polygon(points, fill=colour)


def seal_box(signer_box: Box, diameter: float = SEAL_DIAMETER, text_height: float = 24) -> Box:
    """The organisation's box beside the signer's: the seal's right third over the left third
    of the signer's box, centred on it in height, the text lines under the seal."""
    right = signer_box.x0 + signer_box.width / 3 + diameter / 3
    centre_y = (signer_box.y0 + signer_box.y1) / 2
    top = centre_y + diameter / 2
    return Box(right - diameter, top - diameter - text_height, right, top)


def seal_appearance(
    *,
    organisation: str,
    number: str,
    signed_at: datetime.datetime,
    signer_box: Box,
    page: int = -1,
) -> Appearance:
    """The organisation's seal over the left third of the signer's image, with the number and
    the signing time (black, 10 pt) under it."""
    box = seal_box(signer_box)
    canvas = _canvas(box)
    diameter_px = round(SEAL_DIAMETER * SCALE)
    canvas.alpha_composite(_seal(diameter_px, organisation), ((canvas.width - diameter_px) // 2, 0))
    lines = [f"Số: {number}" if number else "", signing_time_text(signed_at)]
    _text_block(canvas, [x for x in lines if x], BLACK, 8, top_px=diameter_px + SCALE)
    return Appearance(page=page, box=box, image=_png(canvas))


def attachment_appearance(
    *,
    number: str,
    signed_at: datetime.datetime,
    page_size: tuple[float, float] = A4,
) -> Appearance:
    """An attachment in its own file: no image, the number and the signing time in black 10 pt,
    top right of page 1 (PL I §II.8.b)."""
    width, height = page_size
    box = Box(width - 20 / 25.4 * 72 - 190, height - 12 - 30, width - 20 / 25.4 * 72, height - 12)
    canvas = _canvas(box)
    lines = [f"Số: {number}" if number else "", signing_time_text(signed_at)]
    _text_block(canvas, [x for x in lines if x], BLACK, 10)
    return Appearance(page=0, box=box, image=_png(canvas))

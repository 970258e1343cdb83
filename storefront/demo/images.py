"""Product pictures and business logos drawn with Pillow (nothing is downloaded)."""

from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

from .catalog import TYPE_COLOURS

SIZE = 600


def _font(size):
    return ImageFont.load_default(size=size)


def _wrap(draw, text, font, width):
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    return lines + [line]


def _draw_shape(draw, type_slug, colour, box):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if type_slug == "sepatu":
        draw.polygon([(x0, y0 + h * 0.55), (x0 + w * 0.35, y0 + h * 0.5), (x0 + w * 0.5, y0 + h * 0.2),
                      (x0 + w * 0.62, y0 + h * 0.2), (x0 + w * 0.66, y0 + h * 0.5), (x1, y0 + h * 0.62),
                      (x1, y1 - h * 0.15), (x0, y1 - h * 0.15)], fill=colour)
        draw.rectangle([x0, y1 - h * 0.15, x1, y1 - h * 0.05], fill=(40, 30, 20))
    elif type_slug == "pakaian":
        draw.polygon([(x0 + w * 0.3, y0), (x0 + w * 0.7, y0), (x1, y0 + h * 0.25), (x1 - w * 0.12, y0 + h * 0.38),
                      (x1 - w * 0.22, y0 + h * 0.3), (x1 - w * 0.22, y1), (x0 + w * 0.22, y1),
                      (x0 + w * 0.22, y0 + h * 0.3), (x0 + w * 0.12, y0 + h * 0.38), (x0, y0 + h * 0.25)], fill=colour)
    elif type_slug == "kerudung":
        draw.ellipse([x0 + w * 0.3, y0, x1 - w * 0.3, y0 + h * 0.45], fill=colour)
        draw.polygon([(x0 + w * 0.3, y0 + h * 0.25), (x1 - w * 0.3, y0 + h * 0.25), (x1, y1), (x0, y1)], fill=colour)
    elif type_slug == "makanan-kemasan":
        draw.rounded_rectangle([x0 + w * 0.15, y0 + h * 0.1, x1 - w * 0.15, y1], radius=int(w * 0.06), fill=colour)
        draw.rectangle([x0 + w * 0.15, y0, x1 - w * 0.15, y0 + h * 0.12], fill=(60, 60, 60))
        draw.ellipse([x0 + w * 0.35, y0 + h * 0.35, x1 - w * 0.35, y0 + h * 0.65], fill=(255, 255, 255))
    else:
        for i in range(5):
            y = y0 + h * (0.15 + i * 0.17)
            draw.line([x0 + w * 0.1, y, x1 - w * 0.1, y], fill=colour, width=int(h * 0.06))
        draw.rounded_rectangle([x0 + w * 0.05, y0 + h * 0.05, x1 - w * 0.05, y1], radius=20, outline=colour, width=10)


def product_image(type_slug, title, shade=0):
    """A square JPEG showing the product's kind and its name. ``shade`` varies the colour."""
    dark, light = TYPE_COLOURS[type_slug]
    dark = tuple(max(0, min(255, c + (shade % 5 - 2) * 18)) for c in dark)
    image = Image.new("RGB", (SIZE, SIZE), light)
    draw = ImageDraw.Draw(image)
    _draw_shape(draw, type_slug, dark, (150, 70, 450, 360))
    font = _font(34)
    y = 400
    for line in _wrap(draw, title, font, SIZE - 80)[:3]:
        draw.text((SIZE / 2, y), line, font=font, fill=dark, anchor="ma")
        y += 44
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def logo_image(name, type_slug):
    """A round badge with the business's initials."""
    dark, light = TYPE_COLOURS[type_slug]
    image = Image.new("RGB", (256, 256), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse([8, 8, 248, 248], fill=dark)
    draw.ellipse([22, 22, 234, 234], outline=light, width=4)
    initials = "".join(word[0] for word in name.split()[:2]).upper()
    draw.text((128, 128), initials, font=_font(96), fill=light, anchor="mm")
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def story_image(type_slug, title):
    """A 1200×675 banner for a founder story: the product type's colours and the story title."""
    dark, light = TYPE_COLOURS[type_slug]
    image = Image.new("RGB", (1200, 675), dark)
    draw = ImageDraw.Draw(image)
    for i in range(0, 1200, 60):
        draw.ellipse([i - 20, 560 - (i % 180), i + 100, 680 - (i % 180)], fill=light)
    _draw_shape(draw, type_slug, light, (820, 120, 1120, 420))
    font = _font(54)
    y = 140
    for line in _wrap(draw, title, font, 700)[:4]:
        draw.text((70, y), line, font=font, fill=(255, 255, 255))
        y += 70
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()

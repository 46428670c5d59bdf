#!/usr/bin/env python3
"""Draws the icon set in icons/ from the shapes of assets/icon.svg (needs Pillow).

Kept as code rather than an SVG rasteriser so it runs anywhere Pillow installs."""
import pathlib
from PIL import Image, ImageDraw

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "icons"


def draw(size: int) -> Image.Image:
    scale = 4  # supersample, then shrink, for smooth edges
    s = size * scale
    k = s / 512
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([0, 0, s - 1, s - 1], radius=int(112 * k), fill="#14161b")
    r, w = 172 * k, 36 * k
    d.ellipse([256 * k - r, 256 * k - r, 256 * k + r, 256 * k + r], outline="#4fc3a1", width=int(w))
    d.rounded_rectangle([150 * k, 170 * k, 362 * k, 210 * k], radius=int(20 * k), fill="#e6e8ee")
    d.rounded_rectangle([236 * k, 170 * k, 276 * k, 360 * k], radius=int(20 * k), fill="#e6e8ee")
    d.arc([236 * k, 290 * k, 368 * k, 390 * k], start=90, end=180, fill="#e6e8ee", width=int(40 * k))
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, size in [("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256),
                       ("256x256.png", 256), ("512x512.png", 512), ("icon.png", 512)]:
        draw(size).save(OUT / name)
    draw(256).save(OUT / "icon.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    draw(512).save(OUT / "icon.icns")


if __name__ == "__main__":
    main()

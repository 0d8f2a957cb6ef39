"""Draws assets/closedesk.png (run: python3 assets/make_icon.py assets/closedesk.png [SIZE]): a
rounded dark-teal square with a light archive-box glyph, SIZE pixels square (256 by default).

The shape is laid out on a 256-unit grid and sampled at each size, so small icons are drawn, not
shrunk from the big one. assets/make_icons.sh makes the hicolor PNGs and the Windows .ico with it.

Pure standard library (zlib + struct); 4x4 supersampling for smooth edges.
"""
import struct, sys, zlib

SIZE = 256
SS = 4  # samples per axis per pixel

def rounded_rect(x, y, x0, y0, x1, y1, r):
    """Whether (x, y) lies inside the rounded rectangle."""
    if x < x0 or x > x1 or y < y0 or y > y1:
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

BG_TOP = (20, 110, 118)
BG_BOTTOM = (11, 70, 78)
GLYPH = (232, 246, 243)
SLOT = (15, 86, 94)
SHADOW = (6, 45, 50)

def sample(x, y):
    """Colour and alpha of one sub-sample at (x, y) in pixel units."""
    if not rounded_rect(x, y, 8, 8, 248, 248, 52):
        return None
    t = (y - 8) / 240
    bg = tuple(BG_TOP[i] + (BG_BOTTOM[i] - BG_TOP[i]) * t for i in range(3))
    # Soft drop shadow under the box.
    if rounded_rect(x, y, 62, 118, 198, 206, 14) and not rounded_rect(x, y, 58, 110, 194, 200, 14):
        bg = tuple(bg[i] * 0.75 + SHADOW[i] * 0.25 for i in range(3))
    # The lid.
    if rounded_rect(x, y, 50, 66, 206, 104, 12):
        return GLYPH
    # The body, a little narrower than the lid, with a gap between them.
    if rounded_rect(x, y, 62, 112, 194, 198, 14):
        # The handle slot on the front of the body.
        if rounded_rect(x, y, 100, 132, 156, 148, 8):
            return SLOT
        return GLYPH
    return bg

def render(size):
    rows = []
    step = 1 / SS
    scale = SIZE / size
    for py in range(size):
        row = bytearray([0])  # filter type: none
        for px in range(size):
            r = g = b = a = 0.0
            for sy in range(SS):
                for sx in range(SS):
                    c = sample((px + (sx + 0.5) * step) * scale, (py + (sy + 0.5) * step) * scale)
                    if c is not None:
                        r += c[0]; g += c[1]; b += c[2]; a += 1
            n = SS * SS
            if a:
                row += bytes([round(r / a), round(g / a), round(b / a), round(255 * a / n)])
            else:
                row += bytes([0, 0, 0, 0])
        rows.append(bytes(row))
    return b"".join(rows)

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

def main(path, size=SIZE):
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(render(size), 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)

if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else SIZE)

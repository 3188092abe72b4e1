#!/usr/bin/env python3
"""Image bombs against a real quorum-server: an image is judged by its
header before anything is decoded, and checked whole in bounded memory.
A 45-byte PNG header claiming 50,000 × 50,000 pixels is refused at once
with 413; a real 20,000 × 20,000 PNG is refused by the pixel limit, or, under
a limit that takes it, checked and kept without the server ever holding it at
full size; a PNG cut in half, a JPEG cut short and a GIF without its end are
refused with 400 and leave nothing behind; ordinary images keep their size
from the header. The server's peak memory (VmHWM, reset through clear_refs
before each case) is measured per case. Prints TAP. Argument: the
quorum-server binary."""
import base64
import json
import os
import struct
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, png, report  # noqa: E402

SERVER = sys.argv[1]
MB = 1024 * 1024
BUDGET = 200 * MB

# A 64 × 48 baseline JPEG (ImageMagick, a red-to-blue gradient).
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwg"
    "IyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgo"
    "KCgoKCgoKCgoKCgoKCj/wAARCAAwAEADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAAQH/8QAFRABAQAAAAAAAAAA"
    "AAAAAAAAABP/xAAXAQEBAQEAAAAAAAAAAAAAAAAABwYF/8QAFhEAAwAAAAAAAAAAAAAAAAAAABVh/9oADAMBAAIRAxEAPwDN"
    "aFElCjmrIXdhSuhRJQoLIGFK6FElCgsgYUroUSUKCyBhSWhRJQooSyGFYUroUSUKCyBhSuhRJQoLIGFK6FElCgsgYUkoUS0K"
    "KGshhWFKqFEtCgsgYUqoUS0KCyBhSqhRLQoLIGFP/9k=")
# The same, progressive with 4:4:4 colour (ImageMagick -interlace JPEG).
PROGRESSIVE = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDREN"
    "Dg8QEBEQCgwSExIQEw8QEBD/2wBDAQMDAwQDBAgEBAgQCwkLEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ"
    "EBAQEBAQEBAQEBAQEBD/wgARCAAwAEADAREAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAAQH/8QAFgEBAQEAAAAAAAAA"
    "AAAAAAAAAAYI/9oADAMBAAIQAxAAAAHNZbTYAAAkp50AAASU88AAAJaadAAAElPOgAACSnngAAB//8QAFRABAQAAAAAAAAAA"
    "AAAAAAAAABL/2gAIAQEAAQUCpSlKUpSlKUpSlKUpSlKUpSlKUpSlKUpSlKUpSlKU/8QAFREBAQAAAAAAAAAAAAAAAAAAABT/"
    "2gAIAQMBAT8BpUqVKlSpUqlSpUqVKlSlSpUqVKlSpUqVKlSpUqVKlSpUqVKlSpUqVKlS/8QAFREBAQAAAAAAAAAAAAAAAAAA"
    "ABT/2gAIAQIBAT8BkSJEiRIkSJEiRIkSJEiRIkSJEiRIkSJEiRIkSJEiRIkSJEiRIkSJEiRI/8QAFBABAAAAAAAAAAAAAAAA"
    "AAAAUP/aAAgBAQAGPwJD/8QAFBABAAAAAAAAAAAAAAAAAAAAUP/aAAgBAQABPyFAAAAAAAAD/9oADAMBAAIAAwAAABBJJJK2"
    "222SSSRtttv/AP8A/wCSSST/xAAVEQEBAAAAAAAAAAAAAAAAAAAAcf/aAAgBAwEBPxC1rWta1qUpSlKUta1rWta1rWta1rWt"
    "a1rWta1rWtb/xAAVEQEBAAAAAAAAAAAAAAAAAAAAcf/aAAgBAgEBPxCEIQhCEIQhCEIQhCEIQhCEIQhCEIQhCEIQhCEIQhD/"
    "xAAVEAEBAAAAAAAAAAAAAAAAAAAAcf/aAAgBAQABPxC1rWta1rWta1rWta1rWta1rWta1rWta1rWta1rWtb/2Q==")
# A 1 × 1 GIF89a: a two-colour table, one frame, the trailer.
GIF = bytes.fromhex("474946383961" "01000100" "800000" "000000ffffff"
                    "2c" "00000000" "01000100" "00" "02" "02" "4401" "00" "3b")


def message_of(body):
    return ((body or {}).get("error") or {}).get("message", "")


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header(width, height, depth=8, color=2, interlace=0):
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, interlace))


def huge_png(side):
    """A real side × side one-bit grey PNG, made row by row: about 50 KB."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    parts = [compressor.compress(row) for _ in range(side)]
    parts.append(compressor.flush())
    return png_header(side, side, 1, 0) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


def rows_png(width, height, rows, interlace=0):
    """A grey RGB PNG of these raw rows (each with its filter byte)."""
    return png_header(width, height, interlace=interlace) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def adam7_rows(width, height):
    """The raw rows of an interlaced RGB image, pass after pass."""
    rows = b""
    for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
                           (0, 1, 1, 2)):
        pass_width, pass_height = (width - x0 + dx - 1) // dx, (height - y0 + dy - 1) // dy
        if pass_width and pass_height:
            rows += (b"\x00" + b"\x20" * (3 * pass_width)) * pass_height
    return rows


def noisy_png(width, height):
    """A PNG whose pixel data does not compress, so that half of it is half of the image."""
    rows = b"".join(b"\x00" + os.urandom(3 * width) for _ in range(height))
    return png_header(width, height) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def resized_jpeg(jpeg, width, height):
    """The JPEG with its frame header claiming another size: its scans then
    end early, which libjpeg fills in."""
    data = bytearray(jpeg)
    frame = min(i for i in (data.find(b"\xff\xc0"), data.find(b"\xff\xc2")) if i >= 0)
    data[frame + 5:frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def bmp(width, height):
    stride = (width * 3 + 3) // 4 * 4
    pixels = b"".join(bytes([40, 80, 120]) * width + b"\x00" * (stride - 3 * width) for _ in range(height))
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info) + len(pixels), 0, 0, 14 + len(info)) + info + pixels


def memory(pid, field):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def measured(server, method, path, raw):
    """Status, body, seconds and the server's peak memory above its idle
    memory while answering."""
    pid = server.process.pid
    with open("/proc/%d/clear_refs" % pid, "w") as clear:
        clear.write("5")   # resets VmHWM to the current resident size
    idle = memory(pid, "VmRSS")
    start = time.monotonic()
    status, body = server.call(method, path, server.root, raw=raw, content_type="application/octet-stream",
                               timeout=60)
    seconds = time.monotonic() - start
    return status, body, seconds, memory(pid, "VmHWM") - idle


def files(server):
    status, body = server.call("GET", "/projects/1/files", server.root)
    assert status == 200, body
    return body


def figure(name, seconds, peak):
    print("# %s: %.3f s, peak %.1f MB above idle" % (name, seconds, peak / MB))


server = Server(SERVER)
try:
    s = server
    status, body = s.call("POST", "/projects", s.root, {"name": "Streets"})
    assert status == 201, body
    # Warm up: the first upload loads the decoders.
    status, body = s.call("POST", "/projects/1/files?name=warm.png", s.root, raw=png(8, 8, 1),
                          content_type="image/png")
    assert status == 201, body

    bomb = png_header(50000, 50000) + chunk(b"IEND", b"")
    check("the bomb is the 45-byte header of the trial", len(bomb) == 45, len(bomb))
    status, body, seconds, peak = measured(s, "POST", "/projects/1/files?name=bomb.png", bomb)
    figure("45-byte 50000x50000 PNG header", seconds, peak)
    check("a 45-byte PNG header claiming 50,000 × 50,000 pixels: 413", status == 413, (status, body))
    message = message_of(body)
    check("the message names the image's size and the limit",
          "50000 × 50000" in message and "100.0 megapixels" in message and "--max-image-pixels" in message,
          message)
    check("refused in under a second", seconds < 1.0, seconds)
    check("refused without the server's memory growing 200 MB", peak < BUDGET, peak)

    big = huge_png(20000)
    check("the 20,000² PNG is small", len(big) < 200 * 1024, len(big))
    status, body, seconds, peak = measured(s, "POST", "/projects/1/files?name=big.png", big)
    figure("real 20000x20000 PNG, default limit", seconds, peak)
    check("a real 20,000 × 20,000 PNG over the limit: 413 naming its size",
          status == 413 and "20000 × 20000" in message_of(body), (status, body))
    check("... without the server's memory growing 200 MB", peak < BUDGET, peak)

    normal = noisy_png(300, 200)
    half = normal[:len(normal) // 2]
    status, body, seconds, peak = measured(s, "POST", "/projects/1/files?name=half.png", half)
    figure("PNG cut in half", seconds, peak)
    check("a PNG cut in half: 400, the image is truncated or corrupt",
          status == 400 and "the image is truncated or corrupt" in message_of(body), (status, body))

    short = JPEG[:300]
    status, body, seconds, peak = measured(s, "POST", "/projects/1/files?name=short.jpg", short)
    figure("JPEG cut short", seconds, peak)
    check("a JPEG cut short (no EOI): 400, the image is truncated or corrupt",
          status == 400 and "the image is truncated or corrupt" in message_of(body), (status, body))

    status, body = s.call("POST", "/projects/1/files?name=short.gif", s.root, raw=GIF[:-1],
                          content_type="image/gif")
    check("a GIF without its trailer: 400, truncated or corrupt",
          status == 400 and "the image is truncated or corrupt" in message_of(body), (status, body))

    bad = bytearray(png(16, 16, 3))
    bad[29] ^= 0xff   # the checksum of IHDR
    status, body = s.call("POST", "/projects/1/files?name=bad-header.png", s.root, raw=bytes(bad),
                          content_type="image/png")
    check("a PNG whose header's checksum is wrong: 400 naming the fault",
          status == 400 and "IHDR" in message_of(body), (status, body))

    zero = png_header(0, 10) + chunk(b"IEND", b"")
    status, body = s.call("POST", "/projects/1/files?name=zero.png", s.root, raw=zero, content_type="image/png")
    check("a PNG 0 pixels wide: 400", status == 400 and "0" in message_of(body), (status, body))

    grey = b"\x00" + b"\x10" * 60
    bad_crc = bytearray(rows_png(20, 20, grey * 20))
    bad_crc[-13] ^= 0xff   # the last byte of the IDAT checksum
    for name, data, fault in (("short-rows.png", rows_png(20, 20, grey * 10), "Not enough image data"),
                              ("bad-filter.png", rows_png(20, 20, (b"\x09" + grey[1:]) * 20), "filter"),
                              ("bad-crc.png", bytes(bad_crc), "CRC"),
                              ("bad-lzw.gif", GIF[:-5] + b"\x01\x07\x00\x3b", "LZW")):
        status, body = s.call("POST", "/projects/1/files?name=" + name, s.root, raw=data,
                              content_type="application/octet-stream")
        check("%s: 400, corrupt, %s" % (name, fault),
              status == 400 and "corrupt" in message_of(body) and fault in message_of(body), (status, body))

    tiff = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 64
    status, body = s.call("POST", "/projects/1/files?name=scan.tif", s.root, raw=tiff, content_type="image/tiff")
    check("a TIFF: 400 naming the formats taken",
          status == 400 and "image/tiff" in message_of(body) and "PNG, JPEG, GIF" in message_of(body), (status, body))
    status, body = s.call("POST", "/projects/1/files?name=x.png", s.root, raw=b"this is not an image\n",
                          content_type="image/png")
    check("text named .png: 400, neither an image nor a video",
          status == 400 and "neither an image nor a video" in message_of(body), (status, body))

    listed = files(s)
    check("nothing refused was stored", [f["name"] for f in listed] == ["warm.png"],
          [f["name"] for f in listed])

    status, body, seconds, peak = measured(s, "POST", "/projects/1/files?name=street.png", normal)
    figure("ordinary 300x200 PNG", seconds, peak)
    check("an ordinary PNG is kept with its size",
          status == 201 and (body["width"], body["height"], body["media_type"]) == (300, 200, "image/png"),
          (status, body))
    status, body = s.call("POST", "/projects/1/files?name=street.jpg", s.root, raw=JPEG, content_type="image/jpeg")
    check("an ordinary JPEG is kept with its size",
          status == 201 and (body["width"], body["height"], body["media_type"]) == (64, 48, "image/jpeg"),
          (status, body))
    status, body = s.call("POST", "/projects/1/files?name=prog.jpg", s.root, raw=PROGRESSIVE,
                          content_type="image/jpeg")
    check("a small progressive JPEG is kept with its size",
          status == 201 and (body["width"], body["height"]) == (64, 48), (status, body))
    status, body, seconds, peak = measured(s, "POST", "/projects/1/files?name=huge-prog.jpg",
                                           resized_jpeg(PROGRESSIVE, 10000, 10000))
    figure("progressive JPEG header claiming 10000x10000", seconds, peak)
    check("a progressive JPEG of 10,000 × 10,000 (600 MB of coefficients): 413 saying so",
          status == 413 and "progressive" in message_of(body) and "600 MB" in message_of(body), (status, body))
    check("... without the server's memory growing 200 MB", peak < BUDGET, peak)
    status, body, seconds, peak = measured(s, "POST", "/projects/1/files?name=huge.jpg",
                                           resized_jpeg(JPEG, 10000, 10000))
    figure("baseline JPEG header claiming 10000x10000 (at the limit)", seconds, peak)
    check("a baseline JPEG of 10,000 × 10,000 is within the limit: decoded at 1/8 and kept",
          status == 201 and (body["width"], body["height"]) == (10000, 10000), (status, body))
    check("... without the server's memory growing 200 MB", peak < BUDGET, peak)
    status, body = s.call("POST", "/projects/1/files?name=dot.gif", s.root, raw=GIF, content_type="image/gif")
    check("an ordinary GIF is kept with its size",
          status == 201 and (body["width"], body["height"], body["media_type"]) == (1, 1, "image/gif"),
          (status, body))
    status, body = s.call("POST", "/projects/1/files?name=adam7.png", s.root,
                          raw=rows_png(20, 20, adam7_rows(20, 20), interlace=1), content_type="image/png")
    check("an interlaced PNG is kept with its size",
          status == 201 and (body["width"], body["height"]) == (20, 20), (status, body))
    status, body = s.call("POST", "/projects/1/files?name=tile.bmp", s.root, raw=bmp(5, 3),
                          content_type="image/bmp")
    check("an ordinary BMP is kept with its size",
          status == 201 and (body["width"], body["height"], body["media_type"]) == (5, 3, "image/bmp"),
          (status, body))
    status, body = s.call("POST", "/projects/1/files?name=tile-cut.bmp", s.root, raw=bmp(5, 3)[:-10],
                          content_type="image/bmp")
    check("a BMP short of its rows: 400", status == 400, (status, body))
    check("exactly the good images were stored",
          sorted(f["name"] for f in files(s)) == ["adam7.png", "dot.gif", "huge.jpg", "prog.jpg", "street.jpg",
                                                  "street.png", "tile.bmp", "warm.png"],
          [f["name"] for f in files(s)])
finally:
    server.close()

# A limit that takes the 20,000² PNG: it is checked row by row and kept.
try:
    server = Server(SERVER, "--max-image-pixels", "400000000")
except Exception as error:   # an older server does not know the option
    check("a server starts with --max-image-pixels 400000000", False, str(error))
    server = None
if server is not None:
    try:
        s = server
        s.call("POST", "/projects", s.root, {"name": "Big"})
        status, body = s.call("POST", "/projects/1/files?name=warm.png", s.root, raw=png(8, 8, 1),
                              content_type="image/png")
        assert status == 201, body
        status, body, seconds, peak = measured(s, "POST", "/projects/1/files?name=big.png", huge_png(20000))
        figure("real 20000x20000 PNG, --max-image-pixels 400000000", seconds, peak)
        check("under --max-image-pixels 400000000 the 20,000² PNG is kept with its size",
              status == 201 and (body["width"], body["height"]) == (20000, 20000), (status, body))
        check("... checked without the server's memory growing 200 MB", peak < BUDGET, peak)
        cut = huge_png(20000)
        status, body = s.call("POST", "/projects/1/files?name=big-cut.png", s.root, raw=cut[:len(cut) // 2],
                              content_type="image/png")
        check("... and the same cut in half: 400", status == 400, (status, body))
    finally:
        server.close()

report()

#!/usr/bin/env python3
"""Writes the first test images of the committed Fashion-MNIST subset as greyscale PNGs into
data/samples/, named by index and class, for examples that classify image files (the host-app
template's check, the README). Standard library only: the PNG is written by hand (one IDAT chunk,
filter type 0 on every row)."""
import pathlib
import struct
import zlib

from make_fashion_mnist_subset import read_idx

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
COUNT = 4

root = pathlib.Path(__file__).resolve().parents[2]
subset = root / "data" / "fashion-mnist-subset"
out = root / "data" / "samples"


def png(width, height, pixels):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


(count, height, width), images = read_idx(subset / "t10k-images-idx3-ubyte.gz", 3)
_, labels = read_idx(subset / "t10k-labels-idx1-ubyte.gz", 1)
out.mkdir(exist_ok=True)
for index in range(COUNT):
    name = CLASSES[labels[index]].lower().replace("/", "_").replace(" ", "_").replace("-", "_")
    pixels = images[index * height * width:(index + 1) * height * width]
    (out / f"fashion_mnist_test_{index}_{name}.png").write_bytes(png(width, height, pixels))

"""Writes the batches both sides of bench/pytorch_compare.sh use: the first COUNT training images of
the Fashion-MNIST subset as raw uint8 (N x 28 x 28) and their labels as little-endian int64."""
import gzip
import struct
import sys
from pathlib import Path


def read_idx(path):
    with gzip.open(path, "rb") as stream:
        data = stream.read()
    magic, count = struct.unpack(">II", data[:8])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]


def main(root, out, count):
    root, out = Path(root), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (n, rows, cols), pixels = read_idx(root / "train-images-idx3-ubyte.gz")
    (_,), labels = read_idx(root / "train-labels-idx1-ubyte.gz")
    count = min(count, n)
    (out / "images.u8").write_bytes(pixels[: count * rows * cols])
    (out / "labels.i64").write_bytes(b"".join(struct.pack("<q", label) for label in labels[:count]))
    print(f"{count} images of {rows}x{cols} in {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))

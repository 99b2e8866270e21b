#!/usr/bin/env python3
"""Make the Fashion-MNIST subset committed under data/fashion-mnist-subset/.

Reads the full dataset from Debian's dataset-fashion-mnist package
(/usr/share/datasets/fashion-mnist/), installing it with apt-get when it is missing and the
script runs as root, then picks the same number of images of every class from the training
and the test split (a fixed, seeded choice: the same files on every run) and writes them as
gzip-compressed IDX files with MNIST's file names, so that the FashionMNIST dataset reads them.

Usage: python3 tools/data/make_fashion_mnist_subset.py [--train-per-class N] [--test-per-class N]
       [--seed S] [--source DIR] [--output DIR]
"""

import argparse
import gzip
import hashlib
import io
import os
import struct
import subprocess
import sys

DEBIAN_PACKAGE = "dataset-fashion-mnist"
DEFAULT_SOURCE = "/usr/share/datasets/fashion-mnist"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SPLITS = {"train": "train", "test": "t10k"}


def ensure_installed(source):
    """Installs the Debian package when the files are missing (idempotent)."""
    if os.path.exists(os.path.join(source, "train-images-idx3-ubyte.gz")):
        return
    if source != DEFAULT_SOURCE:
        sys.exit(f"error: {source} has no Fashion-MNIST files")
    if os.geteuid() != 0:
        sys.exit(f"error: {source} is missing; install it with 'apt-get install {DEBIAN_PACKAGE}' as root")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", DEBIAN_PACKAGE], check=True, env=env)


def read_idx(path, rank):
    with gzip.open(path, "rb") as stream:
        data = stream.read()
    zero, dtype, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08 or dims != rank:
        sys.exit(f"error: {path} is not an unsigned-byte IDX file of rank {rank}")
    shape = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return shape, data[4 + 4 * rank:]


def write_idx(path, shape, payload):
    header = struct.pack(">HBB", 0, 0x08, len(shape)) + struct.pack(">" + "I" * len(shape), *shape)
    raw = io.BytesIO()
    # mtime=0 and no file name: the same bytes on every run.
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as stream:
        stream.write(header + payload)
    with open(path, "wb") as out:
        out.write(raw.getvalue())


def choose(labels, per_class, seed, split):
    """The first per_class indices of each class in a seeded order, sorted back into file order."""
    def key(index):
        return hashlib.sha256(f"{seed}:{split}:{index}".encode()).digest()

    chosen = []
    for label in range(len(CLASSES)):
        members = [i for i, value in enumerate(labels) if value == label]
        if len(members) < per_class:
            sys.exit(f"error: the {split} split has only {len(members)} images of class {label}")
        chosen.extend(sorted(members, key=key)[:per_class])
    return sorted(chosen)


def make_split(source, output, split, per_class, seed):
    prefix = SPLITS[split]
    (count, rows, columns), pixels = read_idx(os.path.join(source, f"{prefix}-images-idx3-ubyte.gz"), 3)
    (label_count,), labels = read_idx(os.path.join(source, f"{prefix}-labels-idx1-ubyte.gz"), 1)
    if count != label_count:
        sys.exit(f"error: {count} images but {label_count} labels in the {split} split")
    size = rows * columns
    chosen = choose(labels, per_class, seed, split)
    images = b"".join(pixels[i * size:(i + 1) * size] for i in chosen)
    picked = bytes(labels[i] for i in chosen)
    write_idx(os.path.join(output, f"{prefix}-images-idx3-ubyte.gz"), (len(chosen), rows, columns), images)
    write_idx(os.path.join(output, f"{prefix}-labels-idx1-ubyte.gz"), (len(chosen),), picked)
    return len(chosen)


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-per-class", type=int, default=2500)
    parser.add_argument("--test-per-class", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--source", default=DEFAULT_SOURCE)
    parser.add_argument("--output", default=os.path.join(root, "data", "fashion-mnist-subset"))
    args = parser.parse_args()

    ensure_installed(args.source)
    os.makedirs(args.output, exist_ok=True)
    train = make_split(args.source, args.output, "train", args.train_per_class, args.seed)
    test = make_split(args.source, args.output, "test", args.test_per_class, args.seed)
    print(f"wrote {train} training and {test} test images ({args.train_per_class} and "
          f"{args.test_per_class} per class, seed {args.seed}) to {args.output}")


if __name__ == "__main__":
    main()

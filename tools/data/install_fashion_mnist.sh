#!/usr/bin/env bash
# Installs the whole Fashion-MNIST set from Debian's archive (package dataset-fashion-mnist, IDX
# files under /usr/share/datasets/fashion-mnist). Idempotent; needs root to install.
set -euo pipefail

readonly target=/usr/share/datasets/fashion-mnist
if [[ -f "$target/train-images-idx3-ubyte.gz" && -f "$target/t10k-labels-idx1-ubyte.gz" ]]; then
    echo "Fashion-MNIST is already installed in $target"
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "error: installing dataset-fashion-mnist needs root; run: sudo bash $0" >&2
    exit 1
fi

apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist
echo "Fashion-MNIST installed in $target"

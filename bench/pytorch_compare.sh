#!/usr/bin/env bash
# icls vs plain PyTorch on the same CPU, the same network (the quick start's narrow ResNet_CIFAR-18)
# and the same Fashion-MNIST batches: training step (batch 128), inference throughput (batch 64)
# and batch-1 latency, in alternating rounds, each side in its own process as users run it.
# PyTorch is Debian's python3-torch (installed here when missing; run as root). Prints each run's
# JSON line and then the ratios: speed pytorch_ms/icls_ms (>1: icls faster), RSS icls/pytorch.
# PyTorch runs twice per round: at its default thread count (what a user gets; Debian's build
# starts with one thread on some machines) and at one thread per core, as icls runs.
# Usage: bench/pytorch_compare.sh [ROUNDS] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
steps=${2:-40}
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build bench/ImageClassifier.Bench -c Release --artifacts-path "$work/art" -v q -nologo >/dev/null
bench="$work/art/bin/ImageClassifier.Bench/release/icls-bench.dll"
/usr/bin/python3 bench/pytorch/make_batches.py data/fashion-mnist-subset "$work/batches" 1024 >/dev/null
for round in $(seq 1 "$rounds"); do
  for mode in train infer64 infer1; do
    # Alternate which side goes first.
    if (( round % 2 )); then order="pytorch pytorch-cores icls"; else order="icls pytorch-cores pytorch"; fi
    for side in $order; do
      if [[ $side == pytorch ]]; then
        /usr/bin/python3 bench/pytorch/resnet_cifar_bench.py --batches "$work/batches" --mode "$mode" --steps "$steps"
      elif [[ $side == pytorch-cores ]]; then
        /usr/bin/python3 bench/pytorch/resnet_cifar_bench.py --batches "$work/batches" --mode "$mode" --steps "$steps" --threads "$(nproc)"
      else
        dotnet "$bench" compare --batches "$work/batches" --mode "$mode" --steps "$steps" 2>/dev/null | tail -1
      fi
    done
  done
done | tee "$work/results.jsonl"
/usr/bin/python3 - "$work/results.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
baselines = sorted({r["side"] for r in runs if r["side"] != "icls"})
for mode, name in [("train", "training step, batch 128"), ("infer64", "inference, batch 64"), ("infer1", "latency, batch 1")]:
    ours = [r for r in runs if r["mode"] == mode and r["side"] == "icls"]
    for baseline in baselines:
        theirs = [r for r in runs if r["mode"] == mode and r["side"] == baseline]
        threads = theirs[0]["threads"]
        speed = statistics.median(t["median_ms"] for t in theirs) / statistics.median(o["median_ms"] for o in ours)
        rss = max(o["peak_rss_kb"] for o in ours) / max(t["peak_rss_kb"] for t in theirs)
        print(f"{name:26s} icls {statistics.median(o['median_ms'] for o in ours):8.2f} ms ({ours[0]['threads']} threads)"
              f"  pytorch {statistics.median(t['median_ms'] for t in theirs):8.2f} ms ({threads} threads)"
              f"  speed pytorch/icls {speed:5.2f}x  latency icls/pytorch {1 / speed:5.2f}  peak RSS icls/pytorch {rss:5.2f}")
PY

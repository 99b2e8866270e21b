#!/usr/bin/env bash
# Each zoo family's forward against torchvision's model of the same arch, on the same CPU:
# batch 1 and batch 32 at 224 x 224, icls through the inferencer (norms folded) and PyTorch as users
# run it (eval, no_grad, one thread per core), alternating which side goes first, each in its own
# process, after warm-up calls: 30 at batch 1 (3 left .NET's tiered JIT and oneDNN's first calls in
# the batch-1 figures), 5 at batch 32 (where a call takes seconds, the start-up is long paid).
# Our side runs three ways: as shipped (channels-last weights), with NCHW weights
# (ICLS_CHANNELS_LAST=0) and with the layout timed at the first batch (=auto, remembered in ICLS_HOME).
# A side that takes over LIMIT seconds (ZOO_LIMIT_S, default 300) for one family and batch is
# reported as "timed out" rather than stopping the script. Prints pytorch_ms/icls_ms per family and
# batch (>1: icls faster; the issue's bar is 1/1.1).
# PyTorch is Debian's python3-torch and python3-torchvision (installed here when missing; run as root).
# Usage: bench/zoo_compare.sh [ROUNDS] [STEPS] [FAMILY ...]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
steps=${2:-10}
shift $(( $# > 2 ? 2 : $# ))
if ! /usr/bin/python3 -c "import torchvision" 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-torchvision >/dev/null
fi
declare -A models=(
  [resnet50]='{"type": "ImageClassifier", "data_preprocessor": {"mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375], "to_rgb": true}, "backbone": {"type": "ResNet", "depth": 50}, "neck": {"type": "GlobalAveragePooling"}, "head": {"type": "LinearClsHead", "num_classes": 1000, "in_channels": 2048}}'
  [resnext50_32x4d]='{"type": "ImageClassifier", "data_preprocessor": {"mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375], "to_rgb": true}, "backbone": {"type": "ResNeXt", "depth": 50}, "neck": {"type": "GlobalAveragePooling"}, "head": {"type": "LinearClsHead", "num_classes": 1000, "in_channels": 2048}}'
  [mobilenet_v3_large]='{"type": "ImageClassifier", "data_preprocessor": {"mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375], "to_rgb": true}, "backbone": {"type": "MobileNetV3", "arch": "large"}, "neck": {"type": "GlobalAveragePooling"}, "head": {"type": "LinearClsHead", "num_classes": 1000, "in_channels": 960}}'
  [efficientnet_b0]='{"type": "ImageClassifier", "data_preprocessor": {"mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375], "to_rgb": true}, "backbone": {"type": "EfficientNet", "arch": "b0", "conv_cfg": {"type": "Conv2d"}}, "neck": {"type": "GlobalAveragePooling"}, "head": {"type": "LinearClsHead", "num_classes": 1000, "in_channels": 1280}}'
  [vgg16]='{"type": "ImageClassifier", "data_preprocessor": {"mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375], "to_rgb": true}, "backbone": {"type": "VGG", "depth": 16, "num_classes": 1000}, "head": {"type": "ClsHead"}}'
  [densenet121]='{"type": "ImageClassifier", "data_preprocessor": {"mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375], "to_rgb": true}, "backbone": {"type": "DenseNet", "arch": "121"}, "neck": {"type": "GlobalAveragePooling"}, "head": {"type": "LinearClsHead", "num_classes": 1000, "in_channels": 1024}}'
  [convnext_tiny]='{"type": "ImageClassifier", "data_preprocessor": {"mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375], "to_rgb": true}, "backbone": {"type": "ConvNeXt", "arch": "tiny"}, "head": {"type": "LinearClsHead", "num_classes": 1000, "in_channels": 768}}'
  [vit_b_16]='{"type": "ImageClassifier", "data_preprocessor": {"mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375], "to_rgb": true}, "backbone": {"type": "VisionTransformer", "arch": "b"}, "head": {"type": "VisionTransformerClsHead", "num_classes": 1000, "in_channels": 768}}'
  # mmpretrain's regnetx_400mf ends with 384 channels where torchvision's regnet_x_400mf has 400
  # (docs/zoo.md#regnet), so ours does slightly less work: 5.16 M parameters against 5.50 M.
  [regnet_x_400mf]='{"type": "ImageClassifier", "data_preprocessor": {"mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375], "to_rgb": true}, "backbone": {"type": "RegNet", "arch": "regnetx_400mf"}, "neck": {"type": "GlobalAveragePooling"}, "head": {"type": "LinearClsHead", "num_classes": 1000, "in_channels": 384}}'
  [swin_t]='{"type": "ImageClassifier", "data_preprocessor": {"mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375], "to_rgb": true}, "backbone": {"type": "SwinTransformer", "arch": "tiny"}, "neck": {"type": "GlobalAveragePooling"}, "head": {"type": "LinearClsHead", "num_classes": 1000, "in_channels": 768}}'
)
families=("$@")
(( ${#families[@]} )) || families=(resnet50 resnext50_32x4d mobilenet_v3_large efficientnet_b0 vgg16 densenet121 convnext_tiny vit_b_16 swin_t regnet_x_400mf)
limit=${ZOO_LIMIT_S:-300}
timed_out() { echo "{\"family\": \"$1\", \"side\":\"$3\", \"batch\": $2, \"median_ms\": null}"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build bench/ImageClassifier.Bench -c Release --artifacts-path "$work/art" -v q -nologo >/dev/null
bench="$work/art/bin/ImageClassifier.Bench/release/icls-bench.dll"
for round in $(seq 1 "$rounds"); do
  for family in "${families[@]}"; do
    for batch in 1 32; do
      if (( round % 2 )); then order="pytorch icls"; else order="icls pytorch"; fi
      warmup=$(( batch == 1 ? 30 : 5 ))
      for side in $order; do
        if [[ $side == pytorch ]]; then
          timeout "$limit" /usr/bin/python3 bench/pytorch/zoo_forward_bench.py --model "$family" --batch "$batch" --steps "$steps" --warmup "$warmup" --threads "$(nproc)" \
            | sed "s/^{/{\"family\": \"$family\", /" || timed_out "$family" "$batch" pytorch
        else
          { timeout "$limit" dotnet "$bench" zoo --model "${models[$family]}" --batch "$batch" --steps "$steps" --warmup "$warmup" 2>/dev/null || timed_out "$family" "$batch" icls; } \
            | tail -1 | sed "s/^{\"side\"/{\"family\": \"$family\", \"side\"/"
          # The same with NCHW weights (ICLS_CHANNELS_LAST=0) and with the layout timed (=auto).
          for layout in 0 auto; do
            name=$([[ $layout == 0 ]] && echo icls_nchw || echo icls_auto)
            { ICLS_CHANNELS_LAST=$layout timeout "$limit" dotnet "$bench" zoo --model "${models[$family]}" --batch "$batch" --steps "$steps" --warmup "$warmup" 2>/dev/null || timed_out "$family" "$batch" "$name"; } \
              | tail -1 | sed "s/^{\"side\"/{\"family\": \"$family\", \"side\"/; s/\"side\":\"icls\"/\"side\":\"$name\"/"
          done
        fi
      done
    done
  done
done | tee "$work/results.jsonl"
/usr/bin/python3 - "$work/results.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
def median(family, batch, side):
    values = [r["median_ms"] for r in runs if r["family"] == family and r["batch"] == batch and r["side"] == side]
    return None if not values or None in values else statistics.median(values)
def shown(ms):
    return "timed out" if ms is None else f"{ms:9.1f} ms"
for family in dict.fromkeys(r["family"] for r in runs):
    for batch in (1, 32):
        ours, theirs, nchw, timed = (median(family, batch, side) for side in ("icls", "pytorch", "icls_nchw", "icls_auto"))
        ratio = f"{theirs / ours:5.2f}x" if ours and theirs else "  n/a"
        gain = f"{nchw / ours:5.2f}x" if ours and nchw else "  n/a"
        print(f"{family:20s} batch {batch:2d}  icls {shown(ours)}  pytorch {shown(theirs)}  speed pytorch/icls {ratio}"
              f"  (icls NCHW {shown(nchw)}, channels-last gains {gain}; layout timed {shown(timed)})")
PY

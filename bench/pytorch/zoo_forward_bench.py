#!/usr/bin/env python3
"""PyTorch's side of bench/zoo_compare.sh: torchvision 0.14's model NAME in eval mode under
no_grad on 224 x 224 inputs, timed per call as icls-bench zoo times ours. Prints one JSON line."""
import argparse
import json
import time

import torch
import torchvision

parser = argparse.ArgumentParser()
parser.add_argument("--model", required=True)
parser.add_argument("--batch", type=int, default=1)
parser.add_argument("--steps", type=int, default=20)
parser.add_argument("--warmup", type=int, default=3)
parser.add_argument("--threads", type=int)
args = parser.parse_args()
if args.threads:
    torch.set_num_threads(args.threads)
torch.manual_seed(0)
model = getattr(torchvision.models, args.model)().eval()
images = torch.zeros(args.batch, 3, 224, 224)
times = []
with torch.no_grad():
    for step in range(args.warmup + args.steps):
        start = time.perf_counter()
        model(images).softmax(1).topk(1)
        times.append(time.perf_counter() - start)
timed = sorted(times[args.warmup:])
print(json.dumps({"side": "pytorch", "batch": args.batch, "threads": torch.get_num_threads(),
                  "median_ms": timed[len(timed) // 2] * 1000}))

"""The PyTorch side of bench/pytorch_compare.sh: the quick start's network (a narrow ResNet_CIFAR-18:
3x3 stem, four stages of two BasicBlocks with 16-128 channels, global average pooling, a linear head)
trained or run on the same batches as icls, as a user would write it: a plain loop, no tuning.
Prints one JSON line: median and p90 milliseconds per call, images/s and peak RSS."""
import argparse
import json
import statistics
import time
from pathlib import Path

import torch
from torch import nn

MEAN, STD = 72.94, 90.0


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ResNetCifar18(nn.Module):
    def __init__(self, in_channels=1, base=16, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, base, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(base)
        self.relu = nn.ReLU(inplace=True)
        layers, inplanes = [], base
        for index, stride in enumerate([1, 2, 2, 2]):
            planes = base * 2 ** index
            layers.append(nn.Sequential(BasicBlock(inplanes, planes, stride), BasicBlock(planes, planes, 1)))
            inplanes = planes
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(inplanes, classes)

    def forward(self, x):
        x = self.layers(self.relu(self.bn1(self.conv1(x))))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def peak_rss_kb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", required=True)
    parser.add_argument("--mode", choices=["train", "infer64", "infer1"], required=True)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads; 0 keeps torch's default")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    folder = Path(args.batches)
    images = torch.frombuffer(bytearray((folder / "images.u8").read_bytes()), dtype=torch.uint8).reshape(-1, 1, 28, 28)
    labels = torch.frombuffer(bytearray((folder / "labels.i64").read_bytes()), dtype=torch.int64)
    size = {"train": 128, "infer64": 64, "infer1": 1}[args.mode]
    count = images.shape[0] // size
    torch.manual_seed(0)
    model = ResNetCifar18()
    times = []
    if args.mode == "train":
        model.train()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
        loss_fn = nn.CrossEntropyLoss()
        for step in range(args.warmup + args.steps):
            i = step % count
            start = time.perf_counter()
            inputs = (images[i * size:(i + 1) * size].float() - MEAN) / STD
            loss = loss_fn(model(inputs), labels[i * size:(i + 1) * size])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss.item()
            times.append(time.perf_counter() - start)
    else:
        model.eval()
        with torch.no_grad():
            for step in range(args.warmup + args.steps):
                i = step % count
                start = time.perf_counter()
                inputs = (images[i * size:(i + 1) * size].float() - MEAN) / STD
                scores, classes = model(inputs).softmax(1).topk(1)
                classes.numpy()
                times.append(time.perf_counter() - start)
    timed = sorted(times[args.warmup:])
    median = statistics.median(timed)
    print(json.dumps({
        "side": "pytorch" if args.threads == 0 else f"pytorch-{args.threads}t", "mode": args.mode, "threads": torch.get_num_threads(), "torch": torch.__version__,
        "median_ms": median * 1000, "p90_ms": timed[int(0.9 * (len(timed) - 1))] * 1000,
        "images_per_s": size / median, "peak_rss_kb": peak_rss_kb(),
    }))


if __name__ == "__main__":
    main()

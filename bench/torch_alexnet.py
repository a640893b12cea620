"""The PyTorch anchor that alexnet4j's speed is compared with: the paper's AlexNet, timed on the CPU.

The network is the one alexnet4j's `alexnet` model builds (docs/PAPER.md): conv1 96x11x11/4,
conv2 256x5x5 pad 2 in two groups, conv3 384x3x3 across both, conv4 384 and conv5 256 (3x3, two
groups), ReLU after each, local response normalisation after relu1 and relu2 (n=5, k=2,
alpha=1e-4 per the paper's formula, beta=0.75), 3x3 stride-2 max pooling after the first, second
and fifth convolutions, fc6 and fc7 of 4096 units with dropout 0.5, fc8 of 1000; input 3x227x227.
A training step is forward, softmax cross-entropy, backward and SGD (momentum 0.9, weight decay
5e-4), as `alexnet4j bench` times it.

    OMP_PROC_BIND=true OMP_NUM_THREADS=2 \\
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \\
    /usr/bin/python3 bench/torch_alexnet.py --train 32,128 --infer 64

Needs Debian's python3-torch and libopenblas0-pthread: without the latter Debian's torch runs its
matrix products on the single-threaded reference BLAS, about three times slower, which would flatter
any comparison. Prints one JSON line per measurement: images/s, the median (and min, max) over the
timed steps after untimed warm-up steps.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn


def lrn():
    # torch divides alpha by the window size (Caffe's convention); the paper's formula does not.
    return nn.LocalResponseNorm(size=5, alpha=5 * 1e-4, beta=0.75, k=2.0)


def paper_alexnet(classes=1000):
    net = nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(inplace=True), lrn(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2, groups=2), nn.ReLU(inplace=True), lrn(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384, 384, 3, padding=1, groups=2), nn.ReLU(inplace=True),
        nn.Conv2d(384, 256, 3, padding=1, groups=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Flatten(),
        nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5),
        nn.Linear(4096, classes),
    )
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.normal_(m.weight, std=0.01)
            nn.init.zeros_(m.bias)
    return net


def timed(step, warmup, steps, batch):
    per_second = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        step()
        if i >= warmup:
            per_second.append(batch / (time.perf_counter() - start))
    return {"median": round(statistics.median(per_second), 2),
            "min": round(min(per_second), 2), "max": round(max(per_second), 2), "steps": steps}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", default="32,128", help="training batches, comma-separated")
    parser.add_argument("--infer", default="64", help="inference batches, comma-separated")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    net = paper_alexnet()
    loss = nn.CrossEntropyLoss()
    common = {"system": "pytorch " + torch.__version__, "threads": torch.get_num_threads()}
    for batch in [int(b) for b in args.train.split(",") if b]:
        net.train()
        sgd = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
        x, y = torch.randn(batch, 3, 227, 227), torch.randint(0, 1000, (batch,))

        def step():
            sgd.zero_grad(set_to_none=True)
            loss(net(x), y).backward()
            sgd.step()

        warmup, steps = (2, 8) if batch <= 32 else (1, 4)
        print(json.dumps({**common, "mode": "train", "batch": batch, **timed(step, warmup, steps, batch)}), flush=True)
    net.eval()
    for batch in [int(b) for b in args.infer.split(",") if b]:
        x = torch.randn(batch, 3, 227, 227)
        with torch.inference_mode():
            result = timed(lambda: net(x), 2, 8, batch)
        print(json.dumps({**common, "mode": "infer", "batch": batch, **result}), flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The linear-probe protocol of hpt evaluate, written the usual PyTorch way (the benchmark's reference).

Usage: reference.py CHECKPOINT_DIR DATA_DIR STEPS THREADS SEED
Same checkpoint weights (backbone.npz, torchvision names) and normalisation (manifest.json), same
IDX files ({train,val,test}-{images-idx3,labels-idx1}-ubyte.gz in DATA_DIR), same protocol: frozen backbone in eval mode,
features extracted in batches of 256; per rerun (3) and learning rate (0.3, 3, 30) a fresh
nn.Linear (normal 0.01 init, zero bias) trained by torch.optim.SGD (momentum 0.9, wd 0) for STEPS
steps of batch 512 over shuffled epochs (drop_last), MultiStepLR x0.1 at 1/3 and 2/3; a seeded 10%
val split selects the lr by mean validation top-1; test top-1/top-5 of that lr reported.
Prints one JSON line: seconds (extraction + sweep, as hpt's provenance wall time), top1, top1_std, top5.
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from make_test_fixtures import BasicBlock, Bottleneck, ResNet  # noqa: E402  torchvision-equivalent ResNet

def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def parse_arch(arch):
    import re
    m = re.fullmatch(r"resnet(\d+)(?:-w(\d+))?(-small)?(?:-in(\d+))?", arch)
    depth = int(m.group(1))
    layers = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 6, 3], 101: [3, 4, 23, 3]}[depth]
    block = BasicBlock if depth < 50 else Bottleneck
    return block, layers, int(m.group(2) or 64), m.group(3) is not None, int(m.group(4) or 3)


def accuracy(scores, labels, k):
    top = scores.topk(k, dim=1).indices
    return (top == labels[:, None]).any(dim=1).float().mean().item()


def main(argv):
    ckpt, data, steps, threads, seed = argv[1], argv[2], int(argv[3]), int(argv[4]), int(argv[5])
    torch.set_num_threads(threads)
    manifest = json.load(open(os.path.join(ckpt, "manifest.json")))
    block, layers, width, small, in_ch = parse_arch(manifest["architecture"])
    model = ResNet(block, layers, 10, width, small, in_ch)
    with np.load(os.path.join(ckpt, "backbone.npz")) as npz:
        state = {k: torch.from_numpy(np.array(npz[k])) for k in npz.files}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert set(missing) == {"fc.weight", "fc.bias"} and not unexpected, (missing, unexpected)
    model.eval()
    mean = torch.tensor(manifest["normalization"]["mean"]).view(1, -1, 1, 1)
    std = torch.tensor(manifest["normalization"]["std"]).view(1, -1, 1, 1)
    def split(name):
        return (idx(f"{data}/{name}-images-idx3-ubyte.gz"),
                torch.from_numpy(idx(f"{data}/{name}-labels-idx1-ubyte.gz").astype(np.int64)))

    (xtr, ytrain), (xval, yval), (xte, yte) = split("train"), split("val"), split("test")

    t0 = time.perf_counter()

    def extract(images):
        out = []
        with torch.no_grad():
            for i in range(0, len(images), 256):
                x = torch.from_numpy(np.array(images[i:i + 256], dtype=np.float32)).unsqueeze(1) / 255.0
                out.append(model.features((x - mean) / std))
        return torch.cat(out)

    ftrain, fval, fte = extract(xtr), extract(xval), extract(xte)
    lrs, reruns, batch = [0.3, 3.0, 30.0], 3, min(512, len(ftrain))
    milestones = [round(steps / 3), round(2 * steps / 3)]
    val, test1, test5 = np.zeros((reruns, len(lrs))), np.zeros((reruns, len(lrs))), np.zeros((reruns, len(lrs)))
    for r in range(reruns):
        for j, lr in enumerate(lrs):
            torch.manual_seed(seed + r)
            head = nn.Linear(ftrain.shape[1], 10)
            nn.init.normal_(head.weight, 0, 0.01)
            nn.init.zeros_(head.bias)
            opt = torch.optim.SGD(head.parameters(), lr=lr, momentum=0.9, weight_decay=0)
            sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones, 0.1)
            order, cursor = torch.randperm(len(ftrain)), 0
            for _ in range(steps):
                if cursor + batch > len(ftrain):
                    order, cursor = torch.randperm(len(ftrain)), 0
                b = order[cursor:cursor + batch]
                cursor += batch
                loss = F.cross_entropy(head(ftrain[b]), ytrain[b])
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
            with torch.no_grad():
                val[r, j] = accuracy(head(fval), yval, 1)
                s = head(fte)
                test1[r, j], test5[r, j] = accuracy(s, yte, 1), accuracy(s, yte, 5)
    best = int(np.argmax(val.mean(axis=0)))
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "top1": test1[:, best].mean(), "top1_std": test1[:, best].std(ddof=1),
                      "top5": test5[:, best].mean(), "lr": lrs[best]}))


if __name__ == "__main__":
    main(sys.argv)

"""PyTorch side of ops/bench/learning: MoCo v2 from scratch as the official code trains it
(moco/builder.py's MoCo, main_moco.py's loop and augmentation: RandomResizedCrop, ColorJitter with
p 0.8, RandomGrayscale, PIL GaussianBlur(radius=sigma), flip, normalise), on one device (no
shuffle-BN), learning rate cosine per step, every number from the cpu-small profile (environment,
printed by LearningPrep.java). The MoCo module and the ResNet are the ones of the trainer's step
parity test (trainer/src/test/resources/parity/moco_v2_step.py), so the bench trains what that test
checked step by step.

Usage: reference.py UNLABELED_IDX_GZ OUT.npz SEED   (writes the query backbone, torchvision names)
"""
import gzip
import math
import os
import random
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision.transforms as T
from PIL import Image, ImageFilter

sys.path.insert(
    0,
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../trainer/src/test/resources/parity"),
)
from moco_v2_step import MoCo, WideResNet  # noqa: E402

torch.set_num_threads(1)
E = os.environ


class GaussianBlur:
    """main_moco.py's blur: PIL's GaussianBlur with radius = sigma drawn uniformly."""

    def __init__(self, sigma):
        self.sigma = sigma

    def __call__(self, x):
        return x.filter(ImageFilter.GaussianBlur(radius=random.uniform(*self.sigma)))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    n, h, w = (int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(3))
    return np.frombuffer(data, np.uint8, offset=16).reshape(n, h, w)


def main():
    src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    random.seed(seed)
    torch.manual_seed(seed)
    f = lambda k: float(E[k])  # noqa: E731
    size = int(E["SIZE"])
    mean, std = f("MEAN"), f("STD")
    aug = T.Compose(
        [
            T.RandomResizedCrop(size, scale=(f("SCALE_MIN"), f("SCALE_MAX"))),
            T.RandomApply(
                [T.ColorJitter(f("BRIGHTNESS"), f("CONTRAST"), f("SATURATION"), f("HUE"))],
                p=f("JITTER_P"),
            ),
            T.RandomGrayscale(p=f("GRAY_P")),
            T.RandomApply([GaussianBlur([f("SIGMA_MIN"), f("SIGMA_MAX")])], p=f("BLUR_P")),
            T.RandomHorizontalFlip(p=f("FLIP_P")),
            T.ToTensor(),
            T.Normalize([mean] * 3, [std] * 3),
        ]
    )
    images = [Image.fromarray(a).convert("RGB") for a in read_idx(src)]
    depth, width, small = int(E["DEPTH"]), int(E["WIDTH"]), E["SMALL"] == "true"
    model = MoCo(
        lambda num_classes: WideResNet(depth, width, small, num_classes),
        int(E["DIM"]),
        int(E["K"]),
        f("M"),
        f("T"),
    )
    batch, steps, lr0 = int(E["BATCH"]), int(E["STEPS"]), f("LR")
    optimizer = torch.optim.SGD(model.parameters(), lr0, momentum=f("SGD_M"), weight_decay=f("WD"))
    criterion = nn.CrossEntropyLoss()
    model.train()
    order = []
    for step in range(steps):
        if len(order) < batch:  # epochs of a seeded shuffle, incomplete batches dropped
            order = torch.randperm(len(images)).tolist()
        idx, order = order[:batch], order[batch:]
        im_q = torch.stack([aug(images[i]) for i in idx])
        im_k = torch.stack([aug(images[i]) for i in idx])
        lr = lr0 * 0.5 * (1.0 + math.cos(math.pi * step / steps))
        for g in optimizer.param_groups:
            g["lr"] = lr
        output, target = model(im_q, im_k)
        loss = criterion(output, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 100 == 0 or step == steps - 1:
            print("reference seed %d step %d loss %.3f" % (seed, step + 1, loss.item()), flush=True)
    state = {
        k: v.numpy()
        for k, v in model.encoder_q.state_dict().items()
        if not k.startswith("fc.") and not k.endswith("num_batches_tracked")
    }
    np.savez(dst, **state)


if __name__ == "__main__":
    main()

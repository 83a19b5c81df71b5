"""Views of the official MoCo v2 augmentation (main_moco.py's pipeline on PIL images: torchvision
RandomResizedCrop, RandomApply(ColorJitter, p), RandomGrayscale, RandomApply(GaussianBlur, p) with
PIL's GaussianBlur(radius=sigma), RandomHorizontalFlip, ToTensor, Normalize), each stage recording
what it drew, for the distribution parity test of our batched augmentation.

Usage: augment_views.py IN.npz OUT.npz REPEATS SEED SIZE SCALE_MIN SCALE_MAX RATIO_MIN RATIO_MAX
         JITTER_P BRIGHTNESS CONTRAST SATURATION HUE GRAY_P BLUR_P SIGMA_MIN SIGMA_MAX FLIP_P MEAN STD
IN.npz: "images" uint8 [N, 3, H, W]. OUT.npz: one value per view (N * REPEATS views): area (crop
area / image area), aspect (crop w / h), jittered, brightness, contrast, saturation, hue (identity
when not jittered), gray, sigma (0 when not blurred), flip, and per-view pixel mean and std of the
normalised output per channel: mean0..2, std0..2.
"""
import random
import sys

import numpy as np
import torch
import torchvision.transforms as T
import torchvision.transforms.functional as F
from PIL import Image, ImageFilter

torch.set_num_threads(1)
rec = {}


class Crop(T.RandomResizedCrop):
    def forward(self, img):
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        W, H = img.size
        rec["area"], rec["aspect"] = h * w / (H * W), w / h
        return F.resized_crop(img, i, j, h, w, self.size, self.interpolation)


class Jitter(T.ColorJitter):
    def forward(self, img):
        fn_idx, b, c, s, h = self.get_params(self.brightness, self.contrast, self.saturation, self.hue)
        rec.update(jittered=1, brightness=b, contrast=c, saturation=s, hue=h)
        ops = [F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue]
        for fn_id in fn_idx:
            img = ops[fn_id](img, (b, c, s, h)[fn_id])
        return img


class Gray(T.RandomGrayscale):
    def forward(self, img):
        out = super().forward(img)
        rec["gray"] = int(out is not img)
        return out


class GaussianBlur:
    """main_moco.py's GaussianBlur: PIL's filter, radius = sigma drawn uniformly."""

    def __init__(self, sigma):
        self.sigma = sigma

    def __call__(self, x):
        sigma = random.uniform(self.sigma[0], self.sigma[1])
        rec["sigma"] = sigma
        return x.filter(ImageFilter.GaussianBlur(radius=sigma))


class Flip(T.RandomHorizontalFlip):
    def forward(self, img):
        if torch.rand(1) < self.p:
            rec["flip"] = 1
            return F.hflip(img)
        return img


def main():
    a = sys.argv[1:]
    src, dst, repeats, seed, size = a[0], a[1], int(a[2]), int(a[3]), int(a[4])
    (smin, smax, rmin, rmax, jp, br, co, sa, hu, gp, bp, sgmin, sgmax, fp, mean, std) = (
        float(x) for x in a[5:21]
    )
    random.seed(seed)
    torch.manual_seed(seed)
    pipeline = T.Compose(
        [
            Crop(size, scale=(smin, smax), ratio=(rmin, rmax)),
            T.RandomApply([Jitter(br, co, sa, hu)], p=jp),
            Gray(p=gp),
            T.RandomApply([GaussianBlur([sgmin, sgmax])], p=bp),
            Flip(p=fp),
            T.ToTensor(),
            T.Normalize([mean] * 3, [std] * 3),
        ]
    )
    images = np.load(src)["images"]
    keys = ["area", "aspect", "jittered", "brightness", "contrast", "saturation", "hue", "gray",
            "sigma", "flip"] + ["mean%d" % c for c in range(3)] + ["std%d" % c for c in range(3)]
    out = {k: [] for k in keys}
    for _ in range(repeats):
        for im in images:
            rec.clear()
            rec.update(jittered=0, brightness=1, contrast=1, saturation=1, hue=0, gray=0, sigma=0,
                       flip=0)
            x = pipeline(Image.fromarray(np.ascontiguousarray(im.transpose(1, 2, 0))))
            for c in range(3):
                rec["mean%d" % c] = x[c].mean().item()
                rec["std%d" % c] = x[c].std(unbiased=False).item()
            for k in keys:
                out[k].append(rec[k])
    np.savez(dst, **{k: np.array(v, dtype=np.float64) for k, v in out.items()})


if __name__ == "__main__":
    main()

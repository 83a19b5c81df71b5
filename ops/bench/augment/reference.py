"""torchvision reference for ops/bench/augment: MoCo v2's two-view pipeline exactly as the official
moco/main_moco.py builds it (PIL images, torchvision transforms, PIL GaussianBlur(radius=sigma)),
on the same Fashion-MNIST images, fed through a DataLoader with `workers` processes as training does.
Args: batch size reps workers threads grey|rgb (rgb: each image tinted as AugmentBench.tinted does). Prints "REF <img/s median> <min> <max>" over reps chunks of 8
batches (two views per image).
"""
import gzip, random, sys, time
import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image, ImageFilter

batch, size, reps, workers, threads = (int(a) for a in sys.argv[1:6])
colour = sys.argv[6] if len(sys.argv) > 6 else "grey"
torch.set_num_threads(threads)

with gzip.open('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz') as f:
    raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28)[:4096]
if colour == "rgb":
    i = np.arange(1, len(raw) + 1, dtype=np.float64)[:, None]
    x = i * np.array([0.618, 0.414, 0.732])
    tint = 0.3 + 0.7 * (x - np.floor(x))  # [n, 3]
    raw = np.rint(raw[:, :, :, None] * tint[:, None, None, :]).astype(np.uint8)  # [n, 28, 28, 3]
    mean = list(raw.reshape(-1, 3).mean(0) / 255.0)
    std = list(raw.reshape(-1, 3).std(0) / 255.0)
else:
    mean = [float(raw.mean() / 255.0)] * 3
    std = [float(raw.std() / 255.0)] * 3


class GaussianBlur:  # as in moco/loader.py
    def __init__(self, sigma=(0.1, 2.0)):
        self.sigma = sigma

    def __call__(self, x):
        return x.filter(ImageFilter.GaussianBlur(radius=random.uniform(*self.sigma)))


s = size / 224.0
aug = T.Compose([
    T.RandomResizedCrop(size, scale=(0.2, 1.0)),
    T.RandomApply([T.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8),
    T.RandomGrayscale(p=0.2),
    T.RandomApply([GaussianBlur((0.1 * s, 2.0 * s))], p=0.5),
    T.RandomHorizontalFlip(),
    T.ToTensor(),
    T.Normalize(mean, std),
])


class TwoViews(torch.utils.data.Dataset):
    def __len__(self):
        return len(raw)

    def __getitem__(self, i):
        img = Image.fromarray(raw[i]).convert('RGB')
        return aug(img), aug(img)


loader = torch.utils.data.DataLoader(TwoViews(), batch_size=batch, shuffle=True, num_workers=workers,
                                     drop_last=True, persistent_workers=workers > 0)
# Time chunks of 8 batches after a warm-up chunk: DataLoader workers prefetch, so single batches
# would time the queue, not the work.
chunk = 8
rates = []
def batches():
    while True:
        for b in loader:
            yield b
gen = batches()
for c in range(reps + 1):
    t0 = time.perf_counter()
    for _ in range(chunk):
        next(gen)
    if c > 0:
        rates.append(chunk * batch / (time.perf_counter() - t0))
r = sorted(rates)
print("REF %.1f %.1f %.1f" % (r[len(r) // 2], r[0], r[-1]))

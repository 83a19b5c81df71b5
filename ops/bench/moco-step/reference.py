"""PyTorch side of ops/bench/moco-step: the same MoCo v2 step as the official moco/builder.py
(momentum update, keys without grad, InfoNCE with the positive at 0, SGD momentum/wd, enqueue) on a
torchvision-equivalent small-image ResNet-18 (3x3 stride-1 stem, no max-pool), head 512-512-128,
K 4096. Same line protocol as MocoStepWorker. Args: image-size threads."""
import sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

size, threads = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(threads)
torch.set_num_interop_threads(1)
torch.manual_seed(0)


def encoder():
    net = torchvision.models.resnet18()
    net.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
    net.maxpool = nn.Identity()
    net.fc = nn.Sequential(nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 128))
    return net


enc_q, enc_k = encoder(), encoder()
enc_k.load_state_dict(enc_q.state_dict())
for p in enc_k.parameters():
    p.requires_grad = False
queue = F.normalize(torch.randn(4096, 128), dim=1)
ptr = 0
opt = torch.optim.SGD(enc_q.parameters(), lr=0.03, momentum=0.9, weight_decay=1e-4)
backbone = nn.Sequential(*list(enc_q.children())[:-1])  # up to avgpool


def step(im_q, im_k, lr):
    global ptr, queue
    for g in opt.param_groups:
        g['lr'] = lr
    enc_q.train()
    enc_k.train()
    with torch.no_grad():
        for pq, pk in zip(enc_q.parameters(), enc_k.parameters()):
            pk.data.mul_(0.999).add_(pq.data, alpha=0.001)
        k = F.normalize(enc_k(im_k), dim=1)
    q = F.normalize(enc_q(im_q), dim=1)
    l_pos = (q * k).sum(1, keepdim=True)
    l_neg = q @ queue.t()
    logits = torch.cat([l_pos, l_neg], 1) / 0.2
    loss = F.cross_entropy(logits, torch.zeros(len(q), dtype=torch.long))
    opt.zero_grad()
    loss.backward()
    opt.step()
    b = len(k)
    queue[ptr:ptr + b] = k
    ptr = (ptr + b) % len(queue)
    return loss.item()


def features(x):
    enc_q.eval()
    with torch.no_grad():
        return torch.flatten(backbone(x), 1).numpy()


print("ready", flush=True)
for line in sys.stdin:
    kind, b, n = line.split()
    b, n = int(b), int(n)
    t, cpu = [], []
    for _ in range(n):
        q, k = torch.randn(b, 3, size, size), torch.randn(b, 3, size, size)
        c0 = time.thread_time()
        t0 = time.perf_counter()
        if kind == "step":
            step(q, k, 0.03 * b / 256)
        else:
            features(q)
        t.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
    t.sort()
    cpu.sort()
    print(t[n // 2], cpu[n // 2], flush=True)

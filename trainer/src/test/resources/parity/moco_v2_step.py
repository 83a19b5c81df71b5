"""MoCo v2 training steps as the official MoCo code takes them (moco/builder.py's MoCo module and
main_moco.py's train loop), on one device: no shuffle-BN (one process, so nothing to shuffle
across), no all-gather, and the learning rate cosine per step (main_moco.py steps it per epoch; our
engine per step). The network is torchvision's ResNet with a first-stage width and an optional
small-image stem (3x3 stride-1 conv, no max-pool).

Usage: moco_v2_step.py IN.npz OUT.npz STRATEGY STEPS TOTAL_STEPS BASE_LR BATCH MOMENTUM WD M T
         DEPTH WIDTH SMALL

IN.npz (written by the Java test): the start state with torchvision names, query encoder under
"q.", key encoder under "k." (head as fc.0 / fc.2), the queue as "queue" [K, dim] (one key per
row), and fixed views "view.<s>.q" / "view.<s>.k" for s in 0..STEPS-1. OUT.npz: after each step s,
"<s>.loss", "<s>.lr", "<s>.q.*", "<s>.k.*", "<s>.queue" [K, dim] and "<s>.opt.<name>" (SGD momentum
buffers of the trained query parameters). STRATEGY: target or hpt (everything trains) or hpt-bn
(query convs frozen; BN affine and the head train).
"""
import math
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models import resnet as tvr

torch.set_num_threads(1)


class WideResNet(tvr.ResNet):
    """torchvision's ResNet (its blocks, _make_layer and forward) with width and stem choices."""

    def __init__(self, depth, width, small, num_classes):
        nn.Module.__init__(self)
        block, layers = {
            18: (tvr.BasicBlock, [2, 2, 2, 2]),
            34: (tvr.BasicBlock, [3, 4, 6, 3]),
            50: (tvr.Bottleneck, [3, 4, 6, 3]),
        }[depth]
        self._norm_layer = nn.BatchNorm2d
        self.inplanes, self.dilation, self.groups, self.base_width = width, 1, 1, 64
        if small:
            self.conv1 = nn.Conv2d(3, width, 3, 1, 1, bias=False)
            self.maxpool = nn.Identity()
        else:
            self.conv1 = nn.Conv2d(3, width, 7, 2, 3, bias=False)
            self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(block, width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(block, width * 8, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width * 8 * block.expansion, num_classes)


class MoCo(nn.Module):
    """moco/builder.py's MoCo (mlp=True), single device."""

    def __init__(self, base_encoder, dim, K, m, T):
        super().__init__()
        self.K, self.m, self.T = K, m, T
        self.encoder_q = base_encoder(num_classes=dim)
        self.encoder_k = base_encoder(num_classes=dim)
        dim_mlp = self.encoder_q.fc.weight.shape[1]
        self.encoder_q.fc = nn.Sequential(nn.Linear(dim_mlp, dim_mlp), nn.ReLU(), self.encoder_q.fc)
        self.encoder_k.fc = nn.Sequential(nn.Linear(dim_mlp, dim_mlp), nn.ReLU(), self.encoder_k.fc)
        for param_q, param_k in zip(self.encoder_q.parameters(), self.encoder_k.parameters()):
            param_k.data.copy_(param_q.data)
            param_k.requires_grad = False
        self.register_buffer("queue", F.normalize(torch.randn(dim, K), dim=0))
        self.register_buffer("queue_ptr", torch.zeros(1, dtype=torch.long))

    @torch.no_grad()
    def _momentum_update_key_encoder(self):
        for param_q, param_k in zip(self.encoder_q.parameters(), self.encoder_k.parameters()):
            param_k.data = param_k.data * self.m + param_q.data * (1.0 - self.m)

    @torch.no_grad()
    def _dequeue_and_enqueue(self, keys):
        batch_size = keys.shape[0]
        ptr = int(self.queue_ptr)
        assert self.K % batch_size == 0
        self.queue[:, ptr : ptr + batch_size] = keys.T
        self.queue_ptr[0] = (ptr + batch_size) % self.K

    def forward(self, im_q, im_k):
        q = nn.functional.normalize(self.encoder_q(im_q), dim=1)
        with torch.no_grad():
            self._momentum_update_key_encoder()
            k = nn.functional.normalize(self.encoder_k(im_k), dim=1)
        l_pos = torch.einsum("nc,nc->n", [q, k]).unsqueeze(-1)
        l_neg = torch.einsum("nc,ck->nk", [q, self.queue.clone().detach()])
        logits = torch.cat([l_pos, l_neg], dim=1) / self.T
        labels = torch.zeros(logits.shape[0], dtype=torch.long)
        self._dequeue_and_enqueue(k)
        return logits, labels


def load_encoder(enc, state, prefix):
    sd = {k[len(prefix) :]: torch.from_numpy(v) for k, v in state.items() if k.startswith(prefix)}
    missing, unexpected = enc.load_state_dict(sd, strict=False)
    assert all(k.endswith("num_batches_tracked") for k in missing), missing
    assert not unexpected, unexpected


def main():
    a = sys.argv[1:]
    src, dst, strategy = a[0], a[1], a[2]
    steps, total = int(a[3]), int(a[4])
    base_lr, batch, sgd_m, wd, m, T = (float(x) for x in a[5:11])
    depth, width, small = int(a[11]), int(a[12]), a[13] == "true"
    state = dict(np.load(src))
    K, dim = state["queue"].shape
    model = MoCo(lambda num_classes: WideResNet(depth, width, small, num_classes), dim, K, m, T)
    load_encoder(model.encoder_q, state, "q.")
    load_encoder(model.encoder_k, state, "k.")
    model.queue.copy_(torch.from_numpy(state["queue"]).T)
    if strategy == "hpt-bn":
        for p in model.encoder_q.parameters():
            p.requires_grad = False
        for mod in model.encoder_q.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.weight.requires_grad = True
                mod.bias.requires_grad = True
        for p in model.encoder_q.fc.parameters():
            p.requires_grad = True
    elif strategy not in ("target", "hpt"):
        raise SystemExit("unknown strategy " + strategy)
    lr0 = base_lr * batch / 256
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr0, momentum=sgd_m, weight_decay=wd)
    names = {p: n for n, p in model.encoder_q.named_parameters()}
    model.train()
    out = {}
    for s in range(steps):
        lr = lr0 * 0.5 * (1.0 + math.cos(math.pi * s / total))
        for group in optimizer.param_groups:
            group["lr"] = lr
        im_q = torch.from_numpy(state["view.%d.q" % s])
        im_k = torch.from_numpy(state["view.%d.k" % s])
        output, target = model(im_q, im_k)
        loss = criterion(output, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        out["%d.loss" % s] = np.array(loss.item(), dtype=np.float64)
        out["%d.lr" % s] = np.array(lr, dtype=np.float64)
        for prefix, enc in (("q.", model.encoder_q), ("k.", model.encoder_k)):
            for n, t in enc.state_dict().items():
                if not n.endswith("num_batches_tracked"):
                    out["%d.%s%s" % (s, prefix, n)] = t.numpy().copy()
        out["%d.queue" % s] = model.queue.T.contiguous().numpy().copy()
        for p, st in optimizer.state.items():
            if "momentum_buffer" in st and p in names:
                out["%d.opt.%s" % (s, names[p])] = st["momentum_buffer"].numpy().copy()
    np.savez(dst, **out)


if __name__ == "__main__":
    main()

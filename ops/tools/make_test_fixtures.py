#!/usr/bin/python3
"""Generate the PyTorch reference fixtures of hpt-core's tests (run once; outputs are committed).

Usage: /usr/bin/python3 ops/tools/make_test_fixtures.py core/src/test/resources/fixtures

Needs only torch (Debian python3-torch 1.13) and numpy: the ResNet below is a plain-torch copy of
torchvision's (same module names, so the same state_dict keys and order). Writes, per model,
  <id>.npz       state_dict (torchvision names, num_batches_tracked dropped) with random BN stats
  <id>-io.npz    input batch, eval-mode features and logits, train-mode features and the
                 bn1.running_mean after that train-mode forward
and sgd-reference.npz: a tiny least-squares problem stepped by torch.optim.SGD.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class ResNet(nn.Module):
    """torchvision.models.resnet.ResNet plus a width, a small-image stem and in_channels."""

    def __init__(self, block, layers, num_classes, width=64, small=False, in_channels=3):
        super().__init__()
        self.inplanes = width
        if small:
            self.conv1 = nn.Conv2d(in_channels, width, 3, 1, 1, bias=False)
        else:
            self.conv1 = nn.Conv2d(in_channels, width, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.Identity() if small else nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, width * 2, layers[1], 2)
        self.layer3 = self._make_layer(block, width * 4, layers[2], 2)
        self.layer4 = self._make_layer(block, width * 8, layers[3], 2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width * 8 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, 1, stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def features(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return torch.flatten(self.avgpool(x), 1)

    def forward(self, x):
        return self.fc(self.features(x))


def state_arrays(model):
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()
            if not k.endswith("num_batches_tracked")}


def model_fixture(out, name, block, layers, classes, width, small, in_channels, size, seed):
    torch.manual_seed(seed)
    model = ResNet(block, layers, classes, width, small, in_channels)
    # Non-trivial BN parameters and statistics, so a swapped or skipped BN tensor changes outputs.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 2.0)
    np.savez(os.path.join(out, name + ".npz"), **state_arrays(model))
    x = torch.randn(4, in_channels, size, size)
    model.eval()
    with torch.no_grad():
        feats = model.features(x)
        logits = model.fc(feats)
    model.train()
    with torch.no_grad():
        train_feats = model.features(x)
    np.savez(os.path.join(out, name + "-io.npz"), input=x.numpy(), features=feats.numpy(),
             logits=logits.numpy(), train_features=train_feats.numpy(),
             bn1_running_mean_after_train=model.bn1.running_mean.numpy())


def sgd_fixture(out):
    torch.manual_seed(1)
    x = torch.randn(8, 5)
    y = torch.randn(8, 3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    w0, b0 = w.detach().clone(), b.detach().clone()
    opt = torch.optim.SGD([{"params": [w], "weight_decay": 0.01},
                           {"params": [b], "lr": 0.05 * 10, "weight_decay": 0.0}],
                          lr=0.05, momentum=0.9)
    ws, bs = [], []
    for _ in range(3):
        opt.zero_grad()
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        opt.step()
        ws.append(w.detach().clone().numpy())
        bs.append(b.detach().clone().numpy())
    np.savez(os.path.join(out, "sgd-reference.npz"), x=x.numpy(), y=y.numpy(), w0=w0.numpy(),
             b0=b0.numpy(), w_steps=np.stack(ws), b_steps=np.stack(bs),
             w_momentum=opt.state[w]["momentum_buffer"].numpy())


def main():
    torch.set_num_threads(1)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    model_fixture(out, "resnet18-w4-small", BasicBlock, [2, 2, 2, 2], 10, 4, True, 3, 16, 0)
    model_fixture(out, "resnet50-w2-in1", Bottleneck, [3, 4, 6, 3], 5, 2, False, 1, 64, 1)
    sgd_fixture(out)


if __name__ == "__main__":
    main()

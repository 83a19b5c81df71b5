#!/usr/bin/python3
"""Convert a PyTorch checkpoint (.pth/.pth.tar) to an .npz that hpt-core imports.

Usage:
  /usr/bin/python3 ops/tools/pth_to_npz.py IN.pth OUT.npz

Accepts a plain state_dict (torchvision's resnet50-*.pth) and training checkpoints that wrap it
under 'state_dict' (MoCo v2's moco_v2_800ep_pretrain.pth.tar, OpenSelfSup/HPT) or 'model'.
Every tensor is written under its original key, unchanged (module.encoder_q.*, encoder_k, queue,
num_batches_tracked included): the Java importer (TorchvisionWeights) decides what to load by
name and fails loudly on anything it does not understand. Non-tensor entries are listed and
dropped. Needs torch (Debian python3-torch) and numpy; no torchvision.
"""
import sys

import numpy as np
import torch


def state_dict_of(checkpoint):
    if isinstance(checkpoint, dict):
        for key in ("state_dict", "model"):
            if key in checkpoint and isinstance(checkpoint[key], dict):
                return checkpoint[key]
        return checkpoint
    if isinstance(checkpoint, torch.nn.Module):
        return checkpoint.state_dict()
    raise SystemExit("unsupported checkpoint type %s" % type(checkpoint).__name__)


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    torch.set_num_threads(1)
    checkpoint = torch.load(argv[1], map_location="cpu")
    arrays, dropped = {}, []
    for key, value in state_dict_of(checkpoint).items():
        if torch.is_tensor(value):
            arrays[key] = value.detach().cpu().numpy()
        else:
            dropped.append(key)
    if not arrays:
        raise SystemExit("no tensors found in %s" % argv[1])
    np.savez(argv[2], **arrays)
    print("wrote %d tensors to %s%s" % (len(arrays), argv[2],
                                        "; dropped non-tensors %s" % dropped if dropped else ""))


if __name__ == "__main__":
    main(sys.argv)

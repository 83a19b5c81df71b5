#!/usr/bin/python3
"""Convert an .npz exported by hpt-core (torchvision names) into a PyTorch state_dict file.

Usage:
  /usr/bin/python3 ops/tools/npz_to_pth.py IN.npz OUT.pth

Then, in PyTorch:
  model = torchvision.models.resnet50()
  missing, unexpected = model.load_state_dict(torch.load("OUT.pth"), strict=False)
  # backbone-only exports: missing == ['fc.weight', 'fc.bias'], unexpected == []
(strict=True works when the export includes fc.) A num_batches_tracked = 0 buffer is added for
every BatchNorm (keys ending in running_mean) because torchvision's state_dict carries one.
Needs torch (Debian python3-torch) and numpy; no torchvision.
"""
import collections
import sys

import numpy as np
import torch


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    torch.set_num_threads(1)
    state = collections.OrderedDict()
    with np.load(argv[1]) as npz:
        for key in npz.files:
            state[key] = torch.from_numpy(np.array(npz[key]))
            if key.endswith("running_var"):
                counter = key[: -len("running_var")] + "num_batches_tracked"
                state[counter] = torch.tensor(0, dtype=torch.long)
    torch.save(state, argv[2])
    print("wrote %d tensors to %s" % (len(state), argv[2]))


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/env python3
"""Python/torch side of `npm run bench:baseline`: the same EfficientNet-Lite2 features on the same
images with the usual Python pipeline (Pillow decode, centre crop, bicubic resize to 260,
(x/255 - 0.5)/0.5, torch on CPU, plain + mirrored batches as the TypeScript side does).

Usage: .venv/bin/python bench/baseline_torch.py --threads N IMAGE... ; prints one JSON line:
{"images", "seconds", "imagesPerSecond", "torch", "features": first rows of the plain features}.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from prepare_models import VISION_IMAGE_SIZE, load_efficientnet_lite2  # noqa: E402


def load(path: str):
    import numpy as np
    from PIL import Image

    img = Image.open(path).convert("RGB")
    w, h = img.size
    side = min(w, h)
    left, top = (w - side) // 2, (h - side) // 2
    img = img.crop((left, top, left + side, top + side)).resize((VISION_IMAGE_SIZE, VISION_IMAGE_SIZE), Image.BICUBIC)
    x = np.asarray(img, dtype=np.float32) / 255.0
    return ((x - 0.5) / 0.5).transpose(2, 0, 1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("images", nargs="+")
    args = ap.parse_args()
    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    model, _ = load_efficientnet_lite2()
    with torch.no_grad():
        model(torch.zeros(1, 3, VISION_IMAGE_SIZE, VISION_IMAGE_SIZE))  # warm-up
        t0 = time.perf_counter()
        first = None
        for start in range(0, len(args.images), args.batch):
            x = torch.from_numpy(np.stack([load(p) for p in args.images[start : start + args.batch]]))
            feats, _ = model(x)
            model(torch.flip(x, dims=[3]))
            if first is None:
                first = feats[:2].numpy()
        secs = time.perf_counter() - t0
    print(json.dumps({
        "images": len(args.images),
        "seconds": secs,
        "imagesPerSecond": len(args.images) / secs,
        "torch": torch.__version__,
        "features": [[float(v) for v in row] for row in first],
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())

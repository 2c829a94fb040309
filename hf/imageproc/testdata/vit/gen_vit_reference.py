"""gen_vit_reference.py writes the images and expected pixel-value checksums
that vit_test.go checks ProcessViT against: a Python replica of transformers'
slow CLIPImageProcessor and Gemma3ImageProcessor, on Pillow and numpy.

Per (image, config): PIL resize (shortest edge kept with
int(size * long / short), or a fixed size) with the config's filter and
reducing_gap None; transformers' center_crop (zero padding where the image is
smaller than the crop); rescale as float64 then float32; normalize in
float32; channels first. The sha256 is over the little-endian float32 bytes.

Regenerate with Debian's python3-pil 9.4.0 and python3-numpy 1.24.2:

    /usr/bin/python3 gen_vit_reference.py   # in this directory

It writes *.png and expected.json here.
"""

import hashlib
import json
import math

import numpy as np
from PIL import Image

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
CONFIGS = {
    "clip56": {"shortest_edge": 56, "crop": (56, 56), "resample": Image.BICUBIC, "mean": CLIP_MEAN, "std": CLIP_STD},
    "clip48_crop56": {"shortest_edge": 48, "crop": (56, 56), "resample": Image.BICUBIC, "mean": CLIP_MEAN, "std": CLIP_STD},
    "clip56_crop40x50": {"shortest_edge": 56, "crop": (40, 50), "resample": Image.BICUBIC, "mean": CLIP_MEAN, "std": CLIP_STD},
    "gemma64": {"size": (64, 64), "resample": Image.BILINEAR, "mean": [0.5] * 3, "std": [0.5] * 3},
}


def make_image(w, h, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    r = 127 + 100 * np.sin(x / 7.0) * np.cos(y / 11.0)
    g = 255 * x / max(w - 1, 1)
    b = np.where(((x // 8) + (y // 8)) % 2 == 0, 0, 255)
    img = np.stack([r, g, b], axis=-1) + rng.normal(0, 12, (h, w, 3))
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def center_crop(a, ch, cw):
    h, w = a.shape[:2]
    top, left = (h - ch) // 2, (w - cw) // 2
    if top >= 0 and left >= 0 and top + ch <= h and left + cw <= w:
        return a[top:top + ch, left:left + cw]
    nh, nw = max(ch, h), max(cw, w)
    out = np.zeros((nh, nw, 3), dtype=a.dtype)
    tp, lp = math.ceil((nh - h) / 2), math.ceil((nw - w) / 2)
    out[tp:tp + h, lp:lp + w] = a
    top, left = top + tp, left + lp
    return out[max(0, top):min(nh, top + ch), max(0, left):min(nw, left + cw)]


def process(a, cfg):
    h, w = a.shape[:2]
    if "shortest_edge" in cfg:
        s = cfg["shortest_edge"]
        short, long = (w, h) if w <= h else (h, w)
        if short == s:
            nh, nw = h, w
        else:
            nl = int(s * long / short)
            nh, nw = (nl, s) if w <= h else (s, nl)
    else:
        nh, nw = cfg["size"]
    r = np.array(Image.fromarray(a).resize((nw, nh), cfg["resample"], reducing_gap=None))
    resized = (nw, nh)
    if "crop" in cfg:
        r = center_crop(r, *cfg["crop"])
    x = (r.astype(np.float64) * (1 / 255)).astype(np.float32)
    x = (x - np.array(cfg["mean"], dtype=np.float32)) / np.array(cfg["std"], dtype=np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1)), resized


def main():
    images = {"wide_300x90.png": (300, 90, 1), "tall_90x300.png": (90, 300, 2), "small_40x30.png": (40, 30, 3),
              "exact_56x56.png": (56, 56, 4)}
    cases = []
    for name, (w, h, seed) in images.items():
        a = make_image(w, h, seed)
        Image.fromarray(a).save(name)
        for cname, cfg in CONFIGS.items():
            x, resized = process(a, cfg)
            cases.append({
                "image": name, "config": cname, "resized_wh": list(resized), "shape": list(x.shape),
                "sha256": hashlib.sha256(x.astype("<f4").tobytes()).hexdigest(),
                "first": [float(v) for v in x.reshape(-1)[:4]],
            })
    with open("expected.json", "w") as f:
        json.dump({"generator": "gen_vit_reference.py, Pillow " + Image.__version__ + ", numpy " + np.__version__,
                   "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The original tool's per-token knockout loop, re-implemented in PyTorch to
time it against vlmask on the same GPU and the same checkpoint.

What the original (mask_impact_vl.py) does per analysis step, and what this
script reproduces operation for operation:

  1. an image-blind pass: token embeddings only, 1-D positions 0..S-1, an
     additive mask that is causal except that each vision range attends to
     itself both ways; every decoder layer runs once and its input is kept;
  2. per layer, a hand-written re-implementation of the layer (input
     RMSNorm, q/k/v projections, RoPE, GQA repeat, scores/sqrt(head_dim) +
     mask, softmax, ·V, o_proj, residual, post-attention RMSNorm, MLP,
     residual) over all S positions, without q_norm/k_norm (as the original);
  3. its "batching": positions in chunks of --batch-size; per chunk the norm,
     q/k/v, RoPE and scores are computed once, then each position is done
     one after another: clone the scores, set key column p to the dtype's
     minimum, softmax (in the model dtype, as the newest original), ·V,
     o_proj, residual + MLP over the whole sequence;
  4. per position, the distances at the final position for Full, Attn and
     every head, each l2 and cosine read back with .item() (two host syncs
     per variant), as the original computes them.

It times the image-blind pass over --layers layers and the loop over the
first --positions positions of each of those layers, then scales: a step
costs L/--layers times the pass, plus L times S times the mean time of one
position (S positions are knocked out in mask mode "both"); steps add up
with S, S+1, ... tokens. Memory is not what the original uses (it keeps
every position's full-sequence results for the layer); only time is.

Needs torch and safetensors; reads the checkpoint's config.json and
safetensors directly (no transformers).
"""

import argparse
import json
import math
import os
import time

import torch
from safetensors import safe_open


def load_tensors(model_dir, names, device):
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            weight_map = json.load(f)["weight_map"]
        files = {}
        for n in names:
            files.setdefault(weight_map[n], []).append(n)
    else:
        files = {"model.safetensors": list(names)}
    out = {}
    for fname, ns in files.items():
        with safe_open(os.path.join(model_dir, fname), framework="pt", device=device) as f:
            for n in ns:
                out[n] = f.get_tensor(n)
    return out


def rms_norm(x, w, eps):
    xf = x.float()
    xf = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    return w * xf.to(x.dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--ids", required=True, help="vlmask inputs --json output (input_ids)")
    ap.add_argument("--layers", type=int, default=2, help="layers timed")
    ap.add_argument("--positions", type=int, default=64, help="knocked-out positions timed per layer")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--dtype", default="bfloat16")
    ap.add_argument("--out", required=True)
    ap.add_argument("--device", default="cuda:0")
    args = ap.parse_args()

    dev = args.device

    def sync():
        if dev.startswith("cuda"):
            torch.cuda.synchronize()
    dtype = getattr(torch, args.dtype)
    with open(os.path.join(args.model, "config.json")) as f:
        cfg = json.load(f)
    tc = cfg.get("text_config", cfg)
    hidden, heads, kv = tc["hidden_size"], tc["num_attention_heads"], tc["num_key_value_heads"]
    hd = tc.get("head_dim", hidden // heads)
    eps = tc.get("rms_norm_eps", 1e-6)
    theta = tc.get("rope_theta", (tc.get("rope_scaling") or {}).get("rope_theta", 1e6))
    n_layers = tc["num_hidden_layers"]
    rep = heads // kv
    prefix = "model.language_model." if cfg.get("model_type") == "qwen3_vl" else "model."
    with open(args.ids) as f:
        ids = json.load(f)["input_ids"]
    S = len(ids)
    timed = min(args.layers, n_layers)

    names = [prefix + "embed_tokens.weight"]
    for layer in range(timed):
        p = f"{prefix}layers.{layer}."
        names += [p + n for n in ("input_layernorm.weight", "post_attention_layernorm.weight",
                                  "self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight",
                                  "self_attn.o_proj.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight",
                                  "mlp.down_proj.weight")]
    t_load = time.time()
    w = {k: v.to(dtype) for k, v in load_tensors(args.model, names, dev).items()}
    sync()
    t_load = time.time() - t_load

    idt = torch.tensor(ids, device=dev)
    x0 = w[prefix + "embed_tokens.weight"][idt].unsqueeze(0)  # image-blind: <|image_pad|>'s own embedding
    pos = torch.arange(S, device=dev, dtype=torch.float32)
    inv = 1.0 / (theta ** (torch.arange(0, hd, 2, device=dev, dtype=torch.float32) / hd))
    freqs = torch.outer(pos, inv)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().to(dtype)[None, None], emb.sin().to(dtype)[None, None]
    minv = torch.finfo(dtype).min
    mask = torch.full((S, S), minv, device=dev, dtype=dtype).triu(1)
    vs, ve = cfg.get("vision_start_token_id"), cfg.get("vision_end_token_id")
    start = None
    for i, t in enumerate(ids):  # each vision range attends to itself both ways
        if t == vs:
            start = i + 1
        elif t == ve and start is not None:
            mask[start:i, start:i] = 0
            start = None
    mask = mask[None, None]

    def layer_parts(layer, x):
        p = f"{prefix}layers.{layer}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = (h @ w[p + "self_attn.q_proj.weight"].T).view(1, S, heads, hd).transpose(1, 2)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).view(1, S, kv, hd).transpose(1, 2)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).view(1, S, kv, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        scores = q @ k.transpose(-1, -2) / math.sqrt(hd) + mask
        return scores, v

    def layer_rest(layer, x, probs, v):
        p = f"{prefix}layers.{layer}."
        a = probs @ v  # [1, H, S, hd]
        o = a.transpose(1, 2).reshape(1, S, heads * hd) @ w[p + "self_attn.o_proj.weight"].T
        mid = x + o
        m = rms_norm(mid, w[p + "post_attention_layernorm.weight"], eps)
        act = torch.nn.functional.silu(m @ w[p + "mlp.gate_proj.weight"].T) * (m @ w[p + "mlp.up_proj.weight"].T)
        post = mid + act @ w[p + "mlp.down_proj.weight"].T
        return a, o, post

    def distances(a, b):
        d = (a.float() - b.float())
        l2 = torch.norm(d).item()
        cs = torch.nn.functional.cosine_similarity(a.float(), b.float(), dim=0, eps=1e-8).item()
        return l2, 1 - cs

    # 1. the image-blind pass over the timed layers, keeping each input.
    sync()
    t = time.time()
    inputs, x = [], x0
    for layer in range(timed):
        inputs.append(x)
        scores, v = layer_parts(layer, x)
        _, _, x = layer_rest(layer, x, torch.softmax(scores, dim=-1), v)
    sync()
    t_pass = time.time() - t

    # 2-4. the per-position loop on the timed layers.
    npos = min(args.positions, S)
    per_layer = []
    for layer in range(timed):
        x = inputs[layer]
        sync()
        t = time.time()
        scores, v = layer_parts(layer, x)
        a0, o0, post0 = layer_rest(layer, x, torch.softmax(scores, dim=-1), v)
        base_full, base_attn = (post0 - x)[0, -1], o0[0, -1]
        base_heads = a0[0, :, -1, :]
        rows = 0
        for chunk in range(0, npos, args.batch_size):
            scores, v = layer_parts(layer, x)  # recomputed per chunk, as the original
            for p in range(chunk, min(chunk + args.batch_size, npos)):
                s = scores.clone()
                s[..., p] = minv
                a, o, post = layer_rest(layer, x, torch.softmax(s, dim=-1), v)
                distances((post - x)[0, -1], base_full)
                distances(o[0, -1], base_attn)
                for hh in range(heads):
                    distances(a[0, hh, -1, :], base_heads[hh])
                rows += 2 + heads
        sync()
        per_layer.append(time.time() - t)

    per_position = sum(per_layer) / (timed * npos)
    est_steps = []
    for step in range(args.steps):
        s_len = S + step
        est_steps.append(t_pass * n_layers / timed + n_layers * s_len * per_position)
    res = {
        "what": "the original tool's per-token loop, timed on a subset and scaled",
        "model": args.model, "dtype": args.dtype, "device": torch.cuda.get_device_name(0) if dev.startswith("cuda") else dev,
        "torch": torch.__version__, "tokens": S, "layers": n_layers, "heads": heads,
        "layers_timed": timed, "positions_timed_per_layer": npos, "batch_size": args.batch_size,
        "weights_load_seconds": t_load,
        "image_blind_pass_seconds_timed_layers": t_pass,
        "loop_seconds_per_timed_layer": per_layer,
        "seconds_per_position": per_position,
        "estimated_seconds_per_step": est_steps,
        "estimated_seconds_total": sum(est_steps),
        "scaling": "step = pass_timed * L/layers_timed + L * (S+step) * seconds_per_position; steps summed",
    }
    with open(args.out, "w") as f:
        json.dump(res, f, indent=2)
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()

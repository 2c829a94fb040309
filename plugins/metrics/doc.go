// Package metrics is the built-in metric "metrics": for every group and
// every variant (Full, Attn, each Head_h) it scores the knocked-out vector m
// against the baseline b with
//
//	l2_distance     = ‖m − b‖₂
//	cosine_distance = 1 − cos(b, m)
//
// where cos follows PyTorch's torch.nn.functional.cosine_similarity (eps
// 1e-8): each norm is clamped to at least eps on its own, each vector is
// divided by its clamped norm, and the products are summed. Both are
// computed in float64 from the float32 vectors and rounded to float32 once.
//
// vlmask calls New (bundled, through plugins/builtin) or the standalone
// binary cmd/vlmask-plugin-metrics serves it; it calls only sdk.
package metrics

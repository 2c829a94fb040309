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
// computed in float64 from the float64 vectors the host sends (protocol
// 1.1; widened from float32 for a 1.0 host) and returned in float64, so
// nothing is rounded to float32 on the way to the results file.
//
// vlmask calls New (bundled, through plugins/builtin) or the standalone
// binary cmd/vlmask-plugin-metrics serves it; it calls only sdk.
package metrics

package run

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/hf/checkpoint"
)

// Precision values accepted by Config.DType and Config.WeightsDType.
const (
	DTypeAuto         = ""
	DTypeFloat32      = "float32"
	DTypeBFloat16     = "bfloat16"
	DTypeFloat16      = "float16"
	WeightsAuto       = "auto"
	WeightsFloat32    = "float32"
	WeightsCheckpoint = "checkpoint"
)

// precision settles the model's matrix-product dtype and weight storage:
// dtype (float32, bfloat16, float16; empty: the checkpoint's dtype on
// CUDA, float32 on the CPU) and weights (float32, checkpoint: keep a
// half-precision checkpoint's matrices half-size on the CPU; auto: float32
// until the memory estimate says otherwise, Session.settleWeights).
func precision(dtype, weights string, ck *checkpoint.Config, dev ort.Device, opts *decoder.Options) error {
	switch dtype {
	case DTypeAuto:
		if dev.Kind == ort.CUDA {
			switch ck.DType {
			case "bfloat16":
				opts.MatMul = graph.BFloat16
			case "float16":
				opts.MatMul = graph.Float16
			}
		}
	case DTypeFloat32:
	case DTypeBFloat16, DTypeFloat16:
		if dev.Kind != ort.CUDA {
			return usage("--dtype %s needs --device cuda (ONNX Runtime's CPU provider has no half-precision matrix products); "+
				"on the CPU, --weights-dtype checkpoint keeps half-precision weights half-size", dtype)
		}
		opts.MatMul = graph.BFloat16
		if dtype == DTypeFloat16 {
			opts.MatMul = graph.Float16
		}
	default:
		return usage("--dtype %q: want float32, bfloat16 or float16", dtype)
	}
	switch weights {
	case WeightsAuto, "", WeightsFloat32:
	case WeightsCheckpoint:
		opts.KeepHalfWeights = true
	default:
		return usage("--weights-dtype %q: want auto, float32 or checkpoint", weights)
	}
	return nil
}

// autoWeights says whether weights (Config.WeightsDType) leaves the
// storage of half-precision weights to the memory estimate.
func autoWeights(weights string) bool { return weights == WeightsAuto || weights == "" }

// describePrecision is the log line's account of the precision chosen.
func describePrecision(opts decoder.Options) string {
	s := "float32"
	if opts.MatMul != 0 {
		s = fmt.Sprintf("%v matrix products, float32 norms, softmax and residual stream", opts.MatMul)
	}
	if opts.KeepHalfWeights {
		s += ", half-precision weights kept half-size"
	}
	return s
}

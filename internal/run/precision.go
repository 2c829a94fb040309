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
// CUDA, float32 on the CPU) and weights (auto, float32, checkpoint: keep a
// half-precision checkpoint's matrices half-size on the CPU).
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
	case WeightsAuto, "":
		opts.KeepHalfWeights = dev.Kind == ort.CPU && !fitsConverted(ck)
	case WeightsFloat32:
	case WeightsCheckpoint:
		opts.KeepHalfWeights = true
	default:
		return usage("--weights-dtype %q: want auto, float32 or checkpoint", weights)
	}
	return nil
}

// fitsConverted says whether a half-precision checkpoint's weights, once
// converted to float32, fit in the memory available (true for float32
// checkpoints and where memory is unknown).
func fitsConverted(ck *checkpoint.Config) bool {
	return decoder.FitsConverted(ck.Dir, graph.Float32)
}

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

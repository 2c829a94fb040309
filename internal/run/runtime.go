package run

import (
	"fmt"
	"runtime"

	"github.com/hashicorp/go-hclog"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// Device names accepted by Config.Device.
const (
	DeviceAuto = "auto"
	DeviceCPU  = "cpu"
	DeviceCUDA = "cuda"
)

// OpenRuntime finds and loads ONNX Runtime (lib: an explicit path, else
// the usual search, which tries the project cache's CUDA build first
// unless the device is cpu) with one shared thread pool for the model's many
// sessions, and settles the device: auto picks CUDA when its provider
// loads, else the CPU, and logs which; cuda without a usable CUDA provider
// is an error.
func OpenRuntime(lib, device string, log hclog.Logger) (*ort.Runtime, ort.Device, error) {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	switch device {
	case DeviceAuto, "", DeviceCPU, DeviceCUDA:
	default:
		return nil, ort.Device{}, usage("--device %q: want auto, cpu or cuda", device)
	}
	path, _, err := ort.FindLibraryFor(lib, device != DeviceCPU)
	if err != nil {
		return nil, ort.Device{}, withKind(KindRuntime, err)
	}
	rt, err := ort.LoadWith(path, ort.LoadOptions{SharedThreads: runtime.NumCPU()})
	if err != nil {
		return nil, ort.Device{}, withKind(KindRuntime, fmt.Errorf("load ONNX Runtime %s: %w", path, err))
	}
	log.Debug("onnx runtime loaded", "path", path, "version", rt.Version())
	dev, err := chooseDevice(rt, device, log)
	if err != nil {
		rt.Close()
		return nil, ort.Device{}, err
	}
	return rt, dev, nil
}

func chooseDevice(rt *ort.Runtime, want string, log hclog.Logger) (ort.Device, error) {
	switch want {
	case DeviceCPU:
		return ort.Device{Kind: ort.CPU}, nil
	case DeviceCUDA:
		if err := rt.CUDAAvailable(); err != nil {
			return ort.Device{}, withKind(KindRuntime, fmt.Errorf("--device cuda: %w", err))
		}
		return ort.Device{Kind: ort.CUDA}, nil
	default:
		if err := rt.CUDAAvailable(); err != nil {
			log.Info("device: cpu (CUDA unavailable)", "reason", err)
			return ort.Device{Kind: ort.CPU}, nil
		}
		log.Info("device: cuda")
		return ort.Device{Kind: ort.CUDA}, nil
	}
}

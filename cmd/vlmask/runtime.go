package main

import (
	"fmt"
	"runtime"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// openRuntime finds and loads ONNX Runtime and settles --device: auto
// picks CUDA when its provider loads, else the CPU, and says which it
// chose; cuda without a usable CUDA provider is an error.
func (a *app) openRuntime(c *cli.Context) (*ort.Runtime, ort.Device, error) {
	path, _, err := ort.FindLibrary(c.String(flagORTLib))
	if err != nil {
		return nil, ort.Device{}, withCode(ExitRuntime, err)
	}
	// One shared thread pool for the model's many sessions (one per layer
	// and purpose), instead of a pool each.
	rt, err := ort.LoadWith(path, ort.LoadOptions{SharedThreads: runtime.NumCPU()})
	if err != nil {
		return nil, ort.Device{}, withCode(ExitRuntime, fmt.Errorf("load ONNX Runtime %s: %w", path, err))
	}
	a.log.Debug("onnx runtime loaded", "path", path, "version", rt.Version())
	dev, err := a.chooseDevice(rt, c.String(flagDevice))
	if err != nil {
		rt.Close()
		return nil, ort.Device{}, err
	}
	return rt, dev, nil
}

func (a *app) chooseDevice(rt *ort.Runtime, want string) (ort.Device, error) {
	switch want {
	case "cpu":
		return ort.Device{Kind: ort.CPU}, nil
	case "cuda":
		if err := rt.CUDAAvailable(); err != nil {
			return ort.Device{}, withCode(ExitRuntime, fmt.Errorf("--device cuda: %w", err))
		}
		return ort.Device{Kind: ort.CUDA}, nil
	case "auto", "":
		if err := rt.CUDAAvailable(); err != nil {
			a.log.Info("device: cpu (CUDA unavailable)", "reason", err)
			return ort.Device{Kind: ort.CPU}, nil
		}
		a.log.Info("device: cuda")
		return ort.Device{Kind: ort.CUDA}, nil
	default:
		return ort.Device{}, usageErr("--device %q: want auto, cpu or cuda", want)
	}
}

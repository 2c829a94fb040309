package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

func (a *app) versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print vlmask's version, the ONNX Runtime found and its execution providers",
		Description: "Works without ONNX Runtime: it then says where it looked and how to get it.\n" +
			"Example: vlmask version --json",
		Flags:  append(runtimeFlags()[:1], jsonFlag("print JSON")),
		Action: a.version,
	}
}

// versionInfo is what `vlmask version` reports.
type versionInfo struct {
	Version   string   `json:"version"`
	Go        string   `json:"go"`
	Platform  string   `json:"platform"`
	ORT       *ortInfo `json:"onnxruntime"`
	ORTError  string   `json:"onnxruntime_error,omitempty"`
	Searched  []string `json:"searched,omitempty"`
	CUDA      bool     `json:"cuda"`
	CUDAError string   `json:"cuda_error,omitempty"`
}

type ortInfo struct {
	Version    string   `json:"version"`
	APIVersion uint32   `json:"api_version"`
	Path       string   `json:"path"`
	Providers  []string `json:"providers"`
}

func (a *app) version(c *cli.Context) error {
	info := versionInfo{Version: version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	path, searched, err := ort.FindLibrary(c.String(flagORTLib))
	if err == nil {
		var rt *ort.Runtime
		if rt, err = ort.Load(path); err == nil {
			defer rt.Close()
			oi := &ortInfo{Version: rt.Version(), APIVersion: rt.APIVersion(), Path: path}
			if oi.Providers, err = rt.Providers(); err != nil {
				return withCode(ExitRuntime, err)
			}
			info.ORT = oi
			if cerr := rt.CUDAAvailable(); cerr != nil {
				info.CUDAError = cerr.Error()
			} else {
				info.CUDA = true
			}
		}
	}
	if err != nil {
		info.ORTError = err.Error()
		info.Searched = searched
	}
	if c.Bool(flagJSON) {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}
	fmt.Fprintf(a.stdout, "vlmask %s (%s, %s)\n", info.Version, info.Go, info.Platform)
	if info.ORT == nil {
		fmt.Fprintf(a.stdout, "ONNX Runtime: not available: %s\n", info.ORTError)
		return nil
	}
	fmt.Fprintf(a.stdout, "ONNX Runtime %s (C API %d) from %s\n", info.ORT.Version, info.ORT.APIVersion, info.ORT.Path)
	fmt.Fprintf(a.stdout, "execution providers in the library: %s\n", strings.Join(info.ORT.Providers, ", "))
	if info.CUDA {
		fmt.Fprintln(a.stdout, "CUDA: usable (--device auto picks it)")
	} else {
		fmt.Fprintf(a.stdout, "CUDA: not usable, --device auto picks the CPU: %s\n", info.CUDAError)
	}
	return nil
}

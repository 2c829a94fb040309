package main

import (
	"math"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
)

// Memory flags of the commands that load a model.
const (
	flagNoMemoryCheck   = "no-memory-check"
	flagMemoryAvailable = "memory-available"
)

func memoryFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: flagNoMemoryCheck, Category: catRuntime, EnvVars: envVar(flagNoMemoryCheck),
			Usage: "run even when the memory estimate (weights, KV cache, activations) exceeds the memory available; it is checked before the model loads, and MemAvailable can understate what the kernel would reclaim"},
		&cli.StringFlag{Name: flagMemoryAvailable, Category: catRuntime, EnvVars: envVar(flagMemoryAvailable),
			Usage: "the memory the run may use, such as 24GiB or 512MiB (binary units; GB and MB are decimal), instead of what the system reports (MemAvailable): for a container or job whose limit the system does not report"},
	}
}

// memoryAvailable reads --memory-available: 0 when not given.
func memoryAvailable(c *cli.Context) (uint64, error) {
	v := strings.TrimSpace(c.String(flagMemoryAvailable))
	if v == "" {
		return 0, nil
	}
	b, ok := parseBytes(v)
	if !ok || b == 0 {
		return 0, usageErr("--%s %q: want a size such as 24GiB, 512MiB or 1500000000", flagMemoryAvailable, v)
	}
	return b, nil
}

// byteUnits are the size suffixes parseBytes takes, longest first.
var byteUnits = []struct {
	suffix string
	size   float64
}{
	{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10},
	{"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3},
	{"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1},
}

// parseBytes parses a size: a number of bytes, or a number with a unit
// (KiB, MiB, GiB, TiB or K, M, G, T: binary; KB, MB, GB, TB: decimal).
func parseBytes(v string) (uint64, bool) {
	scale := 1.0
	for _, u := range byteUnits {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			v, scale = strings.TrimSpace(num), u.size
			break
		}
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || x < 0 || math.IsInf(x, 0) || math.IsNaN(x) || x*scale >= math.MaxUint64 {
		return 0, false
	}
	return uint64(x * scale), true
}

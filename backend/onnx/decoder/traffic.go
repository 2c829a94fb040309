package decoder

import (
	"sync/atomic"

	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// Traffic is how many bytes of tensors the model handed to its sessions
// from host memory (HostToDevice) and read back into host memory
// (DeviceToHost), counted since the model was loaded. On a GPU these are
// the host↔device copies a run costs; on the CPU they are the same tensors,
// copied nowhere.
type Traffic struct {
	HostToDevice, DeviceToHost int64
}

// trafficCounter accumulates Traffic; safe for concurrent use.
type trafficCounter struct {
	in, out atomic.Int64
}

func (c *trafficCounter) wrote(v *ort.Value) { c.in.Add(tensorBytes(v)) }
func (c *trafficCounter) read(v *ort.Value)  { c.out.Add(tensorBytes(v)) }

func (c *trafficCounter) get() Traffic {
	return Traffic{HostToDevice: c.in.Load(), DeviceToHost: c.out.Load()}
}

// tensorBytes is v's size in bytes (0 when it cannot be told).
func tensorBytes(v *ort.Value) int64 {
	dt, err := v.DType()
	if err != nil {
		return 0
	}
	shape, err := v.Shape()
	if err != nil {
		return 0
	}
	n := int64(dt.Size())
	for _, d := range shape {
		n *= d
	}
	return n
}

// Traffic is the host↔device traffic so far.
func (m *Model) Traffic() Traffic { return m.traffic.get() }

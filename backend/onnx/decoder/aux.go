package decoder

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// aux are the model's two helper sessions for hidden states that live in
// device memory: download copies one to the host, addRows adds host rows
// to one (per-layer image features such as DeepStack's).
type aux struct {
	download, addRows *ort.Session
}

// auxGraphs builds the helper graphs for [rows, width] tensors of dt.
func auxGraphs(dt graph.DType) (download, addRows *graph.Model, err error) {
	b := graph.New("download", graph.MinOpset)
	b.Output(b.Identity(b.Input("x", dt, "rows", "width")), "y")
	if download, err = b.Build(); err != nil {
		return nil, nil, err
	}
	b = graph.New("add_rows", graph.MinOpset)
	b.Output(b.Add(b.Input("x", dt, "rows", "width"), b.Input("add", dt, "rows", "width")), "y")
	if addRows, err = b.Build(); err != nil {
		return nil, nil, err
	}
	return download, addRows, nil
}

// onHost calls use with v in host memory: v itself on the CPU, else a
// copy made through the download session and released after use.
func (m *Model) onHost(v *ort.Value, use func(*ort.Value) error) error {
	if v.Device().Kind == ort.CPU {
		m.traffic.read(v)
		return use(v)
	}
	outs, err := m.aux.download.RunBound([]ort.Named{{Name: "x", Value: v}}, []ort.Output{{Name: "y", Device: ort.Device{Kind: ort.CPU}}})
	if err != nil {
		return fmt.Errorf("copy to the host: %w", err)
	}
	defer CloseAll(outs)
	m.traffic.read(outs[0])
	return use(outs[0])
}

// host returns v's values as float64: read in place when v is in host
// memory, else copied out through the download session.
func (m *Model) host(v *ort.Value) ([]float64, error) {
	var out []float64
	err := m.onHost(v, func(h *ort.Value) (err error) {
		out, err = Float64s(h)
		return err
	})
	return out, err
}

// addRows returns x + add, where add is host rows [rows, width], in x's
// memory.
func (m *Model) addRows(x *ort.Value, add []float64, rows, width int64) (*ort.Value, error) {
	var in Inputs
	defer in.Close()
	av, err := in.Add(m.rt, m.dt, []int64{rows, width}, add)
	if err != nil {
		return nil, err
	}
	m.traffic.wrote(av)
	outs, err := m.aux.addRows.RunBound([]ort.Named{{Name: "x", Value: x}, {Name: "add", Value: av}}, []ort.Output{{Name: "y", Device: x.Device()}})
	if err != nil {
		return nil, fmt.Errorf("add image features: %w", err)
	}
	return outs[0], nil
}

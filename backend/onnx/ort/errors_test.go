package ort_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

func TestRunErrors(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	w := randomFloat32(rand.New(rand.NewPCG(11, 12)), 64*10)
	s := newSession(t, r, modelA(w), ort.SessionOptions{})
	good := tensor(t, r, []int64{2, 64}, make([]float32, 128))
	cases := map[string]struct {
		inputs  []ort.Named
		outputs []string
		want    []string // substrings of the message
	}{
		"wrong dimension": {
			inputs:  []ort.Named{{Name: "X", Value: tensor(t, r, []int64{2, 3}, make([]float32, 6))}},
			outputs: []string{"P"},
			want:    []string{"onnx: run session \"model_a\": code 2: ", "dimensions", "index: 1", "Got: 3", "Expected: 64"},
		},
		"wrong element type": {
			inputs:  []ort.Named{{Name: "X", Value: tensor(t, r, []int64{2, 64}, make([]float64, 128))}},
			outputs: []string{"P"},
			want:    []string{"code 2", "type"},
		},
		"unknown input name": {
			inputs:  []ort.Named{{Name: "X", Value: good}, {Name: "Z", Value: good}},
			outputs: []string{"P"},
			want:    []string{"code 2", "Z"},
		},
		"unknown output name": {
			inputs:  []ort.Named{{Name: "X", Value: good}},
			outputs: []string{"Q"},
			want:    []string{"code 2", "Q"},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			outs, err := s.Run(c.inputs, c.outputs)
			var oe *ort.Error
			if !errors.As(err, &oe) {
				t.Fatalf("Run error %v (outputs %v), want an *ort.Error", err, outs)
			}
			if oe.Code != ort.CodeInvalidArgument {
				t.Errorf("code %d, want %d", oe.Code, ort.CodeInvalidArgument)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestArgumentErrors(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	s := newSession(t, r, modelA(make([]float32, 640)), ort.SessionOptions{})
	closed := tensor(t, r, []int64{1, 64}, make([]float32, 64))
	if err := closed.Close(); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		err  func() error
		want error
	}{
		"no outputs": {func() error { _, err := s.Run(nil, nil); return err }, ort.ErrInvalidArgument},
		"nil input": {func() error {
			_, err := s.Run([]ort.Named{{Name: "X"}}, []string{"P"})
			return err
		}, ort.ErrInvalidArgument},
		"missing input": {func() error { _, err := s.Run(nil, []string{"P"}); return err }, ort.ErrMissingInput},
		"closed input": {func() error {
			_, err := s.Run([]ort.Named{{Name: "X", Value: closed}}, []string{"P"})
			return err
		}, ort.ErrClosed},
		"NUL in a name": {func() error {
			_, err := s.Run([]ort.Named{{Name: "X", Value: tensor(t, r, []int64{1, 64}, make([]float32, 64))}}, []string{"P\x00"})
			return err
		}, ort.ErrInvalidArgument},
		"data of the wrong length": {func() error {
			_, err := ort.NewTensor(r, []int64{2, 3}, make([]float32, 5))
			return err
		}, ort.ErrShape},
		"negative dimension": {func() error {
			_, err := ort.NewEmptyTensor(r, graph.Float32, []int64{-1})
			return err
		}, ort.ErrShape},
		"bytes of the wrong length": {func() error {
			_, err := ort.NewTensorBytes(r, graph.Float16, []int64{3}, make([]byte, 5))
			return err
		}, ort.ErrShape},
		"Data of the wrong type": {func() error {
			_, err := ort.Data[float64](tensor(t, r, []int64{1}, []float32{1}))
			return err
		}, ort.ErrDType},
		"Data of a closed value": {func() error { _, err := ort.Data[float32](closed); return err }, ort.ErrClosed},
		"empty model":            {func() error { _, err := r.NewSessionFromBytes(nil, ort.SessionOptions{}); return err }, ort.ErrInvalidArgument},
		"unknown device": {func() error {
			_, err := r.NewSession(mustModel(t, modelA(make([]float32, 640))), ort.SessionOptions{Device: ort.Device{Kind: 7}})
			return err
		}, ort.ErrInvalidArgument},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if err := c.err(); !errors.Is(err, c.want) {
				t.Errorf("error %v, want %v", err, c.want)
			}
		})
	}
}

func TestBadModelBytes(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	_, err := r.NewSessionFromBytes([]byte("not an onnx model"), ort.SessionOptions{})
	var oe *ort.Error
	if !errors.As(err, &oe) || !strings.HasPrefix(err.Error(), "onnx: create session: code ") {
		t.Errorf("error %v, want an *ort.Error from create session", err)
	}
}

func TestCloseIsIdempotentAndFinal(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	m := mustModel(t, modelA(make([]float32, 640)))
	s, err := r.NewSession(m, ort.SessionOptions{})
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	binding, err := s.NewIoBinding()
	if err != nil {
		t.Fatalf("NewIoBinding: %v", err)
	}
	v := tensor(t, r, []int64{1, 64}, make([]float32, 64))
	for i := range 2 {
		if err := s.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
		if err := v.Close(); err != nil {
			t.Fatalf("Value.Close #%d: %v", i+1, err)
		}
	}
	if _, err := s.Run([]ort.Named{{Name: "X", Value: tensor(t, r, []int64{1, 64}, make([]float32, 64))}}, []string{"P"}); !errors.Is(err, ort.ErrClosed) {
		t.Errorf("Run on a closed session: %v, want ErrClosed", err)
	}
	if _, err := s.NewIoBinding(); !errors.Is(err, ort.ErrClosed) {
		t.Errorf("NewIoBinding on a closed session: %v, want ErrClosed", err)
	}
	if err := binding.Run(); !errors.Is(err, ort.ErrClosed) {
		t.Errorf("binding Run after its session closed: %v, want ErrClosed", err)
	}
	if err := binding.Close(); err != nil {
		t.Errorf("binding Close after its session closed: %v", err)
	}
	if _, err := v.Shape(); !errors.Is(err, ort.ErrClosed) {
		t.Errorf("Shape of a closed value: %v, want ErrClosed", err)
	}

	// A closed Runtime refuses new work but keeps open sessions running
	// until they close.
	r2 := newRuntime(t)
	s2, err := r2.NewSession(m, ort.SessionOptions{})
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	if err := r2.Close(); err != nil {
		t.Fatalf("Runtime.Close: %v", err)
	}
	if err := r2.Close(); err != nil {
		t.Fatalf("Runtime.Close twice: %v", err)
	}
	if _, err := r2.NewSession(m, ort.SessionOptions{}); !errors.Is(err, ort.ErrClosed) {
		t.Errorf("NewSession on a closed runtime: %v, want ErrClosed", err)
	}
	if _, err := ort.NewTensor(r2, []int64{1}, []float32{1}); !errors.Is(err, ort.ErrClosed) {
		t.Errorf("NewTensor on a closed runtime: %v, want ErrClosed", err)
	}
	x := tensor(t, r, []int64{1, 64}, make([]float32, 64))
	if outs, err := s2.Run([]ort.Named{{Name: "X", Value: x}}, []string{"R"}); err != nil {
		t.Errorf("Run on a session of a closed runtime: %v", err)
	} else {
		_ = outs[0].Close()
	}
	if err := s2.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func mustModel(tb testing.TB, b *graph.Builder) *graph.Model {
	tb.Helper()
	m, err := b.Build()
	if err != nil {
		tb.Fatalf("Build: %v", err)
	}
	return m
}

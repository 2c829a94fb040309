package weights

import "github.com/vlmask/vlmask/backend/onnx/graph"

// Declarer declares checkpoint tensors in one graph, keeping the first
// error so graph code can stay declarative: after a failure it hands out
// placeholder scalars and the caller reports Err instead of building.
// Declarers made with Sub share the first error with their parent.
type Declarer struct {
	store  *Store
	b      *graph.Builder
	prefix string
	first  *error
}

// NewDeclarer declares s's tensors in b, each name prefixed with prefix.
func NewDeclarer(s *Store, b *graph.Builder, prefix string) *Declarer {
	return &Declarer{store: s, b: b, prefix: prefix, first: new(error)}
}

// Err is the first error of this declarer or any declarer sharing it.
func (d *Declarer) Err() error { return *d.first }

// Builder is the graph the tensors are declared in.
func (d *Declarer) Builder() *graph.Builder { return d.b }

// DType is the compute dtype of the declared tensors.
func (d *Declarer) DType() graph.DType { return d.store.dt }

// Get declares the tensor prefix+name, which must have the given shape.
func (d *Declarer) Get(name string, shape ...int64) *graph.Value {
	return d.As(name, shape, shape...)
}

// As declares a tensor stored with shape `stored` under other dims with
// the same number of elements (e.g. a convolution kernel as a matrix).
func (d *Declarer) As(name string, stored []int64, dims ...int64) *graph.Value {
	if *d.first == nil {
		w, err := d.store.Get(d.prefix+name, stored...)
		if err == nil {
			return d.b.Weight(w.Name, w.DType, dims, w.Data)
		}
		*d.first = err
	}
	return d.b.Scalar(d.store.dt, 0)
}

// Optional declares the tensor when the checkpoint has it and returns nil
// otherwise (a bias some checkpoints leave out).
func (d *Declarer) Optional(name string, shape ...int64) *graph.Value {
	if !d.store.Has(d.prefix + name) {
		return nil
	}
	return d.Get(name, shape...)
}

// If declares the tensor when cond holds and returns nil otherwise (a bias
// or norm that config.json switches on).
func (d *Declarer) If(cond bool, name string, shape ...int64) *graph.Value {
	if !cond {
		return nil
	}
	return d.Get(name, shape...)
}

// Sub is a declarer for the same graph with a longer prefix, sharing the
// first error.
func (d *Declarer) Sub(prefix string) *Declarer {
	return &Declarer{store: d.store, b: d.b, prefix: d.prefix + prefix, first: d.first}
}

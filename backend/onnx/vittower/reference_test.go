package vittower

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vlmask/vlmask/hf/safetensors"
)

// This file is a float64 Go transcription of transformers'
// CLIPVisionTransformer and SiglipVisionTransformer (embeddings, pre- and
// post-LayerNorm, encoder layers with separate q, k, v and biases), for
// the tower tests.

// refWeights are a tower's random weights by tensor name (relative to the
// prefix), with their shapes.
type refWeights struct {
	w      map[string][]float64
	shapes map[string][]int64
}

// randomWeights draws a tower's weights as the golden checkpoints were
// drawn, each value exactly representable in float32.
func randomWeights(t Tower, seed uint64) refWeights {
	rng := rand.New(rand.NewPCG(seed, 11))
	r := refWeights{w: map[string][]float64{}, shapes: map[string][]int64{}}
	add := func(name string, mean, std float64, shape ...int64) {
		n := int64(1)
		for _, d := range shape {
			n *= d
		}
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(float32(mean + std*rng.NormFloat64()))
		}
		r.w[name], r.shapes[name] = v, shape
	}
	h, in := t.Hidden, t.Inter
	linear := func(name string, out, inner int64) {
		add(name+".weight", 0, 1/math.Sqrt(float64(inner)), out, inner)
		add(name+".bias", 0, 0.1, out)
	}
	norm := func(name string) {
		add(name+".weight", 1, 0.1, h)
		add(name+".bias", 0, 0.1, h)
	}
	add("embeddings.patch_embedding.weight", 0, 1/math.Sqrt(float64(t.PatchDim())), h, t.Channels, t.Patch, t.Patch)
	if t.Kind == SigLIP {
		add("embeddings.patch_embedding.bias", 0, 0.1, h)
	} else {
		add("embeddings.class_embedding", 0, 0.5, h)
		norm("pre_layrnorm")
	}
	add("embeddings.position_embedding.weight", 0, 0.5, t.Positions(), h)
	for i := 0; i < int(t.Depth); i++ {
		p := "encoder.layers." + strconv.Itoa(i) + "."
		norm(p + "layer_norm1")
		norm(p + "layer_norm2")
		for _, proj := range []string{"q_proj", "k_proj", "v_proj", "out_proj"} {
			linear(p+"self_attn."+proj, h, h)
		}
		linear(p+"mlp.fc1", in, h)
		linear(p+"mlp.fc2", h, in)
	}
	norm("post_layernorm")
	return r
}

// write stores the weights as an F32 checkpoint under prefix in dir.
func (r refWeights) write(t *testing.T, dir, prefix string) {
	t.Helper()
	var ts []safetensors.Tensor
	for name, v := range r.w {
		raw := make([]byte, 4*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(float32(x)))
		}
		ts = append(ts, safetensors.Tensor{Name: prefix + name, DType: safetensors.F32, Shape: r.shapes[name], Data: raw})
	}
	if err := safetensors.WriteFile(filepath.Join(dir, "model.safetensors"), ts, nil); err != nil {
		t.Fatal(err)
	}
}

// hiddenStates is the reference forward: hidden_states[0..Depth] for
// channels-first pixels [C, S, S], each [Positions, Hidden].
func (r refWeights) hiddenStates(t Tower, pixels []float64) [][]float64 {
	h := int(t.Hidden)
	side, p, c := int(t.ImageSize), int(t.Patch), int(t.Channels)
	grid := side / p
	kernel := r.w["embeddings.patch_embedding.weight"]
	var x []float64
	if t.Kind == CLIP {
		x = append(x, r.w["embeddings.class_embedding"]...)
	}
	for gy := 0; gy < grid; gy++ {
		for gx := 0; gx < grid; gx++ {
			for o := 0; o < h; o++ {
				s := 0.0
				if t.Kind == SigLIP {
					s = r.w["embeddings.patch_embedding.bias"][o]
				}
				for ch := 0; ch < c; ch++ {
					for y := 0; y < p; y++ {
						for xx := 0; xx < p; xx++ {
							s += kernel[((o*c+ch)*p+y)*p+xx] * pixels[(ch*side+gy*p+y)*side+gx*p+xx]
						}
					}
				}
				x = append(x, s)
			}
		}
	}
	pos := r.w["embeddings.position_embedding.weight"]
	for i := range x {
		x[i] += pos[i]
	}
	if t.Kind == CLIP {
		x = r.layerNorm("pre_layrnorm", x, h, t.Eps)
	}
	states := [][]float64{x}
	for i := 0; i < int(t.Depth); i++ {
		x = r.layer(t, "encoder.layers."+strconv.Itoa(i)+".", x)
		states = append(states, x)
	}
	return states
}

// postNorm is post_layernorm of x.
func (r refWeights) postNorm(t Tower, x []float64) []float64 {
	return r.layerNorm("post_layernorm", x, int(t.Hidden), t.Eps)
}

func (r refWeights) layerNorm(name string, x []float64, width int, eps float64) []float64 {
	w, b := r.w[name+".weight"], r.w[name+".bias"]
	out := make([]float64, len(x))
	for row := 0; row < len(x)/width; row++ {
		v := x[row*width : (row+1)*width]
		var mean, vari float64
		for _, a := range v {
			mean += a
		}
		mean /= float64(width)
		for _, a := range v {
			vari += (a - mean) * (a - mean)
		}
		vari /= float64(width)
		for k, a := range v {
			out[row*width+k] = (a-mean)/math.Sqrt(vari+eps)*w[k] + b[k]
		}
	}
	return out
}

func (r refWeights) linear(name string, x []float64, in, out int) []float64 {
	w, b := r.w[name+".weight"], r.w[name+".bias"]
	rows := len(x) / in
	y := make([]float64, rows*out)
	for i := 0; i < rows; i++ {
		for o := 0; o < out; o++ {
			s := b[o]
			for k := 0; k < in; k++ {
				s += x[i*in+k] * w[o*in+k]
			}
			y[i*out+o] = s
		}
	}
	return y
}

// layer is one encoder layer: x + attn(ln1(x)), then + mlp(ln2(x)).
func (r refWeights) layer(t Tower, p string, x []float64) []float64 {
	h, heads := int(t.Hidden), int(t.Heads)
	hd := h / heads
	n := len(x) / h
	a := r.layerNorm(p+"layer_norm1", x, h, t.Eps)
	q := r.linear(p+"self_attn.q_proj", a, h, h)
	k := r.linear(p+"self_attn.k_proj", a, h, h)
	v := r.linear(p+"self_attn.v_proj", a, h, h)
	ctx := make([]float64, n*h)
	scale := 1 / math.Sqrt(float64(hd))
	for hh := 0; hh < heads; hh++ {
		for i := 0; i < n; i++ {
			logits := make([]float64, n)
			peak := math.Inf(-1)
			for j := 0; j < n; j++ {
				s := 0.0
				for e := 0; e < hd; e++ {
					s += q[i*h+hh*hd+e] * k[j*h+hh*hd+e]
				}
				logits[j] = s * scale
				peak = math.Max(peak, logits[j])
			}
			var sum float64
			for j := range logits {
				logits[j] = math.Exp(logits[j] - peak)
				sum += logits[j]
			}
			for j := range logits {
				for e := 0; e < hd; e++ {
					ctx[i*h+hh*hd+e] += logits[j] / sum * v[j*h+hh*hd+e]
				}
			}
		}
	}
	attn := r.linear(p+"self_attn.out_proj", ctx, h, h)
	mid := make([]float64, len(x))
	for i := range x {
		mid[i] = x[i] + attn[i]
	}
	m := r.layerNorm(p+"layer_norm2", mid, h, t.Eps)
	f := r.linear(p+"mlp.fc1", m, h, int(t.Inter))
	for i, z := range f {
		f[i] = act(t, z)
	}
	f = r.linear(p+"mlp.fc2", f, int(t.Inter), h)
	for i := range mid {
		mid[i] += f[i]
	}
	return mid
}

// act is quick_gelu (CLIP) or the tanh GELU (SigLIP).
func act(t Tower, x float64) float64 {
	if t.Act == "quick_gelu" {
		return x / (1 + math.Exp(-1.702*x))
	}
	return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
}

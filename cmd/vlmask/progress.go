package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/vlmask/vlmask/core"
)

// progress draws one status line on stderr: the model loading, the images
// being encoded, then step, layer, tokens and an estimate of the time left.
// It redraws at most a few times a second.
type progress struct {
	w                   io.Writer
	name                string
	start, drawn        time.Time
	steps, stepIdx, seq int
}

func newProgress(w io.Writer, name string) *progress {
	return &progress{w: w, name: name, start: time.Now()}
}

// progressEnabled: progress goes to stderr only when it is a terminal, and
// not with --quiet or --json or under debug logging.
func (a *app) progressEnabled(c *cli.Context) bool {
	if global(c, flagQuiet).Bool(flagQuiet) || c.Bool(flagJSON) || a.log.IsDebug() {
		return false
	}
	f, ok := a.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (p *progress) step(step, steps, seqLen int) {
	if step == 0 {
		p.start = time.Now() // the estimate covers the steps alone
	}
	p.stepIdx, p.steps, p.seq = step, steps, seqLen
	p.draw(0, 0, true)
}

// phase draws work that is not a step, such as loading the model or
// encoding the images: what it is and, when total > 0, how far it got and
// an estimate of the time left.
func (p *progress) phase(what string, done, total int) {
	now := time.Now()
	if done > 0 && done < total && now.Sub(p.drawn) < 200*time.Millisecond {
		return
	}
	p.drawn = now
	line := p.prefix() + what
	if total > 0 {
		line += fmt.Sprintf(" · %d/%d", done, total)
		if done > 0 {
			left := time.Duration(float64(now.Sub(p.start)) * (float64(total)/float64(done) - 1))
			line += " · " + left.Round(time.Second).String() + " left"
		}
	}
	fmt.Fprint(p.w, "\r\033[K"+line)
}

func (p *progress) prefix() string {
	if p.name == "" {
		return ""
	}
	return p.name + ": "
}

func (p *progress) layer(layer, layers int) { p.draw(layer+1, layers, false) }

func (p *progress) draw(layer, layers int, force bool) {
	now := time.Now()
	if !force && now.Sub(p.drawn) < 200*time.Millisecond && layer != layers {
		return
	}
	p.drawn = now
	done := float64(p.stepIdx)
	if layers > 0 {
		done += float64(layer) / float64(layers)
	}
	eta := "…"
	if done > 0 && p.steps > 0 {
		elapsed := now.Sub(p.start)
		left := time.Duration(float64(elapsed) * (float64(p.steps)/done - 1))
		eta = left.Round(time.Second).String()
	}
	where := ""
	if layers > 0 {
		where = fmt.Sprintf(" · layer %d/%d", layer, layers)
	}
	fmt.Fprintf(p.w, "\r\033[K%sstep %d/%d%s · %d tokens · %s left", p.prefix(), p.stepIdx+1, p.steps, where, p.seq, eta)
}

func (p *progress) stop() { fmt.Fprint(p.w, "\r\033[K") }

var _ core.StageObserver = progressObserver{}

// progressObserver draws an analysis's progress as a core.Observer; with a
// nil bar it draws nothing.
type progressObserver struct{ bar *progress }

func (o progressObserver) Stage(what string) {
	if o.bar != nil {
		o.bar.phase(what, 0, 0)
	}
}

func (o progressObserver) StepStarted(step, numSteps, seqLen int) {
	if o.bar != nil {
		o.bar.step(step, numSteps, seqLen)
	}
}

func (o progressObserver) LayerDone(step, layer, numLayers int) {
	if o.bar != nil {
		o.bar.layer(layer, numLayers)
	}
}

var _ core.EffectObserver = progressObserver{}

// EffectLayerDone draws the propagated knockout's progress through the
// start layers, which comes after the step's layers.
func (o progressObserver) EffectLayerDone(step, layer, numLayers int) {
	if o.bar != nil {
		o.bar.phase(fmt.Sprintf("step %d/%d · propagated knockout · start layer %d/%d", step+1, o.bar.steps, layer+1, numLayers), 0, 0)
	}
}

func (o progressObserver) done() {
	if o.bar != nil {
		o.bar.stop()
	}
}

// observer is the progress display of one analysis (named for a batch
// prompt), drawing nothing when progress is off.
func (a *app) observer(c *cli.Context, name string) progressObserver {
	if !a.progressEnabled(c) {
		return progressObserver{}
	}
	return progressObserver{bar: newProgress(a.stderr, name)}
}

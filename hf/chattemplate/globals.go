package chattemplate

import (
	"fmt"
	"time"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// globals are the functions transformers adds to a template's globals,
// bound to one render: raise_exception records its message so the render
// fails with it, and strftime_now formats a fixed instant.
type globals struct {
	now    time.Time
	raised *string
}

// newGlobals binds the globals for one render; a zero now means the
// current time.
func newGlobals(now time.Time) *globals {
	if now.IsZero() {
		now = time.Now()
	}
	return &globals{now: now}
}

// raiseException is the template's raise_exception(message): it stops the
// render with message.
func (g *globals) raiseException(_ *exec.Evaluator, params *exec.VarArgs) (string, error) {
	msg := ""
	if len(params.Args) > 0 {
		msg = params.Args[0].String()
	}
	if g.raised == nil {
		g.raised = &msg
	}
	return "", fmt.Errorf("raise_exception: %s", msg)
}

// strftimeNow is the template's strftime_now(format):
// datetime.now().strftime(format).
func (g *globals) strftimeNow(_ *exec.Evaluator, params *exec.VarArgs) (string, error) {
	if len(params.Args) != 1 || !params.Args[0].IsString() {
		return "", fmt.Errorf("strftime_now takes one format string")
	}
	return strftime(g.now, params.Args[0].String()), nil
}

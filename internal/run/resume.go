package run

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/hf/processor"
)

// resumeState is what --resume finds at a prompt's outputs.
type resumeState struct {
	// done: every format's file is complete and was made from these
	// inputs; the prompt is skipped.
	done bool
	// why the prompt is redone, when it is and something was there.
	why string
	// replace: the files there are results files made from other inputs;
	// redoing the prompt may replace them.
	replace bool
}

// resume checks the files of dest in every format against the prompt's
// inputs: complete, and with the fingerprint of in and set. A missing
// format is written, an incomplete file redone, a file made from other
// inputs (or before vlmask recorded inputs) redone and replaced; a file
// that is not a results file is left for results.Create to refuse.
func (s *Session) resume(in *processor.Result, set Settings, dest string) (resumeState, error) {
	want, err := s.fingerprint(in, set)
	if err != nil {
		return resumeState{}, err
	}
	st := resumeState{done: true, replace: true}
	for _, f := range set.Formats {
		path := dest + f.Extension()
		m, err := results.ReadMeta(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			st.done, st.why = false, join(st.why, path+" is missing")
		case err != nil:
			st.done, st.replace, st.why = false, false, join(st.why, fmt.Sprintf("%s is unreadable: %v", path, err))
		case !m.Complete:
			st.done, st.why = false, join(st.why, path+" is incomplete")
		case m.Metadata[results.MetaKeyInputsSHA256] == "":
			st.done, st.why = false, join(st.why, path+" does not record its inputs (an earlier vlmask wrote it)")
		case m.Metadata[results.MetaKeyInputsSHA256] != want:
			st.done, st.why = false, join(st.why, path+" was made from other inputs (prompt, images, model, settings or plugins changed)")
		}
	}
	if st.done {
		st.replace = false
	}
	return st, nil
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

package results_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// TestImagesRoundTrip: image paths survive the metadata whatever they
// hold, commas included, and files that joined them with commas still
// read.
func TestImagesRoundTrip(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		value string
		want  []string
	}{
		"written now":           {value: results.ImagesValue([]string{"/data/a,b.png", `/data/"quoted" c.png`}), want: []string{"/data/a,b.png", `/data/"quoted" c.png`}},
		"none written now":      {value: results.ImagesValue(nil), want: nil},
		"not recorded":          {value: "", want: nil},
		"earlier, comma-joined": {value: "/data/a.png,/data/b.png", want: []string{"/data/a.png", "/data/b.png"}},
		"earlier, one image":    {value: "/data/a.png", want: []string{"/data/a.png"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := results.Meta{Metadata: map[string]string{}}
			if tc.value != "" {
				m.Metadata[results.MetaKeyImages] = tc.value
			}
			got, err := m.Images()
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Images() of %q = %q, %v; want %q", tc.value, got, err, tc.want)
			}
		})
	}
	bad := results.Meta{Metadata: map[string]string{results.MetaKeyImages: `["/a.png",`}}
	if _, err := bad.Images(); !errors.Is(err, results.ErrNotResults) {
		t.Errorf("a broken array: %v, want ErrNotResults", err)
	}
}

package summary

import (
	"fmt"
	"io"
	"strings"
)

// Write prints the summary as text.
func (s *Summary) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "mean %s of the %s update over the dataset in %s (image patches pooled on a %d×%d grid over each image)\n",
		s.Metric, s.Variant, s.Dir, s.Grid, s.Grid)
	if len(s.Groups) == 0 {
		b.WriteString("no parts\n")
	}
	for _, g := range s.Groups {
		fmt.Fprintf(&b, "\nmodel=%s mask_mode=%s: %d dataset rows, %d layers", g.Model, g.MaskMode, g.Parts, g.NumLayers)
		if len(g.Skipped) > 0 {
			fmt.Fprintf(&b, " (skipped %d incomplete parts: %s)", len(g.Skipped), strings.Join(g.Skipped, ", "))
		}
		b.WriteString("\n")
		for _, band := range g.Bands {
			fmt.Fprintf(&b, "  %s layers %d–%d (%d values):\n", band.Name, band.FirstLayer, band.LastLayer, band.Values)
			for _, list := range []struct {
				name    string
				entries []Entry
			}{{"text", band.Text}, {"image", band.Image}, {"groups", band.Groups}} {
				if len(list.entries) == 0 {
					continue
				}
				fmt.Fprintf(&b, "    %-6s", list.name+":")
				for _, e := range list.entries {
					name := fmt.Sprintf("%q", e.Key)
					if list.name == "image" {
						name = "[" + e.Key + "]"
					}
					rows := "rows"
					if e.Datasets == 1 {
						rows = "row"
					}
					fmt.Fprintf(&b, "  %s %.4g (%d %s)", name, e.Mean, e.Datasets, rows)
				}
				b.WriteString("\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

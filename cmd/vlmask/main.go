// Command vlmask shows which input tokens — words and image patches — a
// vision-language model relies on, at which layer, for each token it
// generates, by knocking each token out of attention layer by layer.
package main

import "os"

func main() {
	os.Exit(runMain(os.Args, os.Stdout, os.Stderr))
}

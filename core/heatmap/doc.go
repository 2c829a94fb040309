// Package heatmap turns an analysis's image-token rows into maps over the
// image: for each image and layer, the knockout value of every merged
// token cell, averaged over the chosen steps (Build), drawn as a sheet of
// one panel per layer over the image the model saw (Draw). Over steps,
// BuildPerStep and DrawSteps make one sheet per step on a colour scale the
// steps share, and EncodeGIF animates them. `vlmask view` writes them as
// PNG (and GIF), and `make demo` ends with one.
package heatmap

// Package familytest holds what the model families' tests do the same way
// outside the golden checks (internal/goldenmodel): write a generated tiny
// checkpoint and edit its config.json or tensors, read a tensor back, make
// a random image, and run a ViT tower alone to read its hidden states.
package familytest

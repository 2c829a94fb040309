// Package family is the registry of model families: which package runs a
// checkpoint, chosen from config.json's model_type. Each family is a small
// package that describes its checkpoints to the shared decoder runtime
// (backend/onnx/decoder) and builds its vision tower from the shared
// blocks (backend/onnx/blocks); adding one is a new package and a line in
// All (docs/architecture.md, "Adding a model family").
package family

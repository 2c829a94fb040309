// Package run wires one vlmask run together: the ONNX Runtime, the
// checkpoint (its config.json read once), the Hugging Face front end, the
// model, the plugin host and the results writer. The command line, the
// benchmark and the golden-test helpers all open models and analyse prompts
// through it.
package run

// Package goldenmodel checks a loaded model against a golden case, the same
// way for every family: the vision tower's outputs, every layer's input and
// output at every prompt position, all prompt logits, each step's logits,
// greedy token and top-5, and the complete knockout table by the fast and
// the recompute method, all under the golden README's tolerance rule. A
// family's tests load its checkpoints and call these checks; nothing here
// knows a family.
package goldenmodel

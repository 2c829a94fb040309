package decoder

// recomputeGroups is how many groups one --method recompute batch reruns a
// layer for at sequence length t, as probe.Recompute sizes its batches
// (recomputeBudget scores of heads × t² each). The estimate keeps its own
// copy of that rule, in this file, so that probe.go can change how it sizes
// batches without touching the estimate: a change there belongs here too,
// and a renamed or removed recomputeBudget stops this file compiling.
func recomputeGroups(heads, t int) int {
	return max(1, recomputeBudget/(heads*t*t))
}

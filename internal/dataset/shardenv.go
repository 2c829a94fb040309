package dataset

import (
	"fmt"
	"strconv"
	"strings"
)

// Environment variables that tell a process its shard.
const (
	// Slurm job arrays (sbatch --array) set these in every array task.
	EnvSlurmTaskID    = "SLURM_ARRAY_TASK_ID"
	EnvSlurmTaskCount = "SLURM_ARRAY_TASK_COUNT"
	EnvSlurmTaskMin   = "SLURM_ARRAY_TASK_MIN"
	EnvSlurmTaskMax   = "SLURM_ARRAY_TASK_MAX"
	EnvSlurmTaskStep  = "SLURM_ARRAY_TASK_STEP"
	// EnvJobCompletionIndex is set by Kubernetes in each pod of an Indexed
	// Job (completionMode: Indexed), 0 to completions-1.
	EnvJobCompletionIndex = "JOB_COMPLETION_INDEX"
	// EnvShards is the shard count (the --shards flag's variable).
	EnvShards = "VLMASK_SHARDS"
)

// ShardRequest is what a process is told about its shard.
type ShardRequest struct {
	// Shard is --shard i/n ("": not given).
	Shard string
	// Count is --shards N, or VLMASK_SHARDS (0: not given).
	Count int
	// Getenv reads the environment (os.Getenv).
	Getenv func(string) string
}

// ResolveShard tells a process which shard it is, in this order:
//
//  1. --shard i/n.
//  2. A Slurm array task. With a shard count (--shards N), the array task
//     id is the shard index, so arrays run 0..N-1 and a part of the array
//     resubmitted alone (sbatch --array=3) is still shard 3 of N. Without
//     one, the array itself says: index (SLURM_ARRAY_TASK_ID −
//     SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP of
//     SLURM_ARRAY_TASK_COUNT (or of (MAX − MIN) / STEP + 1).
//  3. A Kubernetes Indexed Job pod: JOB_COMPLETION_INDEX of --shards N,
//     which must be given (the Job's completions; the pod does not see
//     them).
//  4. Otherwise the whole dataset (0/1).
//
// how says where the answer came from, for logs and errors.
func ResolveShard(req ShardRequest) (s Shard, how string, err error) {
	getenv := req.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if req.Count < 0 || req.Count > MaxShards {
		return Shard{}, "", fmt.Errorf("--shards %d: %w (want 1..%d)", req.Count, ErrShard, MaxShards)
	}
	if req.Shard != "" {
		s, err := ParseShard(req.Shard)
		if err != nil {
			return Shard{}, "", err
		}
		if req.Count > 0 && req.Count != s.Count {
			return Shard{}, "", fmt.Errorf("--shard %s and --shards %d: %w (they disagree on the count)", req.Shard, req.Count, ErrShard)
		}
		return s, "--shard " + s.String(), nil
	}
	if v := strings.TrimSpace(getenv(EnvSlurmTaskID)); v != "" {
		return slurmShard(v, req.Count, getenv)
	}
	if v := strings.TrimSpace(getenv(EnvJobCompletionIndex)); v != "" {
		i, err := envInt(EnvJobCompletionIndex, v)
		if err != nil {
			return Shard{}, "", err
		}
		if req.Count == 0 {
			return Shard{}, "", fmt.Errorf("%s=%d (a Kubernetes Indexed Job pod) without a shard count: %w (pass --shards N or set %s to the Job's completions)",
				EnvJobCompletionIndex, i, ErrShard, EnvShards)
		}
		s := Shard{Index: i, Count: req.Count}
		if err := s.Validate(); err != nil {
			return Shard{}, "", fmt.Errorf("%s=%d of %d shards: %w (the Job's completions must equal %s)", EnvJobCompletionIndex, i, req.Count, err, EnvShards)
		}
		return s, fmt.Sprintf("Kubernetes Indexed Job: %s=%d of %d shards", EnvJobCompletionIndex, i, req.Count), nil
	}
	if req.Count > 1 {
		return Shard{}, "", fmt.Errorf("--shards %d without a shard index: %w (give --shard i/%d, or run as a Slurm array task or a Kubernetes Indexed Job)", req.Count, ErrShard, req.Count)
	}
	return Whole, "not sharded: every row", nil
}

// slurmShard reads a Slurm array task's shard.
func slurmShard(idv string, count int, getenv func(string) string) (Shard, string, error) {
	id, err := envInt(EnvSlurmTaskID, idv)
	if err != nil {
		return Shard{}, "", err
	}
	if count > 0 {
		s := Shard{Index: id, Count: count}
		if err := s.Validate(); err != nil {
			return Shard{}, "", fmt.Errorf("array task %d (Slurm) with %d shards: %w (with --shards N, array task ids are the shard indices: --array=0-%d)", id, count, err, count-1)
		}
		return s, fmt.Sprintf("Slurm array task %s=%d of %d shards", EnvSlurmTaskID, id, count), nil
	}
	get := func(name string, def int) (int, bool, error) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return def, false, nil
		}
		n, err := envInt(name, v)
		return n, true, err
	}
	lo, _, err := get(EnvSlurmTaskMin, 0)
	if err != nil {
		return Shard{}, "", err
	}
	step, _, err := get(EnvSlurmTaskStep, 1)
	if err != nil {
		return Shard{}, "", err
	}
	if step < 1 {
		return Shard{}, "", fmt.Errorf("%s=%d: %w", EnvSlurmTaskStep, step, ErrShard)
	}
	n, hasCount, err := get(EnvSlurmTaskCount, 0)
	if err != nil {
		return Shard{}, "", err
	}
	if !hasCount {
		hi, hasMax, err := get(EnvSlurmTaskMax, 0)
		if err != nil {
			return Shard{}, "", err
		}
		if !hasMax {
			return Shard{}, "", fmt.Errorf("%s=%d without %s or %s: %w (pass --shards N)", EnvSlurmTaskID, id, EnvSlurmTaskCount, EnvSlurmTaskMax, ErrShard)
		}
		n = (hi-lo)/step + 1
	}
	if id < lo || (id-lo)%step != 0 {
		return Shard{}, "", fmt.Errorf("%s=%d is not in the array %d..(step %d): %w (pass --shards N)", EnvSlurmTaskID, id, lo, step, ErrShard)
	}
	s := Shard{Index: (id - lo) / step, Count: n}
	if err := s.Validate(); err != nil {
		return Shard{}, "", fmt.Errorf("array task %d (Slurm): %w (an array given as a list? pass --shards N and use task ids 0..N-1)", id, err)
	}
	return s, fmt.Sprintf("Slurm array task %d of the array's %d tasks (%s, %s)", id, n, EnvSlurmTaskID, EnvSlurmTaskCount), nil
}

func envInt(name, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: %w (want an integer)", name, v, ErrShard)
	}
	return n, nil
}

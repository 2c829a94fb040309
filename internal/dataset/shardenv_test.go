package dataset

import (
	"errors"
	"testing"
)

func TestResolveShard(t *testing.T) {
	tests := map[string]struct {
		req  ShardRequest
		env  map[string]string
		want Shard
		bad  bool
	}{
		"nothing: the whole dataset":    {want: Whole},
		"--shards 1 alone":              {req: ShardRequest{Count: 1}, want: Whole},
		"--shard":                       {req: ShardRequest{Shard: "2/5"}, want: Shard{2, 5}},
		"--shard wins over Slurm":       {req: ShardRequest{Shard: "1/3"}, env: map[string]string{EnvSlurmTaskID: "2", EnvSlurmTaskCount: "4"}, want: Shard{1, 3}},
		"--shard and --shards agree":    {req: ShardRequest{Shard: "1/3", Count: 3}, want: Shard{1, 3}},
		"--shard and --shards disagree": {req: ShardRequest{Shard: "1/3", Count: 4}, bad: true},
		"--shards without an index":     {req: ShardRequest{Count: 4}, bad: true},

		"Slurm --array=0-3":                             {env: map[string]string{EnvSlurmTaskID: "2", EnvSlurmTaskCount: "4", EnvSlurmTaskMin: "0", EnvSlurmTaskMax: "3"}, want: Shard{2, 4}},
		"Slurm --array=1-4 (1-based)":                   {env: map[string]string{EnvSlurmTaskID: "1", EnvSlurmTaskCount: "4", EnvSlurmTaskMin: "1", EnvSlurmTaskMax: "4"}, want: Shard{0, 4}},
		"Slurm --array=0-10:5":                          {env: map[string]string{EnvSlurmTaskID: "10", EnvSlurmTaskCount: "3", EnvSlurmTaskMin: "0", EnvSlurmTaskMax: "10", EnvSlurmTaskStep: "5"}, want: Shard{2, 3}},
		"Slurm MIN/MAX without COUNT":                   {env: map[string]string{EnvSlurmTaskID: "5", EnvSlurmTaskMin: "2", EnvSlurmTaskMax: "9"}, want: Shard{3, 8}},
		"Slurm task id only":                            {env: map[string]string{EnvSlurmTaskID: "5"}, bad: true},
		"Slurm task id off the step":                    {env: map[string]string{EnvSlurmTaskID: "3", EnvSlurmTaskCount: "3", EnvSlurmTaskMin: "0", EnvSlurmTaskMax: "10", EnvSlurmTaskStep: "5"}, bad: true},
		"Slurm list array, id beyond count":             {env: map[string]string{EnvSlurmTaskID: "7", EnvSlurmTaskCount: "3", EnvSlurmTaskMin: "1", EnvSlurmTaskMax: "7"}, bad: true},
		"Slurm with --shards: the task id is the index": {req: ShardRequest{Count: 16}, env: map[string]string{EnvSlurmTaskID: "3", EnvSlurmTaskCount: "1", EnvSlurmTaskMin: "3", EnvSlurmTaskMax: "3"}, want: Shard{3, 16}},
		"Slurm with --shards, id too large":             {req: ShardRequest{Count: 4}, env: map[string]string{EnvSlurmTaskID: "4"}, bad: true},
		"Slurm garbage":                                 {env: map[string]string{EnvSlurmTaskID: "x"}, bad: true},

		"Indexed Job":                {req: ShardRequest{Count: 4}, env: map[string]string{EnvJobCompletionIndex: "0"}, want: Shard{0, 4}},
		"Indexed Job, last index":    {req: ShardRequest{Count: 4}, env: map[string]string{EnvJobCompletionIndex: "3"}, want: Shard{3, 4}},
		"Indexed Job without count":  {env: map[string]string{EnvJobCompletionIndex: "1"}, bad: true},
		"Indexed Job, index ≥ count": {req: ShardRequest{Count: 4}, env: map[string]string{EnvJobCompletionIndex: "4"}, bad: true},
		"Indexed Job, negative":      {req: ShardRequest{Count: 4}, env: map[string]string{EnvJobCompletionIndex: "-1"}, bad: true},
		"Indexed Job, garbage":       {req: ShardRequest{Count: 4}, env: map[string]string{EnvJobCompletionIndex: "one"}, bad: true},
		"negative --shards":          {req: ShardRequest{Count: -2}, bad: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			req := tc.req
			req.Getenv = func(k string) string { return tc.env[k] }
			got, how, err := ResolveShard(req)
			if tc.bad {
				if !errors.Is(err, ErrShard) {
					t.Fatalf("got %v (%s), %v; want ErrShard", got, how, err)
				}
				return
			}
			if err != nil || got != tc.want || how == "" {
				t.Fatalf("got %v (%s), %v; want %v", got, how, err, tc.want)
			}
		})
	}
}

// TestIndexedJobCoversEveryRow: the pods of an Indexed Job of N
// completions with VLMASK_SHARDS=N together own every row exactly once.
func TestIndexedJobCoversEveryRow(t *testing.T) {
	f := &File{}
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"} {
		f.Rows = append(f.Rows, Row{ID: id})
	}
	const completions = 5
	seen := map[string]int{}
	for idx := range completions {
		env := map[string]string{EnvJobCompletionIndex: string(rune('0' + idx))}
		s, _, err := ResolveShard(ShardRequest{Count: completions, Getenv: func(k string) string { return env[k] }})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range f.Select(s) {
			seen[r.ID]++
		}
	}
	for _, r := range f.Rows {
		if seen[r.ID] != 1 {
			t.Errorf("row %s owned by %d pods", r.ID, seen[r.ID])
		}
	}
}

package deploy_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/yannh/kubeconform/pkg/validator"
	"gopkg.in/yaml.v3"

	"github.com/vlmask/vlmask/internal/dataset"
)

const manifest = "k8s/indexed-job.yaml"

// TestIndexedJobManifestValidates validates every document of the manifest
// against the Kubernetes JSON schema of its kind, strictly (no field the
// API does not know), offline, with kubeconform.
func TestIndexedJobManifestValidates(t *testing.T) {
	schemas := filepath.Join("testdata", "kubernetes-json-schema", "v1.32.2-standalone-strict")
	v, err := validator.New([]string{filepath.Join(schemas, "{{ .ResourceKind }}{{ .KindSuffix }}.json")},
		validator.Opts{Strict: true, KubernetesVersion: "1.32.2"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for i, res := range v.Validate(manifest, io.NopCloser(bytes.NewReader(b))) {
		sig, _ := res.Resource.Signature()
		if sig != nil {
			kinds[sig.Kind]++
		}
		if res.Status != validator.Valid {
			t.Errorf("document %d (%v): %s: %v %v", i, sig, statusName(res.Status), res.Err, res.ValidationErrors)
		}
	}
	if kinds["Job"] != 1 || kinds["PersistentVolumeClaim"] != 1 {
		t.Errorf("kinds %v, want one Job and one PersistentVolumeClaim", kinds)
	}
	// The validator does reject what the API rejects.
	bad := bytes.Replace(b, []byte("completionMode: Indexed"), []byte("completionMode: Indexed\n  completionIndex: 3"), 1)
	invalid := 0
	for _, res := range v.Validate("bad.yaml", io.NopCloser(bytes.NewReader(bad))) {
		if res.Status == validator.Invalid {
			invalid++
		}
	}
	if invalid != 1 {
		t.Errorf("a Job with an unknown field: %d invalid documents, want 1", invalid)
	}
}

func statusName(s validator.Status) string {
	switch s {
	case validator.Valid:
		return "valid"
	case validator.Invalid:
		return "invalid"
	case validator.Error:
		return "error"
	case validator.Skipped:
		return "skipped (no schema)"
	case validator.Empty:
		return "empty"
	}
	return "status " + strconv.Itoa(int(s))
}

// job is the part of the manifest's Job the mapping depends on.
type job struct {
	Kind string
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int
		Parallelism    int
		Template       struct {
			Spec struct {
				RestartPolicy string `yaml:"restartPolicy"`
				Containers    []struct {
					Image     string
					Args      []string
					Env       []struct{ Name, Value string }
					Resources struct {
						Requests map[string]string
						Limits   map[string]string
					}
					VolumeMounts []struct {
						Name      string
						MountPath string `yaml:"mountPath"`
						ReadOnly  bool   `yaml:"readOnly"`
					} `yaml:"volumeMounts"`
				}
			}
		}
	}
}

// readJob reads the manifest's Job.
func readJob(t *testing.T) job {
	t.Helper()
	b, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var j job
		err := dec.Decode(&j)
		if errors.Is(err, io.EOF) {
			t.Fatal("no Job in the manifest")
		}
		if err != nil {
			t.Fatal(err)
		}
		if j.Kind == "Job" {
			return j
		}
	}
}

// TestIndexedJobShards: the pods of the manifest's Job — each with its
// JOB_COMPLETION_INDEX and the environment the manifest gives — are the
// shards 0..completions-1 of VLMASK_SHARDS, which together own every row
// of a dataset exactly once; the pod writes where its volume is mounted,
// asks for a GPU and runs the image the Dockerfile builds.
func TestIndexedJobShards(t *testing.T) {
	j := readJob(t)
	if j.Spec.CompletionMode != "Indexed" || j.Spec.Completions < 1 || len(j.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("job spec %+v", j.Spec)
	}
	c := j.Spec.Template.Spec.Containers[0]
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	count, err := strconv.Atoi(env[dataset.EnvShards])
	if err != nil || count != j.Spec.Completions {
		t.Fatalf("%s=%q, completions %d: they must be equal", dataset.EnvShards, env[dataset.EnvShards], j.Spec.Completions)
	}
	f := &dataset.File{}
	for i := range 500 {
		f.Rows = append(f.Rows, dataset.Row{ID: "row-" + strconv.Itoa(i)})
	}
	owners := map[string]int{}
	for index := range j.Spec.Completions {
		podEnv := map[string]string{dataset.EnvJobCompletionIndex: strconv.Itoa(index)}
		for k, v := range env {
			podEnv[k] = v
		}
		// What vlmask does in the pod: --shards comes from VLMASK_SHARDS.
		shards, _ := strconv.Atoi(podEnv[dataset.EnvShards])
		s, how, err := dataset.ResolveShard(dataset.ShardRequest{Count: shards, Getenv: func(k string) string { return podEnv[k] }})
		if err != nil || s != (dataset.Shard{Index: index, Count: count}) || !strings.Contains(how, "Indexed Job") {
			t.Fatalf("pod %d: shard %v (%s), %v", index, s, how, err)
		}
		for _, r := range f.Select(s) {
			owners[r.ID]++
		}
	}
	for _, r := range f.Rows {
		if owners[r.ID] != 1 {
			t.Fatalf("row %s is owned by %d pods", r.ID, owners[r.ID])
		}
	}
	if c.Resources.Limits["nvidia.com/gpu"] != "1" || env["VLMASK_DEVICE"] != "cuda" {
		t.Errorf("the pod asks for GPU %q with device %q", c.Resources.Limits["nvidia.com/gpu"], env["VLMASK_DEVICE"])
	}
	mounted := func(p string) bool {
		for _, m := range c.VolumeMounts {
			if !m.ReadOnly && strings.HasPrefix(p, m.MountPath+"/") {
				return true
			}
		}
		return false
	}
	if !mounted(env["VLMASK_OUTPUT"]) {
		t.Errorf("VLMASK_OUTPUT %s is not on a writable volume", env["VLMASK_OUTPUT"])
	}
	if len(c.Args) == 0 || c.Args[0] != "run" || j.Spec.Template.Spec.RestartPolicy != "Never" {
		t.Errorf("args %v, restart policy %s", c.Args, j.Spec.Template.Spec.RestartPolicy)
	}
	target := c.Image[strings.LastIndex(c.Image, ":")+1:]
	docker, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^FROM \S+ AS ` + regexp.QuoteMeta(target) + `$`).Match(docker) {
		t.Errorf("image %s: the Dockerfile has no target %q", c.Image, target)
	}
}

package deploy_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vlmask/vlmask/internal/testenv"
)

// slurmTools are the programs a single-node cluster needs.
var slurmTools = []string{"slurmctld", "slurmd", "sbatch", "squeue", "scancel", "scontrol", "sinfo", "munged", "mungekey"}

// cluster is a single-node Slurm cluster that a test started in its own
// temporary directory: its own munge key and socket, slurmctld and slurmd
// on free loopback ports, state and spool directories, one node with this
// machine's CPUs and memory in one partition.
type cluster struct {
	t    testing.TB
	dir  string
	conf string
}

// startCluster installs Slurm if it must and can (root, apt-get:
// scripts/install-slurm.sh), starts the cluster and stops it when the test
// ends, cancelling its jobs first.
func startCluster(t *testing.T, repo string) *cluster {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the Slurm test runs on Linux")
	}
	if os.Getuid() != 0 {
		testenv.Missing(t, "the Slurm test needs root: slurmd starts jobs as their user, and the test installs slurm-wlm with apt-get")
	}
	if missingTools() != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, filepath.Join(repo, "scripts", "install-slurm.sh")).CombinedOutput()
		if m := missingTools(); err != nil || m != "" {
			testenv.Missing(t, "Slurm is not installed (%s) and scripts/install-slurm.sh could not install it: %v\n%s", m, err, out)
		}
	}
	c := &cluster{t: t, dir: t.TempDir()}
	for _, d := range []string{"munge", "state", "spool", "log"} {
		if err := os.MkdirAll(filepath.Join(c.dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	key := filepath.Join(c.dir, "munge", "munge.key")
	c.mustRun("mungekey", "--create", "--keyfile", key)
	sock := filepath.Join(c.dir, "munge", "munge.sock")
	c.mustRun("munged", "--force", "--key-file="+key, "--socket="+sock, "--pid-file="+filepath.Join(c.dir, "munge", "munged.pid"),
		"--log-file="+filepath.Join(c.dir, "log", "munged.log"), "--seed-file="+filepath.Join(c.dir, "munge", "munged.seed"))
	t.Cleanup(func() { c.killPidFile(filepath.Join(c.dir, "munge", "munged.pid")) })

	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	c.conf = filepath.Join(c.dir, "slurm.conf")
	conf := fmt.Sprintf(`ClusterName=vlmasktest
SlurmctldHost=%[1]s(127.0.0.1)
SlurmctldPort=%[2]d
SlurmdPort=%[3]d
AuthType=auth/munge
AuthInfo=socket=%[4]s
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=%[5]s/state
SlurmdSpoolDir=%[5]s/spool
SlurmctldPidFile=%[5]s/slurmctld.pid
SlurmdPidFile=%[5]s/slurmd.pid
SlurmctldLogFile=%[5]s/log/slurmctld.log
SlurmdLogFile=%[5]s/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
KillWait=10
NodeName=vlmasknode NodeAddr=127.0.0.1 NodeHostname=%[1]s CPUs=%[6]d RealMemory=%[7]d State=UNKNOWN
PartitionName=test Nodes=vlmasknode Default=YES MaxTime=INFINITE State=UP
`, host, freePort(t), freePort(t), sock, c.dir, runtime.NumCPU(), memoryMB(t))
	if err := os.WriteFile(c.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	c.mustRun("slurmctld", "-f", c.conf, "-i")
	t.Cleanup(c.stop)
	c.mustRun("slurmd", "-f", c.conf, "-N", "vlmasknode")
	c.waitFor(time.Minute, "the node to be idle", func() bool {
		out, _ := c.run("sinfo", "-h", "-o", "%T")
		return strings.TrimSpace(out) == "idle"
	})
	return c
}

func missingTools() string {
	var missing []string
	for _, b := range slurmTools {
		if _, err := exec.LookPath(b); err != nil {
			missing = append(missing, b)
		}
	}
	return strings.Join(missing, " ")
}

// env is the environment of Slurm commands and of the jobs they submit.
func (c *cluster) env() []string { return append(os.Environ(), "SLURM_CONF="+c.conf) }

func (c *cluster) run(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = c.env()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func (c *cluster) mustRun(name string, args ...string) string {
	c.t.Helper()
	out, err := c.run(name, args...)
	if err != nil {
		c.t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, c.logs())
	}
	return out
}

// sbatch submits a batch script and returns the job id.
func (c *cluster) sbatch(args ...string) string {
	c.t.Helper()
	out := c.mustRun("sbatch", append([]string{"--parsable"}, args...)...)
	id, _, _ := strings.Cut(strings.TrimSpace(out), ";")
	if _, err := strconv.Atoi(id); err != nil {
		c.t.Fatalf("sbatch printed %q", out)
	}
	return id
}

// tasks lists a job's array tasks still queued or running: id → state.
func (c *cluster) tasks(job string) map[string]string {
	out, err := c.run("squeue", "-h", "-r", "-j", job, "-o", "%i %T")
	if err != nil && !strings.Contains(out, "Invalid job id") {
		c.t.Fatalf("squeue: %v\n%s", err, out)
	}
	states := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 {
			states[f[0]] = f[1]
		}
	}
	return states
}

// waitJob waits until none of the job's tasks (or the one task job_i) is
// queued or running.
func (c *cluster) waitJob(job string, within time.Duration) {
	c.t.Helper()
	base, task, isTask := strings.Cut(job, "_")
	c.waitFor(within, "job "+job+" to end", func() bool {
		states := c.tasks(base)
		if !isTask {
			return len(states) == 0
		}
		_, queued := states[base+"_"+task]
		return !queued
	})
}

func (c *cluster) waitFor(within time.Duration, what string, done func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(within)
	for !done() {
		if time.Now().After(deadline) {
			c.t.Fatalf("waited %v for %s\n%s", within, what, c.logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// logs is the tail of the daemons' logs and the queue, for failures.
func (c *cluster) logs() string {
	var b strings.Builder
	q, _ := c.run("squeue", "-a", "-r")
	fmt.Fprintf(&b, "--- squeue\n%s", q)
	for _, name := range []string{"slurmctld.log", "slurmd.log", "munged.log"} {
		data, _ := os.ReadFile(filepath.Join(c.dir, "log", name))
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		fmt.Fprintf(&b, "--- %s (last lines)\n%s\n", name, strings.Join(lines[max(0, len(lines)-25):], "\n"))
	}
	return b.String()
}

// stop cancels every job, waits for them to end (so no job step outlives
// the test), shuts the daemons down and kills what is left of them.
func (c *cluster) stop() {
	c.run("scancel", "--full", "--user=root")
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out, err := c.run("squeue", "-h")
		if err == nil && strings.TrimSpace(out) == "" {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	c.run("scontrol", "shutdown")
	for _, pid := range []string{"slurmd.pid", "slurmctld.pid"} {
		c.killPidFile(filepath.Join(c.dir, pid))
	}
}

// killPidFile stops the daemon whose pid file this cluster wrote: SIGTERM,
// then SIGKILL if it is still there after five seconds.
func (c *cluster) killPidFile(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		return
	}
	if syscall.Kill(pid, syscall.SIGTERM) != nil {
		return
	}
	for range 50 {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
}

// freePort is a TCP port on 127.0.0.1 that nothing listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// memoryMB is the node's memory for slurm.conf: the machine's, less 1 GiB.
func memoryMB(t testing.TB) int {
	t.Helper()
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.Atoi(f[1])
			return max(1024, kb/1024-1024)
		}
	}
	t.Fatal("no MemTotal in /proc/meminfo")
	return 0
}

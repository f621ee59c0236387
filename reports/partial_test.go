package reports

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

// slowEnv names the partial file the child process of TestShardKilled
// writes; the child is this test binary running TestShardChild.
const slowEnv = "INFOGAIN_TEST_SHARD_CHILD"

// slowImpl is goodFused, sleeping on every case so that a shard takes long
// enough to be killed mid-way. Sleeping does not change any result.
var slowImpl = func() *impls.Impl {
	im := *goodFused
	im.Name = "fused-slow"
	f := im.F64
	im.F64 = func(dst, x, h []float64) float64 {
		time.Sleep(3 * time.Millisecond)
		return f(dst, x, h)
	}
	return &im
}()

// killConfig: 240 cases, one worker, a checkpoint every 8 cases.
func killConfig() Config {
	cfg := testConfig(testRef, slowImpl, brokenFused2())
	cfg.Families = []string{"moderate", "dominant", "nonfinite"}
	cfg.DTypes = []cases.DType{cases.Float64}
	cfg.Workers = 1
	return cfg
}

var killShard = Shard{I: 1, N: 2}

const killEvery = 8

// TestShardChild is the process TestShardKilled kills; it does nothing in
// an ordinary test run.
func TestShardChild(t *testing.T) {
	path := os.Getenv(slowEnv)
	if path == "" {
		t.Skip("only run as the child of TestShardKilled")
	}
	if _, err := RunShard(context.Background(), killConfig(), ShardOptions{Shard: killShard, Path: path, CheckpointEvery: killEvery}); err != nil {
		t.Fatal(err)
	}
}

// TestShardKilled: a shard run in a real process, killed with SIGKILL after
// its second checkpoint, then run again on the same file, ends with the
// same bytes as an uninterrupted run — nothing lost, nothing counted twice.
func TestShardKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess and waits for it (about 1 s)")
	}
	dir := t.TempDir()
	want := filepath.Join(dir, "uninterrupted.jsonl")
	if _, err := RunShard(context.Background(), killConfig(), ShardOptions{Shard: killShard, Path: want, CheckpointEvery: killEvery}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, PartialName(killShard))
	cmd := exec.Command(os.Args[0], "-test.run=^TestShardChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), slowEnv+"="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		b, _ := os.ReadFile(path)
		if bytes.Count(b, []byte(`"checkpoint"`)) >= 2 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("the child wrote no second checkpoint in 60 s")
		}
		time.Sleep(time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the child was not killed by SIGKILL: %v", err)
	}
	killed, _ := os.ReadFile(path)
	if bytes.Contains(killed, []byte(`"done"`)) {
		t.Fatal("the child finished before it was killed: the test proves nothing")
	}
	// A write cut short by the kill (or a crash) leaves a torn line after
	// the checkpoint: add one, and a whole record, which must both go.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"k":99999,"s":[]}` + "\n" + `{"k":3,"s":[{"Impl":"te`)
	f.Close()

	res, err := RunShard(context.Background(), killConfig(), ShardOptions{Shard: killShard, Path: path, CheckpointEvery: killEvery})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed < 2*killEvery || res.Resumed >= res.Cases {
		t.Errorf("resumed after %d of %d cases, want mid-way (≥ %d)", res.Resumed, res.Cases, 2*killEvery)
	}
	got, _ := os.ReadFile(path)
	wantB, _ := os.ReadFile(want)
	if !bytes.Equal(got, wantB) {
		t.Errorf("the killed and resumed partial (%d bytes) differs from the uninterrupted one (%d bytes)", len(got), len(wantB))
	}
	// A complete file is left alone.
	res, err = RunShard(context.Background(), killConfig(), ShardOptions{Shard: killShard, Path: path, CheckpointEvery: killEvery})
	if err != nil || !res.AlreadyDone {
		t.Errorf("rerun of a complete shard: %+v, %v", res, err)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, wantB) {
		t.Error("rerunning a complete shard changed its file")
	}
}

// TestShardCancelled: a shard cancelled through its context after some
// cases resumes to the uninterrupted bytes (the in-process form of
// TestShardKilled, which -short skips).
func TestShardCancelled(t *testing.T) {
	cfg := testConfig(testRef, goodFused)
	cfg.Families = []string{"moderate", GridFamily}
	dir := t.TempDir()
	want := filepath.Join(dir, "want.jsonl")
	sh := Shard{0, 3}
	opt := ShardOptions{Shard: sh, Path: want, CheckpointEvery: 10}
	if _, err := RunShard(context.Background(), cfg, opt); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	cancelling := *goodFused
	f := cancelling.F64
	cancelling.F64 = func(dst, x, h []float64) float64 {
		if n++; n == 35 {
			cancel()
		}
		return f(dst, x, h)
	}
	cfg2 := cfg
	cfg2.Impls = []*impls.Impl{testRef, &cancelling}
	cfg2.Workers = 1
	opt.Path = filepath.Join(dir, "got.jsonl")
	if _, err := RunShard(ctx, cfg2, opt); err == nil {
		t.Fatal("a cancelled shard reported success")
	}
	res, err := RunShard(context.Background(), cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed == 0 || res.Resumed >= res.Cases {
		t.Errorf("resumed after %d of %d cases, want mid-way", res.Resumed, res.Cases)
	}
	a, _ := os.ReadFile(want)
	b, _ := os.ReadFile(opt.Path)
	if !bytes.Equal(a, b) {
		t.Error("cancelled and resumed partial differs from the uninterrupted one")
	}
}

// TestResumeRefusesOtherRun: a partial started by another command is not
// appended to.
func TestResumeRefusesOtherRun(t *testing.T) {
	cfg := testConfig(testRef)
	cfg.Families = []string{"moderate"}
	path := filepath.Join(t.TempDir(), "p.jsonl")
	if _, err := RunShard(context.Background(), cfg, ShardOptions{Shard: Shard{0, 2}, Path: path}); err != nil {
		t.Fatal(err)
	}
	cfg.Seed = 7
	_, err := RunShard(context.Background(), cfg, ShardOptions{Shard: Shard{0, 2}, Path: path})
	if err == nil || !strings.Contains(err.Error(), "Seed differs") {
		t.Errorf("resume with another seed: %v, want a Seed difference", err)
	}
	if err := os.WriteFile(path, []byte("garbage\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := RunShard(context.Background(), cfg, ShardOptions{Shard: Shard{0, 2}, Path: path}); err == nil {
		t.Error("resumed a file that is not a partial result")
	}
}

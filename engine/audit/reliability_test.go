package audit

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// child is the body of a re-executed test binary (AUDIT_CHILD=append): it appends
// AUDIT_CHILD_N records (forever if 0) from AUDIT_CHILD_WORKERS goroutines, every
// third call a batch of three, and prints "committed <id>" for each record once
// Append has returned.
func child(mode string) int {
	if mode != "append" {
		fmt.Fprintf(os.Stderr, "unknown child mode %q\n", mode)
		return 2
	}
	ctx := context.Background()
	s, err := openChildStore(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	if err := s.ArchivePolicies(ctx, testRevision, testPolicies); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	n, _ := strconv.Atoi(os.Getenv("AUDIT_CHILD_N"))
	workers, _ := strconv.Atoi(os.Getenv("AUDIT_CHILD_WORKERS"))
	var (
		mu     sync.Mutex
		wg     sync.WaitGroup
		failed bool
	)
	for w := range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; n == 0 || i < n; {
				size := 1
				if i%3 == 2 {
					size = min(3, n-i)
					if n == 0 {
						size = 3
					}
				}
				var recs []*RecordV1
				for j := range size {
					r, err := buildRecord("KAZ", w*1_000_000+i+j, "light_red", "critical")
					if err != nil {
						panic(err)
					}
					recs = append(recs, r)
				}
				err := s.Append(ctx, recs...)
				mu.Lock()
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					failed = true
				} else {
					for _, r := range recs {
						fmt.Fprintf(os.Stdout, "committed %s\n", r.DecisionID)
					}
				}
				mu.Unlock()
				i += size
			}
		}()
	}
	wg.Wait()
	if failed {
		return 1
	}
	return 0
}

func openChildStore(ctx context.Context) (Store, error) {
	if p := os.Getenv("AUDIT_CHILD_SQLITE"); p != "" {
		return OpenSQLite(ctx, p, SQLiteOptions{})
	}
	if dsn := os.Getenv("AUDIT_CHILD_PG"); dsn != "" {
		return openChildPG(ctx, dsn)
	}
	return nil, fmt.Errorf("child: no store given")
}

// childDeadline is how long an appending child may run.
const childDeadline = 2 * time.Minute

// startChild re-executes the test binary as an appending child.
func startChild(t *testing.T, b backend, s Store, n, workers int) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The child is killed if it has not exited within the deadline: nothing here can hang.
	ctx, cancel := context.WithTimeout(context.Background(), childDeadline)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), "AUDIT_CHILD=append", fmt.Sprintf("AUDIT_CHILD_N=%d", n),
		fmt.Sprintf("AUDIT_CHILD_WORKERS=%d", workers))
	cmd.Env = append(cmd.Env, b.childEnv(s)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, bufio.NewScanner(out)
}

func committedIDs(t *testing.T, sc *bufio.Scanner, limit int) []string {
	t.Helper()
	var ids []string
	for (limit == 0 || len(ids) < limit) && sc.Scan() {
		id, ok := strings.CutPrefix(sc.Text(), "committed ")
		if !ok {
			t.Errorf("child wrote %q", sc.Text())
			continue
		}
		ids = append(ids, id)
	}
	return ids
}

// checkHolds checks that the chain verifies and holds every id.
func checkHolds(t *testing.T, s Store, ids []string, wantRecords int64) {
	t.Helper()
	rep := mustVerify(t, s)
	if !rep.OK() {
		t.Fatalf("chain broken: %v", rep.Problem())
	}
	if wantRecords >= 0 && rep.Records != wantRecords {
		t.Errorf("verified %d records, want %d", rep.Records, wantRecords)
	}
	for _, id := range ids {
		if _, err := s.Get(context.Background(), id); err != nil {
			t.Errorf("committed decision missing: %v", err)
		}
	}
}

func TestConcurrentGoroutines(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t)
			archiveTest(t, s)
			const goroutines, each = 16, 20
			var wg sync.WaitGroup
			ids := make(chan string, goroutines*each*2)
			errs := make(chan error, goroutines*each)
			for g := range goroutines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range each {
						recs := []*RecordV1{simpleRecord(t, g*1000+i)}
						if i%4 == 0 { // some calls append a batch
							recs = append(recs, simpleRecord(t, g*1000+i+500))
						}
						if err := s.Append(context.Background(), recs...); err != nil {
							errs <- err
							continue
						}
						for _, r := range recs {
							ids <- r.DecisionID
						}
					}
				}()
			}
			wg.Wait()
			close(ids)
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			var all []string
			for id := range ids {
				all = append(all, id)
			}
			checkHolds(t, s, all, int64(len(all)))
		})
	}
}

func TestConcurrentProcesses(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t)
			const procs, workers, each = 4, 2, 25
			var ids []string
			var mu sync.Mutex
			var wg sync.WaitGroup
			for range procs {
				cmd, sc := startChild(t, b, s, each, workers)
				wg.Add(1)
				go func() {
					defer wg.Done()
					got := committedIDs(t, sc, 0)
					if err := cmd.Wait(); err != nil {
						t.Errorf("child: %v", err)
					}
					mu.Lock()
					ids = append(ids, got...)
					mu.Unlock()
				}()
			}
			wg.Wait()
			if len(ids) != procs*workers*each {
				t.Errorf("children committed %d records, want %d", len(ids), procs*workers*each)
			}
			checkHolds(t, s, ids, procs*workers*each)
		})
	}
}

// TestKilledWriter kills an appending process with SIGKILL while it appends from
// several goroutines (batches of records in flight): the store must verify and hold
// every record the child reported committed.
func TestKilledWriter(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t)
			for round := range 3 {
				cmd, sc := startChild(t, b, s, 0, 4)
				ids := committedIDs(t, sc, 150+round*37)
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				cmd.Wait()
				if len(ids) < 150 {
					t.Fatalf("child committed only %d records before it stopped", len(ids))
				}
				checkHolds(t, b.reopen(t, s), ids, -1)
			}
		})
	}
}

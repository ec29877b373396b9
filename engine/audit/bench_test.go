package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/indicators"
)

// cloneRecords returns n copies of r, each with its own decision id; with distinct,
// each also with its own input (and so its own result), as if n different bundles
// had been assessed.
func cloneRecords(b *testing.B, r *RecordV1, n int, distinct bool) []*RecordV1 {
	b.Helper()
	out := make([]*RecordV1, n)
	for i := range out {
		c := *r
		c.DecisionID = uuid.Must(uuid.NewV7()).String()
		if distinct {
			marker := fmt.Sprintf(`"as_of":"2026-06-01","benchmark_case":%d,`, i)
			c.Input = json.RawMessage(strings.Replace(string(r.Input), `"as_of":"2026-06-01",`, marker, 1))
			c.InputDigest = indicators.Digest(c.Input)
			c.Result = json.RawMessage(strings.Replace(string(r.Result), r.InputDigest, c.InputDigest, 1))
			c.ResultDigest = indicators.Digest(c.Result)
			if bytes.Equal(c.Input, r.Input) || c.Check() != nil {
				b.Fatalf("cannot make distinct records: %v", c.Check())
			}
		}
		out[i] = &c
	}
	return out
}

// BenchmarkAppend measures durable appends: every Append returns after its commit is
// on disk (WAL, synchronous=FULL, fsync). "appends/s" is records per second.
//
//   - one-caller: one goroutine, one record per call: one fsync per record.
//   - 16-callers: 16 goroutines, one record per call: concurrent calls are committed
//     together (group commit), each caller still waits for its own commit.
//   - batch-100: one goroutine appending 100 records per call.
//
// small records are ~1 KB, each with its own input. kaz records are a real Kazakhstan
// decision (~80 KB of canonical input and result): kaz-distinct gives each record its
// own input and result, as assessing many bundles does; kaz-repeated records the same
// bundle again and again, whose input and result the store keeps once.
func BenchmarkAppend(b *testing.B) {
	small := simpleRecord(b, 1)
	kaz := assessRecord(b, embeddedEngine(b), 1)
	for _, rc := range []struct {
		name     string
		rec      *RecordV1
		distinct bool
	}{{"small", small, true}, {"kaz-distinct", kaz, true}, {"kaz-repeated", kaz, false}} {
		for _, mode := range []string{"one-caller", "16-callers", "batch-100"} {
			b.Run(rc.name+"/"+mode, func(b *testing.B) {
				ctx := context.Background()
				s := openSQLite(b, filepath.Join(b.TempDir(), "audit.db"))
				files := testPolicies
				if rc.rec.PolicyRevision != testRevision {
					files = embeddedEngine(b).Policies().Files
				}
				if err := s.ArchivePolicies(ctx, rc.rec.PolicyRevision, files); err != nil {
					b.Fatal(err)
				}
				n := b.N
				if mode == "batch-100" {
					n = b.N * 100
				}
				recs := cloneRecords(b, rc.rec, n, rc.distinct)
				b.SetBytes(int64(len(rc.rec.Input) + len(rc.rec.Result)))
				b.ResetTimer()
				switch mode {
				case "one-caller":
					for _, r := range recs {
						if err := s.Append(ctx, r); err != nil {
							b.Fatal(err)
						}
					}
				case "16-callers":
					next := make(chan *RecordV1, len(recs))
					for _, r := range recs {
						next <- r
					}
					close(next)
					b.SetParallelism((16 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if err := s.Append(ctx, <-next); err != nil {
								b.Error(err)
								return
							}
						}
					})
				case "batch-100":
					for i := 0; i < len(recs); i += 100 {
						if err := s.Append(ctx, recs[i:i+100]...); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "appends/s")
				if rep := mustVerify(b, s); !rep.OK() || rep.Records != int64(n) {
					b.Fatalf("after the benchmark: %+v %v", rep, rep.Problem())
				}
			})
		}
	}
}

// BenchmarkReplay measures replaying recorded Kazakhstan decisions with the archived
// policies (the engine is prepared once per revision and cached).
//
//   - one: replay one record already read (evaluation and comparison only).
//   - from-store: ReplayAll over 500 stored decisions per op on GOMAXPROCS workers,
//     reading them from the store, each op with a new replayer (nothing cached from an
//     earlier op); "s/10k" extrapolates to 10,000 decisions, plus preparing the revision's
//     engine once ("prepare-ms", timed apart); "cpu-s/10k" is the process's CPU time in
//     the timed part, per 10,000. Every decision has its own input, as 10,000 decisions
//     on different bundles would.
//   - repeats: from-store over a store whose 500 decisions share 50 inputs (and results),
//     ten each, as a server's log repeats bundles.
//   - walk: the store's part of from-store alone (reading and checking the records).
//
// minimal uses testdata/policies (trivial rules: the cost of replay itself); embedded
// uses the real policies (replay costs one real assessment more), with each evaluator.
func BenchmarkReplay(b *testing.B) {
	b.Run("minimal", func(b *testing.B) { benchmarkReplay(b, minimalEngine(b)) })
	for _, ev := range []string{engine.EvaluatorCompiled, engine.EvaluatorOPA} {
		b.Run("embedded/evaluator="+ev, func(b *testing.B) {
			benchmarkReplay(b, embeddedEngine(b), engine.WithEvaluator(ev))
		})
	}
}

func benchmarkReplay(b *testing.B, e *engine.Engine, opts ...engine.Option) {
	ctx := context.Background()
	s := openSQLite(b, filepath.Join(b.TempDir(), "audit.db"))
	const stored = 500
	if err := s.ArchivePolicies(ctx, e.Policies().Revision, e.Policies().Files); err != nil {
		b.Fatal(err)
	}
	recs := cloneRecords(b, assessRecord(b, e, 1), stored, true)
	if err := s.Append(ctx, recs...); err != nil {
		b.Fatal(err)
	}
	rp := NewReplayer(s, opts...)
	b.Run("one", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			out, err := rp.Replay(ctx, recs[i%stored])
			if err != nil || !out.Match {
				b.Fatalf("replay: %v", err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "replays/s")
	})
	b.Run("walk", func(b *testing.B) {
		// The store's part of from-store alone: every record read and checked against its
		// hash and digests as a new replayer does, on the walking goroutine, nothing
		// evaluated. "cpu-us/record" is the process's CPU time per record.
		cpu0 := cpuTime()
		n := 0
		for b.Loop() {
			var checked checkedDocuments
			if err := s.Walk(ctx, Filter{}, func(r *RecordV1) error {
				n++
				_, err := checked.checkIntact(r)
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(n), "cpu-us/record")
	})
	b.Run("from-store", func(b *testing.B) { replayStore(b, s, e, opts) })
	// repeats: a store as a server's log is, where many decisions share their input (the same
	// bundle assessed again) and result: 500 decisions on 50 inputs, ten each.
	shared := openSQLite(b, filepath.Join(b.TempDir(), "shared.db"))
	if err := shared.ArchivePolicies(ctx, e.Policies().Revision, e.Policies().Files); err != nil {
		b.Fatal(err)
	}
	inputs := recs[:stored/10]
	repeats := make([]*RecordV1, stored)
	for i := range repeats {
		c := *inputs[i%len(inputs)]
		c.DecisionID = uuid.Must(uuid.NewV7()).String()
		repeats[i] = &c
	}
	if err := shared.Append(ctx, repeats...); err != nil {
		b.Fatal(err)
	}
	b.Run("repeats", func(b *testing.B) { replayStore(b, shared, e, opts) })
}

// replayStore measures ReplayAll over every record of s per op, on GOMAXPROCS workers,
// each op with a new replayer (BenchmarkReplay from-store).
func replayStore(b *testing.B, s Store, e *engine.Engine, opts []engine.Option) {
	ctx := context.Background()
	// The collector as replay --all sets it (cmd/exportrisk/gc.go, applyBatchGC): GOGC 400
	// and a soft limit of 1 GiB, unless GOGC or GOMEMLIMIT is set.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 30))
	}
	// Every op is a run of replay --all as a new process makes it: a new replayer with
	// the revision's engine prepared (the policies planned) before the clock runs, so
	// that no op finds the inputs or documents an earlier op read in the replayer's or
	// the engine's caches. Preparing is timed alone and added once to "s/10k".
	var prepare time.Duration
	var cpu time.Duration
	n := 0
	for b.Loop() {
		b.StopTimer()
		fresh := NewReplayer(s, opts...)
		start := time.Now()
		if _, _, err := fresh.Engine(ctx, e.Policies().Revision); err != nil {
			b.Fatal(err)
		}
		prepare = time.Since(start)
		runtime.GC() // what an earlier op left is not this op's garbage
		b.StartTimer()
		cpu0 := cpuTime()
		err := fresh.ReplayAll(ctx, Filter{}, runtime.GOMAXPROCS(0), func(_ *RecordV1, out *Outcome, err error) {
			if err != nil || !out.Match {
				b.Errorf("replay: %v", err)
			}
			n++
		})
		cpu += cpuTime() - cpu0
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "replays/s")
	b.ReportMetric(b.Elapsed().Seconds()/float64(n)*10_000+prepare.Seconds(), "s/10k")
	b.ReportMetric(float64(prepare.Milliseconds()), "prepare-ms")
	// On a shared machine the wall clock also counts other processes' turns: the CPU
	// time the process used in the loop (every worker, the walk, the collector) says
	// what replaying costs.
	b.ReportMetric(cpu.Seconds()/float64(n)*10_000, "cpu-s/10k")
}

// bigStoreSize is the size of the log the transparency benchmarks work on.
const bigStoreSize = 100_000

var bigStore struct {
	once sync.Once
	path string
	err  error
}

// bigStorePath builds, once per benchmark run, a SQLite store of bigStoreSize small
// records (each with its own ~1 KB input and result), appended 1,000 per call.
func bigStorePath(b *testing.B) string {
	b.Helper()
	bigStore.once.Do(func() {
		dir, err := os.MkdirTemp("", "exportrisk-bench-")
		if err != nil {
			bigStore.err = err
			return
		}
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		bigStore.path = filepath.Join(dir, "audit.db")
		s, err := OpenSQLite(context.Background(), bigStore.path, SQLiteOptions{Create: true})
		if err != nil {
			bigStore.err = err
			return
		}
		defer s.Close()
		if err := s.ArchivePolicies(context.Background(), testRevision, testPolicies); err != nil {
			bigStore.err = err
			return
		}
		for i := 0; i < bigStoreSize; i += 1000 {
			recs := make([]*RecordV1, 1000)
			for j := range recs {
				if recs[j], err = buildRecord("KAZ", i+j, "light_red", "not_critical", "critical"); err != nil {
					bigStore.err = err
					return
				}
			}
			if err := s.Append(context.Background(), recs...); err != nil {
				bigStore.err = err
				return
			}
		}
	})
	if bigStore.err != nil {
		b.Fatal(bigStore.err)
	}
	return bigStore.path
}

// cleanups run after the benchmarks (TestMain).
var cleanups []func()

// BenchmarkVerify measures Verify over the whole 100,000-record log (every record, its
// documents, the policy archive, the Merkle tree recomputed and compared with the
// stored one, and one checkpoint); "records/s" is the throughput.
func BenchmarkVerify(b *testing.B) {
	ctx := context.Background()
	s := openSQLite(b, bigStorePath(b))
	key := logKey(b, "bench.example.org/exportrisk")
	signed, _, err := Sign(ctx, s, key, "")
	if err != nil {
		b.Fatal(err)
	}
	opts := VerifyOptions{Checkpoints: []CheckpointSource{{Source: "bench", Signed: signed}}, Key: key.Verifier()}
	cpu0 := cpuTime()
	for b.Loop() {
		rep, err := Verify(ctx, s, opts)
		if err != nil || !rep.OK() || rep.Records != bigStoreSize {
			b.Fatalf("verify: %v %v", err, rep.Problem())
		}
	}
	b.ReportMetric(float64(b.N*bigStoreSize)/b.Elapsed().Seconds(), "records/s")
	// On a shared machine the wall clock also counts other processes' turns; the
	// process's own CPU time says what verify costs.
	b.ReportMetric(float64(b.N*bigStoreSize)/(cpuTime()-cpu0).Seconds(), "records/cpu-s")
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCheckpoint measures signing a checkpoint of the 100,000-record log (root
// from the stored tree hashes, Ed25519 signature), without and with a witness directory
// (consistency proof from the previous checkpoint, new tiles, files synced).
func BenchmarkCheckpoint(b *testing.B) {
	ctx := context.Background()
	s := openSQLite(b, bigStorePath(b))
	key := logKey(b, "bench.example.org/exportrisk")
	b.Run("sign", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := Sign(ctx, s, key, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sign+witness", func(b *testing.B) {
		dir := b.TempDir()
		if _, _, err := Sign(ctx, s, key, dir); err != nil { // the first writes every tile
			b.Fatal(err)
		}
		for b.Loop() {
			if _, _, err := Sign(ctx, s, key, dir); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkProve measures making (and checking) the inclusion proof of a decision in
// the 100,000-record log, and checking a proof alone (what check-proof does).
func BenchmarkProve(b *testing.B) {
	ctx := context.Background()
	s := openSQLite(b, bigStorePath(b))
	key := logKey(b, "bench.example.org/exportrisk")
	signed, _, err := Sign(ctx, s, key, "")
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	if err := s.Walk(ctx, Filter{FromSeq: 40_000, ToSeq: 40_099, Light: true}, func(r *RecordV1) error {
		ids = append(ids, r.DecisionID)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	var p *Proof
	b.Run("prove", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if p, err = Prove(ctx, s, ids[i%len(ids)], signed, key.Verifier()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("check", func(b *testing.B) {
		for b.Loop() {
			if _, err := CheckProof(p, key.Verifier()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEvidenceEvents measures what a server does at start to know the evidence
// proposals waiting: read every evidence event back from a log of 100,000 decisions (a
// scan selecting record_version 3; the decisions are skipped by the database).
func BenchmarkEvidenceEvents(b *testing.B) {
	s := openSQLite(b, bigStorePath(b))
	log := &EvidenceLog{Store: s}
	for b.Loop() {
		if _, err := log.Events(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

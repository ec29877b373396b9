package engine

import (
	"io/fs"
	"syscall"
	"testing"
	"time"

	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/evidence"
)

// BenchmarkReadRecorded times reading a recorded input into the compiled evaluator's input
// and the bundle, as replay reads every input it has not read before: the parse, the proof
// that the text is canonical, the bundle. "kaz" reads the Kazakhstan bundle's canonical JSON
// (41 KB, rich in evidence) again and again; "world" the current bundle of every country with
// the evidence register merged (as assess --all records them, 10-40 KB) in turn. "cpu-us/op"
// is the process's CPU time in the loop per op (the collector's included; on a shared
// machine the wall clock also counts other processes' turns).
func BenchmarkReadRecorded(b *testing.B) {
	bd, err := indicators.LoadFile("../fixtures/curated/KAZ-2026-06-01.yaml")
	if err != nil {
		b.Fatal(err)
	}
	kaz, err := indicators.Canonicalize(bd)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("kaz", func(b *testing.B) { benchmarkReadRecorded(b, [][]byte{kaz}) })
	b.Run("world", func(b *testing.B) { benchmarkReadRecorded(b, worldInputs(b)) })
}

func benchmarkReadRecorded(b *testing.B, inputs [][]byte) {
	size := 0
	for _, in := range inputs {
		size += len(in)
	}
	b.SetBytes(int64(size / len(inputs)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	i := 0
	for b.Loop() {
		v, rb, err := readRecorded(inputs[i%len(inputs)])
		if err != nil || v == nil || rb == nil {
			b.Fatalf("read: %v, value %v, bundle %v", err, v != nil, rb != nil)
		}
		i++
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-us/op")
}

// worldInputs are the canonical JSON of every country's current shipped bundle with the
// shipped evidence register merged.
func worldInputs(b testing.TB) [][]byte {
	sub, err := fs.Sub(fixtures.Evidence, "evidence")
	if err != nil {
		b.Fatal(err)
	}
	reg, err := evidence.Load(sub, "evidence", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		b.Fatal(err)
	}
	lib = lib.WithEvidence(reg)
	var out [][]byte
	for _, iso := range lib.Countries() {
		entry, err := lib.Find(iso, "")
		if err != nil {
			b.Fatal(err)
		}
		bd, err := lib.Load(entry)
		if err != nil {
			b.Fatal(err)
		}
		in, err := bd.CanonicalJSON()
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, in)
	}
	if len(out) < 190 {
		b.Fatalf("only %d countries in the shipped library", len(out))
	}
	return out
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

package engine

import (
	"syscall"
	"testing"
	"time"

	"github.com/exportrisk/exportrisk/indicators"
)

// BenchmarkReadRecorded times reading a recorded input (the Kazakhstan bundle's canonical
// JSON) into the compiled evaluator's input and the bundle, as replay reads every input it
// has not read before: the parse, the proof that the text is canonical, the bundle.
// "cpu-us/op" is the process's CPU time in the loop per op (the collector's included; on a
// shared machine the wall clock also counts other processes' turns).
func BenchmarkReadRecorded(b *testing.B) {
	bd, err := indicators.LoadFile("../fixtures/curated/KAZ-2026-06-01.yaml")
	if err != nil {
		b.Fatal(err)
	}
	canonical, err := indicators.Canonicalize(bd)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(canonical)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		v, rb, err := readRecorded(canonical)
		if err != nil || v == nil || rb == nil {
			b.Fatalf("read: %v, value %v, bundle %v", err, v != nil, rb != nil)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-us/op")
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

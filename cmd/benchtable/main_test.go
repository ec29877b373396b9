package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTable: the table reads go test -bench output (opa bench's gobench lines included) and
// puts each measure beside its references with the ratios.
func TestTable(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "bench.txt")
	err := os.WriteFile(in, []byte(`goos: linux
BenchmarkOPAEval	     468	   2400000 ns/op	  298822 B/op	    5892 allocs/op
BenchmarkEvaluate/evaluator=opa-2         	     543	   2200000 ns/op	  289812 B/op	    5701 allocs/op
BenchmarkEvaluate/evaluator=compiled-2    	    3261	    200000 ns/op	  39933 B/op	     857 allocs/op
BenchmarkServeAssessments/country/clients=8-2   5000   300000 ns/op   3000 assessments/s   2.5 p50-ms   9.0 p99-ms   0 errors
BenchmarkOPAServer-2   5000   200000 ns/op   1500 assessments/s   4.0 p50-ms   12.0 p99-ms   0 errors
PASS
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{"table", in}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| policy evaluation, Kazakhstan | 200 µs | 2200 µs | 2400 µs | 11.00× faster | 12.00× faster |",
		"| allocations of that evaluation | 857 allocs | 5701 allocs | 5892 allocs | 6.65× fewer | 6.88× fewer |",
		"| server with recording, 8 clients (opa: `opa run --server`, no recording) | 3000 /s | – | 1500 /s | – | 2.00× |",
		"| p99 latency of those requests | 9.00 ms | – | 12.0 ms | – | 1.33× faster |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "whole world") {
		t.Errorf("a row without results is printed:\n%s", out.String())
	}
}

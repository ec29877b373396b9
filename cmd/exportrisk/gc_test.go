package main

import (
	"runtime/debug"
	"testing"
)

// replay --all and policy impact run with the server's default collector, unless the
// environment sets GOGC or GOMEMLIMIT.
func TestApplyBatchGC(t *testing.T) {
	gc, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(gc); debug.SetMemoryLimit(limit) })
	for _, tc := range []struct {
		name, gogc, gomemlimit string
		gc                     int
		limit                  int64
	}{
		{"defaults", "", "", defaultGCPercent, defaultMemoryLimitMiB << 20},
		{"environment wins", "150", "512MiB", 100, 1 << 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", tc.gomemlimit)
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(1 << 40)
			applyBatchGC()
			if got := debug.SetGCPercent(100); got != tc.gc {
				t.Errorf("GC percent %d, want %d", got, tc.gc)
			}
			if got := debug.SetMemoryLimit(1 << 40); got != tc.limit {
				t.Errorf("memory limit %d, want %d", got, tc.limit)
			}
		})
	}
}

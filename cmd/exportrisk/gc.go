package main

import (
	"errors"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
)

// The server's garbage collector. An assessment allocates little and keeps nothing, while
// the server holds a live heap of some tens of MB (the engine, the bundle library, the
// world overview): the default GOGC=100 collects every time the heap grows by that much
// again, which costs CPU for nothing. The server runs with server.gc_percent (default 400)
// and a soft limit server.memory_limit_mib (default 1024 MiB) that makes the collector work
// harder only as the heap nears it. GOGC and GOMEMLIMIT in the environment, when set, win.
const (
	defaultGCPercent      = 400
	defaultMemoryLimitMiB = 1024
)

func (s ServerConfig) validateGC() error {
	var errs []error
	if s.GCPercent < 25 || s.GCPercent > 2000 {
		errs = append(errs, errors.New("server.gc_percent: want 25 to 2000"))
	}
	if s.MemoryLimitMiB < 0 || (s.MemoryLimitMiB > 0 && s.MemoryLimitMiB < 64) {
		errs = append(errs, errors.New("server.memory_limit_mib: want 0 (no limit) or at least 64"))
	}
	return errors.Join(errs...)
}

// applyGC sets the collector for the server unless the environment does.
func applyGC(s ServerConfig) {
	gc, limit := "GOGC (environment)", "GOMEMLIMIT (environment)"
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(s.GCPercent)
		gc = strconv.Itoa(s.GCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		limit = "none"
		if s.MemoryLimitMiB > 0 {
			debug.SetMemoryLimit(s.MemoryLimitMiB << 20)
			limit = strconv.FormatInt(s.MemoryLimitMiB, 10) + " MiB"
		}
	}
	slog.Info("garbage collector", "gc_percent", gc, "memory_limit", limit)
}

// applyBatchGC sets the server's default collector for a command that assesses thousands of
// bundles in one run (replay --all, policy impact), for the same reason: a small live heap
// and much short-lived garbage (GOGC 400 takes a fifth to a third less CPU there). GOGC and
// GOMEMLIMIT in the environment win. It logs nothing: the command's output is its own.
func applyBatchGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimitMiB << 20)
	}
}

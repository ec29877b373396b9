//go:build unix

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
)

// minStoreFree is the free space below which the SQLite store is reported as unable to
// take decisions (/readyz 503): a full decision writes about 160 KB.
const minStoreFree = 64 << 20

// sqliteWritable tells /readyz whether the SQLite store at path can take a decision: its
// file and directory are writable (not a read-only mount or file) and its file system has
// minStoreFree bytes free.
func sqliteWritable(path string) func(context.Context) error {
	return func(context.Context) error {
		for _, p := range []string{path, filepath.Dir(path)} {
			if err := syscall.Access(p, 2 /* W_OK */); err != nil {
				return fmt.Errorf("audit store %s: not writable: %w", p, err)
			}
		}
		var st syscall.Statfs_t
		if err := syscall.Statfs(filepath.Dir(path), &st); err != nil {
			return fmt.Errorf("audit store %s: %w", path, err)
		}
		if free := uint64(st.Bavail) * uint64(st.Bsize); free < minStoreFree {
			return fmt.Errorf("audit store %s: %d bytes free, want at least %d", path, free, minStoreFree)
		}
		return nil
	}
}

//go:build race

package engine

// raceEnabled: the tests run under the race detector (make race), where the sequential
// differential tests are left to make test.
const raceEnabled = true

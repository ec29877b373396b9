// Package policies embeds the default assessment policies: the Rego modules of the eight
// criteria, their shared library and the entrypoint, their Rego tests, and data.yaml with every
// threshold, window and list the rules read (data.thresholds) and the display names the engine
// uses when it renders messages (data.labels). The engine loads them with OPA's loader.
package policies

import "embed"

// FS holds data.yaml and every .rego file, tests (*_test.rego) included, under their paths
// relative to this directory (e.g. "criteria/c2/c2.rego").
//
//go:embed data.yaml lib/*.rego main/*.rego criteria/*/*.rego
var FS embed.FS

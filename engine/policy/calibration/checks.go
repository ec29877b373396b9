package calibration

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// pair is a bound that must be at least as strict as another one of the same criterion:
// for "at least" (>=) the key's value must not be below the other's, for "at most" (<=)
// not above it.
type pair struct {
	key, other string // paths under thresholds.
	atLeast    bool
	why        string
}

// pairs are the consistency rules between two values a JSON Schema cannot express.
var pairs = []pair{
	{"overall.dark_red_min_critical", "overall.light_red_min_critical", true,
		"dark red would need fewer critical criteria than light red"},
	{"c2.pts_severe_min", "c2.pts_concern_min", true,
		"the severe (critical) bound would be looser than the concern (possibly critical) bound"},
	{"c2.wgi_severe_max", "c2.wgi_concern_max", false,
		"the severe (critical) bound would be looser than the concern (possibly critical) bound"},
	{"c2.efw_severe_max", "c2.efw_concern_max", false,
		"the severe (critical) bound would be looser than the concern (possibly critical) bound"},
	{"c5.fsi_very_high_min", "c5.fsi_high_min", true,
		"the critical bound would be looser than the possibly critical bound"},
	{"c6.critical_min_gaps", "c6.possibly_critical_min_gaps", true,
		"the critical bound would be looser than the possibly critical bound"},
	{"c6.critical_min_key_gaps", "c6.possibly_critical_min_key_gaps", true,
		"the critical bound would be looser than the possibly critical bound"},
	{"c7.very_poor_sats_max", "c7.poor_sats_max", false,
		"the critical (very poor) bound would be looser than the possibly critical (poor) bound"},
	{"c7.state_diversion_window_years", "c7.diversion_window_years", false,
		"the critical window would be longer than the possibly critical window"},
	{"c8.critical_hdi_below", "c8.hdi_below", false,
		"the critical bound would be looser than the bound below which the criterion is rated"},
}

// reachable are counts that can never be reached when larger than the list they count.
var reachable = []struct{ key, list, what string }{
	{"c1.possibly_critical_min_gaps", "c1.instruments", "instruments"},
	{"c6.critical_min_gaps", "c6.conventions", "conventions"},
	{"c6.possibly_critical_min_gaps", "c6.conventions", "conventions"},
	{"c6.critical_min_key_gaps", "c6.key_conventions", "key conventions"},
	{"c6.possibly_critical_min_key_gaps", "c6.key_conventions", "key conventions"},
}

const th = "thresholds."

// check runs the checks a schema cannot express, on values that passed the schema.
func (v *validator) check() {
	for _, p := range pairs {
		a, an, ok1 := v.numberAt(th + p.key)
		b, _, ok2 := v.numberAt(th + p.other)
		if !ok1 || !ok2 {
			continue
		}
		if (p.atLeast && a < b) || (!p.atLeast && a > b) {
			rel := "at least"
			if !p.atLeast {
				rel = "at most"
			}
			v.fail(an.Line, th+p.key, "want %s %s (%s), got %s: %s",
				rel, last(p.other), num(b), an.Value, p.why)
		}
	}
	for _, r := range reachable {
		n, nn, ok1 := v.numberAt(th + r.key)
		list, ok2 := v.listAt(th + r.list)
		if ok1 && ok2 && int(n) > len(list) {
			v.fail(nn.Line, th+r.key, "want at most %d, the number of %s in %s, got %s: the bound can never be reached",
				len(list), r.what, last(r.list), nn.Value)
		}
	}
	v.disjoint("c2.fh_concern_status", "c2.fh_severe_status",
		"%q is also in fh_severe_status: a status gives either a severe or a concern signal")
	v.subset("c6.key_conventions", "c6.conventions",
		"%q is not in conventions: the conventions of particular relevance are among the conventions counted")
	v.subset("c7.very_poor_gdi_bands", "c7.poor_gdi_bands",
		"band %q is not in poor_gdi_bands: a very poor band must also count as poor")
	v.worseBands("c5.gdi_critical_bands", "c5.gdi_possibly_critical_bands")
}

// numberAt returns the numeric value at path if it is present and passed the schema.
func (v *validator) numberAt(path string) (float64, *yaml.Node, bool) {
	n, ok := v.nodes[path]
	if !ok || v.bad[path] || n.Kind != yaml.ScalarNode {
		return 0, nil, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil {
		return 0, nil, false
	}
	return f, n, true
}

// listAt returns the items of the list at path if the list and every item passed the schema.
func (v *validator) listAt(path string) ([]*yaml.Node, bool) {
	n, ok := v.nodes[path]
	if !ok || v.bad[path] || n.Kind != yaml.SequenceNode {
		return nil, false
	}
	for i, item := range n.Content {
		if v.bad[fmt.Sprintf("%s[%d]", path, i)] || item.Kind != yaml.ScalarNode {
			return nil, false
		}
	}
	return n.Content, true
}

func (v *validator) disjoint(key, other, format string) {
	a, ok1 := v.listAt(th + key)
	b, ok2 := v.listAt(th + other)
	if !ok1 || !ok2 {
		return
	}
	for i, item := range a {
		if inNodes(b, item.Value) {
			v.fail(item.Line, fmt.Sprintf("%s%s[%d]", th, key, i), format, item.Value)
		}
	}
}

func (v *validator) subset(key, of, format string) {
	a, ok1 := v.listAt(th + key)
	b, ok2 := v.listAt(th + of)
	if !ok1 || !ok2 {
		return
	}
	for i, item := range a {
		if !inNodes(b, item.Value) {
			v.fail(item.Line, fmt.Sprintf("%s%s[%d]", th, key, i), format, item.Value)
		}
	}
}

// worseBands checks that every critical band is worse (later in A..F) than every
// possibly-critical band: a band that gives critical must not be better than one that
// gives only possibly critical.
func (v *validator) worseBands(critical, possibly string) {
	a, ok1 := v.listAt(th + critical)
	b, ok2 := v.listAt(th + possibly)
	if !ok1 || !ok2 {
		return
	}
	for i, c := range a {
		for _, p := range b {
			if c.Value <= p.Value {
				v.fail(c.Line, fmt.Sprintf("%s%s[%d]", th, critical, i),
					"band %q is not worse than %q of %s: a critical band must be worse than every possibly critical band",
					c.Value, p.Value, last(possibly))
				break
			}
		}
	}
}

func inNodes(list []*yaml.Node, s string) bool {
	for _, n := range list {
		if n.Value == s {
			return true
		}
	}
	return false
}

func last(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

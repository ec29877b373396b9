package calibration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/exportrisk/exportrisk/indicators"

	"go.yaml.in/yaml/v3"
)

// schema is the subset of JSON Schema (draft 2020-12) that data.schema.json uses. Loading
// the schema fails on any other keyword, so the file cannot say more than this package
// checks. x-catalog names the catalog of indicators/catalog.go an enum comes from (it
// only changes the wording of messages; a test keeps the enums equal to the catalogs).
type schema struct {
	Schema      string             `json:"$schema,omitempty"`
	ID          string             `json:"$id,omitempty"`
	Ref         string             `json:"$ref,omitempty"`
	Defs        map[string]*schema `json:"$defs,omitempty"`
	Title       string             `json:"title,omitempty"`
	Description string             `json:"description,omitempty"`

	Type                 string             `json:"type,omitempty"`
	Properties           map[string]*schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	AdditionalProperties *boolOrSchema      `json:"additionalProperties,omitempty"`
	PropertyNames        *schema            `json:"propertyNames,omitempty"`
	Items                *schema            `json:"items,omitempty"`
	MinItems             *int               `json:"minItems,omitempty"`
	UniqueItems          bool               `json:"uniqueItems,omitempty"`
	Minimum              *float64           `json:"minimum,omitempty"`
	Maximum              *float64           `json:"maximum,omitempty"`
	MinLength            *int               `json:"minLength,omitempty"`
	Enum                 []string           `json:"enum,omitempty"`
	Catalog              string             `json:"x-catalog,omitempty"`
}

// boolOrSchema is additionalProperties: false, true or a schema.
type boolOrSchema struct {
	allowed bool
	schema  *schema
}

func (b *boolOrSchema) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, &b.allowed); err == nil {
		return nil
	}
	b.allowed = true
	return strictUnmarshal(data, &b.schema)
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

var (
	loadOnce   sync.Once
	loadedRoot *schema
	loadErr    error
)

// loadSchema parses the embedded schema once and resolves every $ref.
func loadSchema() (*schema, error) {
	loadOnce.Do(func() {
		var root schema
		if err := strictUnmarshal(schemaJSON, &root); err != nil {
			loadErr = fmt.Errorf("calibration: %s uses a keyword this validator does not know: %w", SchemaFile, err)
			return
		}
		if err := resolveRefs(&root, &root, map[*schema]bool{}); err != nil {
			loadErr = fmt.Errorf("calibration: %s: %w", SchemaFile, err)
			return
		}
		loadedRoot = &root
	})
	return loadedRoot, loadErr
}

// resolveRefs replaces every {"$ref": "#/$defs/x", ...} by the definition, with the
// referring schema's own keywords (a description, a narrower range) laid over it.
func resolveRefs(root, s *schema, seen map[*schema]bool) error {
	if s == nil || seen[s] {
		return nil
	}
	seen[s] = true
	if s.Ref != "" {
		name, ok := strings.CutPrefix(s.Ref, "#/$defs/")
		def := root.Defs[name]
		if !ok || def == nil {
			return fmt.Errorf("unresolved $ref %q", s.Ref)
		}
		if err := resolveRefs(root, def, seen); err != nil {
			return err
		}
		overlay := *s
		*s = *def
		s.Ref = ""
		if overlay.Description != "" {
			s.Description = overlay.Description
		}
		if overlay.Minimum != nil {
			s.Minimum = overlay.Minimum
		}
		if overlay.Maximum != nil {
			s.Maximum = overlay.Maximum
		}
		if overlay.MinItems != nil {
			s.MinItems = overlay.MinItems
		}
	}
	children := []*schema{s.PropertyNames, s.Items}
	for _, c := range s.Properties {
		children = append(children, c)
	}
	for _, c := range s.Defs {
		children = append(children, c)
	}
	if s.AdditionalProperties != nil {
		children = append(children, s.AdditionalProperties.schema)
	}
	for _, c := range children {
		if err := resolveRefs(root, c, seen); err != nil {
			return err
		}
	}
	return nil
}

// validator walks a YAML node tree against the schema, collecting problems. It keeps
// each value node by path for the checks of checks.go, and which paths had a problem.
type validator struct {
	root     *schema
	problems []Problem
	nodes    map[string]*yaml.Node
	bad      map[string]bool
}

func (v *validator) fail(line int, path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Line: line, Path: path, Message: fmt.Sprintf(format, args...)})
	v.bad[path] = true
}

// validate checks node n at path against s. keyLine is the line of the key that holds n
// (where a missing key of an object is reported).
func (v *validator) validate(s *schema, n *yaml.Node, path string, keyLine int) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	v.nodes[path] = n
	switch s.Type {
	case "object":
		v.object(s, n, path, keyLine)
	case "array":
		v.array(s, n, path)
	case "integer", "number":
		v.number(s, n, path)
	case "string":
		v.str(s, n, path)
	case "boolean":
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			v.fail(n.Line, path, "want true or false, got %s", indicators.DescribeYAML(n))
		}
	}
}

func (v *validator) object(s *schema, n *yaml.Node, path string, keyLine int) {
	if n.Kind != yaml.MappingNode {
		v.fail(n.Line, path, "want %s, got %s", want(s), indicators.DescribeYAML(n))
		return
	}
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		if k.Kind != yaml.ScalarNode {
			v.fail(k.Line, path, "want a key, got %s", indicators.DescribeYAML(k))
			continue
		}
		if line, dup := first[k.Value]; dup {
			v.fail(k.Line, p, "duplicate key (first at line %d)", line)
			continue
		}
		first[k.Value] = k.Line
		if s.PropertyNames != nil && !v.name(s.PropertyNames, k, p) {
			continue
		}
		switch prop, ok := s.Properties[k.Value]; {
		case ok:
			v.validate(prop, val, p, k.Line)
		case s.AdditionalProperties != nil && s.AdditionalProperties.schema != nil:
			v.validate(s.AdditionalProperties.schema, val, p, k.Line)
		case s.AdditionalProperties == nil || s.AdditionalProperties.allowed:
		default:
			v.fail(k.Line, p, "unknown key%s", suggest(k.Value, keys(s.Properties)))
		}
	}
	line := keyLine
	if line == 0 {
		line = n.Line
	}
	for _, r := range s.Required {
		if _, ok := first[r]; !ok {
			v.fail(line, join(path, r), "required key is missing")
		}
	}
}

// name checks an object key against propertyNames; false if it is not allowed.
func (v *validator) name(s *schema, k *yaml.Node, path string) bool {
	if len(s.Enum) == 0 || contains(s.Enum, k.Value) {
		return true
	}
	if s.Catalog != "" {
		v.fail(k.Line, path, "unknown %s %q%s", s.Catalog, k.Value, catalogHint(k.Value, s.Enum))
	} else {
		v.fail(k.Line, path, "unknown key: want one of %s", strings.Join(s.Enum, ", "))
	}
	return false
}

func (v *validator) array(s *schema, n *yaml.Node, path string) {
	if n.Kind != yaml.SequenceNode {
		v.fail(n.Line, path, "want %s, got %s", want(s), indicators.DescribeYAML(n))
		return
	}
	if s.MinItems != nil && len(n.Content) < *s.MinItems {
		v.fail(n.Line, path, "want at least %d %s, got %d", *s.MinItems, plural(*s.MinItems, "item", "items"), len(n.Content))
	}
	first := map[string]int{}
	for i, item := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		if s.Items != nil {
			v.validate(s.Items, item, p, item.Line)
		}
		if !s.UniqueItems {
			continue
		}
		key := canonical(item)
		if j, dup := first[key]; dup {
			v.fail(item.Line, p, "duplicate %s (also at [%d])", key, j)
			continue
		}
		first[key] = i
	}
}

func (v *validator) number(s *schema, n *yaml.Node, path string) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		v.fail(n.Line, path, "want %s, got %s", want(s), indicators.DescribeYAML(n))
		return
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if n.Tag == "!!int" {
		var i int64
		if i, err = strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			f = float64(i)
		}
	}
	switch {
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0),
		s.Type == "integer" && f != math.Trunc(f),
		s.Minimum != nil && f < *s.Minimum,
		s.Maximum != nil && f > *s.Maximum:
		v.fail(n.Line, path, "want %s, got %s", want(s), n.Value)
	}
}

func (v *validator) str(s *schema, n *yaml.Node, path string) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		v.fail(n.Line, path, "want %s, got %s", want(s), indicators.DescribeYAML(n))
		return
	}
	switch {
	case s.MinLength != nil && len([]rune(n.Value)) < *s.MinLength:
		v.fail(n.Line, path, "must not be empty")
	case len(s.Enum) > 0 && !contains(s.Enum, n.Value) && s.Catalog != "":
		v.fail(n.Line, path, "unknown %s %q%s", s.Catalog, n.Value, catalogHint(n.Value, s.Enum))
	case len(s.Enum) > 0 && !contains(s.Enum, n.Value):
		v.fail(n.Line, path, "want %s, got %q", want(s), n.Value)
	}
}

// want describes what a schema accepts: "a whole number 1..5", "one of F, PF, NF".
func want(s *schema) string {
	switch s.Type {
	case "object":
		return "an object"
	case "array":
		return "a list"
	case "boolean":
		return "true or false"
	case "string":
		if len(s.Enum) > 0 && s.Catalog == "" {
			return "one of " + strings.Join(s.Enum, ", ")
		}
		if s.Catalog != "" {
			if strings.ContainsRune("aeiou", rune(s.Catalog[0])) {
				return "an " + s.Catalog
			}
			return "a " + s.Catalog
		}
		return "a string"
	}
	what := "a number"
	if s.Type == "integer" {
		what = "a whole number"
	}
	switch {
	case s.Minimum != nil && s.Maximum != nil:
		return fmt.Sprintf("%s %s..%s", what, num(*s.Minimum), num(*s.Maximum))
	case s.Minimum != nil:
		return fmt.Sprintf("%s %s or more", what, num(*s.Minimum))
	case s.Maximum != nil:
		return fmt.Sprintf("%s %s or less", what, num(*s.Maximum))
	}
	return what
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// canonical is a value's identity for uniqueItems: scalars quoted, lists bracketed.
func canonical(n *yaml.Node) string {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.SequenceNode:
		parts := make([]string, len(n.Content))
		for i, c := range n.Content {
			parts[i] = canonical(c)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case yaml.MappingNode:
		return "an object at line " + strconv.Itoa(n.Line)
	}
	if n.Tag == "!!str" {
		return strconv.Quote(n.Value)
	}
	return n.Value
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func keys(m map[string]*schema) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// suggest says which known key was probably meant, or lists the keys when there are few.
func suggest(key string, known []string) string {
	if best := closest(key, known); best != "" {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	if len(known) > 0 && len(known) <= 9 {
		return "; known keys: " + strings.Join(known, ", ")
	}
	return ""
}

func catalogHint(value string, enum []string) string {
	if best := closest(value, enum); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return " (see docs/bundle.md for the catalog)"
}

// closest returns the known word nearest to s when it is a plausible typo: within a third
// of its length in edits, or s is a prefix of exactly one word.
func closest(s string, known []string) string {
	best, bestD := "", math.MaxInt
	for _, k := range known {
		if d := distance(s, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best != "" && bestD <= max(1, len(s)/3) {
		return best
	}
	var prefixed []string
	for _, k := range known {
		if len(s) >= 3 && strings.HasPrefix(k, s) {
			prefixed = append(prefixed, k)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return ""
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Closest returns the known word nearest to s when it is a plausible typo (see closest),
// else "". The CLI uses it for configuration keys.
func Closest(s string, known []string) string { return closest(s, known) }

package indicators

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Library is a set of bundle files indexed by country and as_of date, read from an fs.FS
// in which bundles are named ISO3-YYYY-MM-DD.yaml, .yml or .json (in any folder), or come
// from bundle history files ISO3.YYYY-YYYY.history.json (one bundle per year, dated
// 31 December; see EncodeHistory). Files are parsed when asked for, so opening a library is
// cheap; a history file is expanded once and kept.
type Library struct {
	fsys   fs.FS
	name   string
	byISO  map[string][]Entry // sorted by AsOf
	merger Merger             // nil: bundles as the files hold them
	cache  *historyCache      // shared by the copies WithEvidence makes
}

// historyCache holds the expanded history files of a library.
type historyCache struct {
	mu    sync.Mutex
	files map[string]*expandedHistory // by history file path
}

// Merger adds to a bundle evidence kept outside the bundle files: the evidence register
// (package indicators/evidence). It records in the bundle what it added.
type Merger interface {
	Merge(b *Bundle) error
}

// WithEvidence returns a library whose Load merges m into every bundle it loads.
func (l *Library) WithEvidence(m Merger) *Library {
	c := *l
	c.merger = m
	return &c
}

type expandedHistory struct {
	once  sync.Once
	data  []byte                  // the file, for a year's document when one is needed
	years map[string]expandedYear // by as_of, without the documents
	err   error
	memo  entryMemo // the entries of its years' nodes decoded so far
}

// Entry is one bundle of a library.
type Entry struct {
	ISO3 string
	AsOf string
	Path string // within the library; a bundle of a history file is FILE#AS_OF
}

var bundleName = regexp.MustCompile(`^([A-Z]{3})-(\d{4}-\d{2}-\d{2})\.(yaml|yml|json)$`)

// OpenLibrary indexes the bundle files of fsys; name says where it is, for messages.
// Two files for the same country and date are an error: which one counts must be clear.
func OpenLibrary(fsys fs.FS, name string) (*Library, error) {
	l := &Library{fsys: fsys, name: name, byISO: map[string][]Entry{}, cache: &historyCache{files: map[string]*expandedHistory{}}}
	seen := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if iso, first, last, ok := parseHistoryName(path.Base(p)); ok {
			for y := first; y <= last; y++ {
				asOf := fmt.Sprintf("%04d-12-31", y)
				key := iso + " " + asOf
				entry := p + "#" + asOf
				if prev, dup := seen[key]; dup {
					return fmt.Errorf("two bundles for %s as of %s: %s and %s", iso, asOf, prev, entry)
				}
				seen[key] = entry
				l.byISO[iso] = append(l.byISO[iso], Entry{ISO3: iso, AsOf: asOf, Path: entry})
			}
			l.cache.files[p] = &expandedHistory{}
			return nil
		}
		m := bundleName.FindStringSubmatch(path.Base(p))
		if m == nil {
			return nil
		}
		if _, err := time.Parse(time.DateOnly, m[2]); err != nil {
			return fmt.Errorf("%s: file name has an invalid date", p)
		}
		key := m[1] + " " + m[2]
		if first, dup := seen[key]; dup {
			return fmt.Errorf("two bundles for %s as of %s: %s and %s", m[1], m[2], first, p)
		}
		seen[key] = p
		l.byISO[m[1]] = append(l.byISO[m[1]], Entry{ISO3: m[1], AsOf: m[2], Path: p})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open bundle library %s: %w", name, err)
	}
	for _, es := range l.byISO {
		sort.Slice(es, func(i, j int) bool { return es[i].AsOf < es[j].AsOf })
	}
	return l, nil
}

// Name says where the library is.
func (l *Library) Name() string { return l.name }

// Countries returns the ISO3 codes that have at least one bundle, sorted.
func (l *Library) Countries() []string {
	out := make([]string, 0, len(l.byISO))
	for iso := range l.byISO {
		out = append(out, iso)
	}
	sort.Strings(out)
	return out
}

// Entries returns the bundles of a country, oldest first.
func (l *Library) Entries(iso3 string) []Entry {
	return append([]Entry(nil), l.byISO[iso3]...)
}

// Find returns the country's latest bundle dated on or before asOf ("" for the latest).
func (l *Library) Find(iso3, asOf string) (Entry, error) {
	es := l.byISO[iso3]
	if len(es) == 0 {
		return Entry{}, fmt.Errorf("no bundle for %q in %s", iso3, l.name)
	}
	if asOf == "" {
		return es[len(es)-1], nil
	}
	t, err := time.Parse(time.DateOnly, asOf)
	if err != nil {
		return Entry{}, fmt.Errorf("as-of: want a date YYYY-MM-DD, got %q", asOf)
	}
	if today := now().UTC(); t.After(today.AddDate(0, 0, 1)) {
		return Entry{}, fmt.Errorf("as-of %s is in the future (today is %s): %w", asOf, today.Format(time.DateOnly), ErrFutureAsOf)
	}
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].AsOf <= asOf {
			return es[i], nil
		}
	}
	return Entry{}, fmt.Errorf("no bundle for %s dated on or before %s in %s (earliest: %s)", iso3, asOf, l.name, es[0].AsOf)
}

// ErrFutureAsOf is why Find refuses a date after today.
var ErrFutureAsOf = errors.New("no bundle can describe it, and the latest one would be read as if evidence up to then had been looked for")

// Load parses and validates a library entry; the bundle must match its file name.
func (l *Library) Load(e Entry) (*Bundle, error) {
	name := path.Join(l.name, e.Path)
	b, err := l.decode(e, name)
	if err != nil {
		return nil, err
	}
	if b.Country.ISO3 != e.ISO3 || b.AsOf != e.AsOf {
		return nil, &ValidationError{File: name, Problems: []Problem{{
			Message: fmt.Sprintf("file name says %s as of %s, content says %s as of %s", e.ISO3, e.AsOf, b.Country.ISO3, b.AsOf),
		}}}
	}
	if l.merger != nil {
		if err := l.merger.Merge(b); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return b, nil
}

// decode reads and validates an entry. A year of a history file comes as the nodes its
// expansion made; its document is written (expanded again) only to report its problems as
// Parse does, or where the fast path refused it.
func (l *Library) decode(e Entry, name string) (*Bundle, error) {
	if !strings.Contains(e.Path, "#") {
		data, err := l.document(e)
		if err != nil {
			return nil, err
		}
		return Parse(name, data)
	}
	h, asOf, err := l.history(e)
	if err != nil {
		return nil, err
	}
	if n := h.years[asOf].node; n != nil {
		d := &decoder{memo: &h.memo}
		if b := d.bundle(n); len(d.problems) == 0 {
			return b, nil
		}
	}
	data, err := l.document(e)
	if err != nil {
		return nil, err
	}
	return parseJSON(name, data)
}

// document returns the bytes of an entry: the file, or the document of a history year.
func (l *Library) document(e Entry) ([]byte, error) {
	if !strings.Contains(e.Path, "#") {
		data, err := fs.ReadFile(l.fsys, e.Path)
		if err != nil {
			return nil, fmt.Errorf("read bundle: %w", err)
		}
		return data, nil
	}
	h, asOf, err := l.history(e)
	if err != nil {
		return nil, err
	}
	file, _, _ := strings.Cut(e.Path, "#")
	years, err := expandHistory(path.Join(l.name, file), h.data, true)
	if err != nil {
		return nil, fmt.Errorf("read bundle history: %w", err)
	}
	return years[asOf].doc, nil
}

// history returns the expanded history file of an entry and the entry's as_of.
func (l *Library) history(e Entry) (*expandedHistory, string, error) {
	file, asOf, _ := strings.Cut(e.Path, "#")
	l.cache.mu.Lock()
	h := l.cache.files[file]
	l.cache.mu.Unlock()
	if h == nil {
		return nil, "", fmt.Errorf("read bundle: %s is not a history file of %s", file, l.name)
	}
	h.once.Do(func() {
		if h.data, h.err = fs.ReadFile(l.fsys, file); h.err != nil {
			h.err = fmt.Errorf("read bundle history: %w", h.err)
			return
		}
		h.years, h.err = expandHistory(path.Join(l.name, file), h.data, false)
	})
	if h.err != nil {
		return nil, "", h.err
	}
	if _, ok := h.years[asOf]; !ok {
		return nil, "", fmt.Errorf("read bundle: %s has no bundle as of %s", path.Join(l.name, file), asOf)
	}
	return h, asOf, nil
}

package evidence

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/exportrisk/exportrisk/indicators"
)

// The four-eyes workflow: an item is proposed by one person and counts only once a
// second person has approved it. Proposals wait in the proposals folder of the register
// directory (one JSON file each, not read by Load); approval appends the item to the
// country's register file with approved_by set and removes the proposal. Both steps are
// recorded in an append-only, hash-chained event log, proposals/events.jsonl.

// ProposalVersion is the version of the proposal file format.
const ProposalVersion = 1

// EventVersion is the version of the event record format.
const EventVersion = 1

// eventDomain starts every hashed event, so an event hash cannot be taken for another hash.
const eventDomain = "exportrisk/evidence/event/v1\n"

// genesis is the prev_hash of the first event.
const genesis = "sha256:0000000000000000000000000000000000000000000000000000000000000000"

// Proposal is an item waiting for a second person's approval.
type Proposal struct {
	Version    int                 `json:"proposal_version"`
	Country    string              `json:"country"`
	Item       indicators.Evidence `json:"item"` // Item.AddedBy is the proposer
	ProposedBy string              `json:"proposed_by"`
	ProposedAt string              `json:"proposed_at"` // RFC 3339, UTC
}

// Event is one step of the workflow in the event log.
type Event struct {
	Version    int    `json:"event_version"`
	Seq        int64  `json:"seq"`
	Time       string `json:"time"` // RFC 3339, UTC
	Kind       string `json:"kind"` // proposed, approved
	Country    string `json:"country"`
	ItemID     string `json:"item_id"`
	ItemDigest string `json:"item_digest"` // sha256 over the item's canonical JSON as proposed / as approved
	By         string `json:"by"`
	Role       string `json:"role"`
	PrevHash   string `json:"prev_hash"`
	Hash       string `json:"hash"`
}

// Errors of the workflow.
var (
	ErrNoProposal   = errors.New("no such proposal")
	ErrSamePerson   = errors.New("the person who proposed an item cannot approve it: a second person must")
	ErrNotWriteable = errors.New("the evidence register has no directory to write to")
)

// Workflow keeps proposals and the event log of a register directory. Its methods are
// safe for concurrent use; one process should run it per directory.
type Workflow struct {
	Dir string // the register directory; proposals live in Dir/proposals
	mu  sync.Mutex
}

var proposalFile = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*\.json$`)

func (w *Workflow) proposalsDir() string { return filepath.Join(w.Dir, "proposals") }

// Pending returns the proposals waiting for approval, oldest first.
func (w *Workflow) Pending() ([]Proposal, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.pending()
}

func (w *Workflow) pending() ([]Proposal, error) {
	entries, err := os.ReadDir(w.proposalsDir())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("evidence proposals: %w", err)
	}
	var out []Proposal
	for _, de := range entries {
		if de.IsDir() || !proposalFile.MatchString(de.Name()) {
			continue
		}
		p, err := w.read(strings.TrimSuffix(de.Name(), ".json"))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ProposedAt < out[j].ProposedAt })
	return out, nil
}

func (w *Workflow) read(id string) (Proposal, error) {
	var p Proposal
	if !evidenceIDPattern.MatchString(id) {
		return p, ErrNoProposal
	}
	data, err := os.ReadFile(filepath.Join(w.proposalsDir(), id+".json"))
	if errors.Is(err, os.ErrNotExist) {
		return p, ErrNoProposal
	}
	if err != nil {
		return p, fmt.Errorf("evidence proposal %s: %w", id, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil || p.Version != ProposalVersion {
		return p, fmt.Errorf("evidence proposal %s: not a version %d proposal: %v", id, ProposalVersion, err)
	}
	return p, nil
}

var evidenceIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Get returns a pending proposal, or ErrNoProposal.
func (w *Workflow) Get(id string) (Proposal, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.read(id)
}

// Propose checks e as the register would take it (reg with the item added must be valid)
// and keeps it as a proposal by who (role), with a new id unless e has one. Nothing
// enters the register.
func (w *Workflow) Propose(reg *Register, iso3 string, e indicators.Evidence, who, role string, now time.Time) (Proposal, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.Dir == "" {
		return Proposal{}, ErrNotWriteable
	}
	pending, err := w.pending()
	if err != nil {
		return Proposal{}, err
	}
	e.AddedBy, e.AddedOn, e.ApprovedBy = who, now.UTC().Format(time.DateOnly), ""
	if e.ID == "" {
		base := reg.NewID(iso3, e)
		e.ID = base
		for n := 2; pendingHas(pending, e.ID); n++ {
			e.ID = fmt.Sprintf("%s-%d", base, n)
		}
	}
	if pendingHas(pending, e.ID) {
		return Proposal{}, fmt.Errorf("a proposal with the id %s is waiting already", e.ID)
	}
	if _, _, err := reg.Add(iso3, e, now); err != nil {
		return Proposal{}, err
	}
	p := Proposal{Version: ProposalVersion, Country: iso3, Item: e, ProposedBy: who, ProposedAt: now.UTC().Format(time.RFC3339)}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return Proposal{}, err
	}
	if err := os.MkdirAll(w.proposalsDir(), 0o755); err != nil {
		return Proposal{}, fmt.Errorf("evidence proposals: %w", err)
	}
	if err := writeFile(filepath.Join(w.proposalsDir(), e.ID+".json"), append(data, '\n')); err != nil {
		return Proposal{}, fmt.Errorf("evidence proposals: %w", err)
	}
	if err := w.appendEvent("proposed", iso3, e, who, role, now); err != nil {
		return Proposal{}, err
	}
	return p, nil
}

func pendingHas(ps []Proposal, id string) bool {
	for _, p := range ps {
		if p.Item.ID == id {
			return true
		}
	}
	return false
}

// Approve adds a pending proposal to the register as approved by who (role): never the
// proposer (ErrSamePerson). It writes the country's register file, removes the proposal,
// records the event and returns the register with the item and the proposal approved.
func (w *Workflow) Approve(reg *Register, id, who, role string, now time.Time) (*Register, Proposal, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	p, err := w.read(id)
	if err != nil {
		return nil, p, err
	}
	if strings.EqualFold(p.ProposedBy, who) {
		return nil, p, ErrSamePerson
	}
	p.Item.ApprovedBy = who
	next, f, err := reg.Add(p.Country, p.Item, now)
	if err != nil {
		return nil, p, err
	}
	if err := Write(w.Dir, f); err != nil {
		return nil, p, err
	}
	if err := os.Remove(filepath.Join(w.proposalsDir(), id+".json")); err != nil {
		return nil, p, fmt.Errorf("evidence proposals: %w", err)
	}
	if err := w.appendEvent("approved", p.Country, p.Item, who, role, now); err != nil {
		return nil, p, err
	}
	return next, p, nil
}

func (w *Workflow) eventsFile() string { return filepath.Join(w.proposalsDir(), "events.jsonl") }

func (w *Workflow) appendEvent(kind, iso3 string, e indicators.Evidence, who, role string, now time.Time) error {
	events, err := readEvents(w.eventsFile())
	if err != nil {
		return err
	}
	item, err := indicators.Canonicalize(e)
	if err != nil {
		return err
	}
	ev := Event{Version: EventVersion, Seq: 1, Time: now.UTC().Format(time.RFC3339), Kind: kind, Country: iso3,
		ItemID: e.ID, ItemDigest: indicators.Digest(item), By: who, Role: role, PrevHash: genesis}
	if n := len(events); n > 0 {
		ev.Seq, ev.PrevHash = events[n-1].Seq+1, events[n-1].Hash
	}
	if ev.Hash, err = eventHash(ev); err != nil {
		return err
	}
	line, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(w.eventsFile(), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("evidence event log: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("evidence event log: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("evidence event log: %w", err)
	}
	return f.Close()
}

func eventHash(ev Event) (string, error) {
	ev.Hash = ""
	c, err := indicators.Canonicalize(ev)
	if err != nil {
		return "", err
	}
	return indicators.Digest(append([]byte(eventDomain), c...)), nil
}

func readEvents(file string) ([]Event, error) {
	f, err := os.Open(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("evidence event log: %w", err)
	}
	defer f.Close()
	var out []Event
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		var ev Event
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ev); err != nil {
			return nil, fmt.Errorf("%s:%d: not an event: %v", file, n, err)
		}
		out = append(out, ev)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("evidence event log: %w", err)
	}
	return out, nil
}

// Events returns the event log, checked: every event's hash must match its content and
// link to the one before (an edited, removed or reordered event is an error naming it).
func (w *Workflow) Events() ([]Event, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	events, err := readEvents(w.eventsFile())
	if err != nil {
		return nil, err
	}
	prev := genesis
	for i, ev := range events {
		where := fmt.Sprintf("%s:%d", w.eventsFile(), i+1)
		h, err := eventHash(ev)
		switch {
		case err != nil:
			return nil, err
		case ev.Version != EventVersion:
			return nil, fmt.Errorf("%s: event_version %d: this build reads %d", where, ev.Version, EventVersion)
		case ev.Seq != int64(i+1):
			return nil, fmt.Errorf("%s: seq %d, want %d (an event was removed or reordered)", where, ev.Seq, i+1)
		case ev.PrevHash != prev:
			return nil, fmt.Errorf("%s: prev_hash does not match the event before (an event was removed or changed)", where)
		case h != ev.Hash:
			return nil, fmt.Errorf("%s: hash does not match the event's content (the event was changed)", where)
		}
		prev = ev.Hash
	}
	return events, nil
}

package evidence

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/exportrisk/exportrisk/indicators"
)

// The four-eyes workflow: an item is proposed by one person and counts only once a
// second person has approved it. Every step is an Event recorded in a Log (the decision
// audit log, as leaves of its Merkle tree: audit.EvidenceLog), and the log is the one
// authority on what is waiting: the proposals pending are those the log holds a
// "proposed" event for and no later "approved" or "rejected" one, read back from the log
// when the workflow starts (so they survive a restart) and kept in memory after.
// Approval writes the item into the country's register file with approved_by set.

// EventVersion is the version of the event document.
const EventVersion = 1

// The actions of the workflow.
const (
	ActionProposed = "proposed"
	ActionApproved = "approved"
	ActionRejected = "rejected"
)

// Actions are the actions an event may record.
var Actions = []string{ActionProposed, ActionApproved, ActionRejected}

// Event is one step of the workflow, as the audit log records it: the event document
// (these fields, canonical JSON) plus the item's canonical JSON as a document of its own.
type Event struct {
	Version    int    `json:"event_version"`
	Action     string `json:"action"`      // proposed, approved, rejected
	ProposalID string `json:"proposal_id"` // the id of the item proposed
	Country    string `json:"country"`     // ISO3
	By         string `json:"by"`          // who took the step (token name)
	Role       string `json:"role"`        // and the role of that token
	// ProposedBy is, for an approval or a rejection, who proposed the item.
	ProposedBy string `json:"proposed_by,omitempty"`
	// ItemDigest is the SHA-256 of the item's canonical JSON (the item as proposed, or
	// as approved: with approved_by).
	ItemDigest string `json:"item_digest"`
	// RegisterBefore and RegisterAfter are the revisions of the country's register
	// (File.Revision; "" for a country without a file) before and after the step; only
	// an approval changes it.
	RegisterBefore string `json:"register_before"`
	RegisterAfter  string `json:"register_after"`
	Reason         string `json:"reason,omitempty"` // why a proposal was rejected

	Item indicators.Evidence `json:"-"` // the item, recorded as a document of its own
	Time time.Time           `json:"-"` // when the step was recorded (the record's timestamp)
}

// Check reports the first reason ev is not a well-formed event document for item
// (whose canonical JSON is itemJSON).
func (ev *Event) Check(itemJSON []byte) error {
	switch {
	case ev.Version != EventVersion:
		return fmt.Errorf("event_version: want %d (got %d)", EventVersion, ev.Version)
	case !slices.Contains(Actions, ev.Action):
		return fmt.Errorf("action: want one of %s (got %q)", strings.Join(Actions, ", "), ev.Action)
	case ev.ProposalID == "" || ev.Country == "" || ev.By == "" || ev.Role == "":
		return errors.New("proposal_id, country, by and role are required")
	case ev.Action != ActionProposed && ev.ProposedBy == "":
		return errors.New("proposed_by: required for an approval or a rejection")
	case indicators.Digest(itemJSON) != ev.ItemDigest:
		return fmt.Errorf("item_digest: %s does not match the item", ev.ItemDigest)
	}
	return nil
}

// Log records the workflow's events and reads them back, oldest first.
type Log interface {
	RecordEvent(ctx context.Context, ev Event) error
	Events(ctx context.Context) ([]Event, error)
}

// Proposal is an item waiting for a second person's approval.
type Proposal struct {
	Country    string
	Item       indicators.Evidence // Item.AddedBy is the proposer
	ProposedBy string
	ProposedAt string // RFC 3339, UTC
}

// Errors of the workflow.
var (
	ErrNoProposal   = errors.New("no such proposal")
	ErrSamePerson   = errors.New("the person who proposed an item cannot approve it: a second person must")
	ErrNotWriteable = errors.New("the evidence register has no directory to write to")
)

// Workflow keeps the proposals of a register directory. Its methods are safe for
// concurrent use; one process should run it per directory and audit log.
type Workflow struct {
	dir     string
	log     Log
	mu      sync.Mutex
	pending map[string]Proposal // by item id
}

// NewWorkflow returns the workflow of the register directory dir, with the proposals
// pending as log's events say.
func NewWorkflow(ctx context.Context, dir string, log Log) (*Workflow, error) {
	if dir == "" {
		return nil, ErrNotWriteable
	}
	if log == nil {
		return nil, errors.New("evidence workflow: no event log")
	}
	events, err := log.Events(ctx)
	if err != nil {
		return nil, fmt.Errorf("evidence workflow: read the events: %w", err)
	}
	return &Workflow{dir: dir, log: log, pending: PendingFrom(events)}, nil
}

// PendingFrom returns the proposals events leave waiting: proposed, then neither
// approved nor rejected.
func PendingFrom(events []Event) map[string]Proposal {
	pending := map[string]Proposal{}
	for _, ev := range events {
		switch ev.Action {
		case ActionProposed:
			pending[ev.ProposalID] = Proposal{Country: ev.Country, Item: ev.Item, ProposedBy: ev.By, ProposedAt: rfc3339(ev.Time)}
		default:
			delete(pending, ev.ProposalID)
		}
	}
	return pending
}

// Dir is the register directory approvals write to.
func (w *Workflow) Dir() string { return w.dir }

// Pending returns the proposals waiting for approval, oldest first.
func (w *Workflow) Pending() []Proposal {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]Proposal, 0, len(w.pending))
	for _, p := range w.pending {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ProposedAt != out[j].ProposedAt {
			return out[i].ProposedAt < out[j].ProposedAt
		}
		return out[i].Item.ID < out[j].Item.ID
	})
	return out
}

// Get returns a pending proposal, or ErrNoProposal.
func (w *Workflow) Get(id string) (Proposal, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	p, ok := w.pending[id]
	if !ok {
		return p, ErrNoProposal
	}
	return p, nil
}

// event builds the event of a step on item e of iso3.
func event(action, iso3 string, e indicators.Evidence, who, role string, now time.Time) (Event, error) {
	item, err := indicators.Canonicalize(e)
	if err != nil {
		return Event{}, err
	}
	return Event{Version: EventVersion, Action: action, ProposalID: e.ID, Country: iso3, By: who, Role: role,
		ItemDigest: indicators.Digest(item), Item: e, Time: now}, nil
}

func (r *Register) revisionOf(iso3 string) string {
	if f := r.files[iso3]; f != nil {
		return f.Revision
	}
	return ""
}

// Propose checks e as the register would take it (reg with the item added must be valid),
// records the proposal by who (role) in the log and keeps it waiting, with a new id unless
// e has one. Nothing enters the register.
func (w *Workflow) Propose(ctx context.Context, reg *Register, iso3 string, e indicators.Evidence, who, role string, now time.Time) (Proposal, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e.AddedBy, e.AddedOn, e.ApprovedBy = who, now.UTC().Format(time.DateOnly), ""
	if e.ID == "" {
		base := reg.NewID(iso3, e)
		e.ID = base
		for n := 2; w.has(e.ID); n++ {
			e.ID = fmt.Sprintf("%s-%d", base, n)
		}
	}
	if w.has(e.ID) {
		return Proposal{}, fmt.Errorf("a proposal with the id %s is waiting already", e.ID)
	}
	if _, _, err := reg.Add(iso3, e, now); err != nil {
		return Proposal{}, err
	}
	ev, err := event(ActionProposed, iso3, e, who, role, now)
	if err != nil {
		return Proposal{}, err
	}
	ev.RegisterBefore = reg.revisionOf(iso3)
	ev.RegisterAfter = ev.RegisterBefore
	if err := w.log.RecordEvent(ctx, ev); err != nil {
		return Proposal{}, err
	}
	p := Proposal{Country: iso3, Item: e, ProposedBy: who, ProposedAt: rfc3339(now)}
	w.pending[e.ID] = p
	return p, nil
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (w *Workflow) has(id string) bool { _, ok := w.pending[id]; return ok }

// Approve adds a pending proposal to the register as approved by who (role): never the
// proposer (ErrSamePerson). It writes the country's register file, records the approval
// in the log (if that fails, the file is put back as it was) and returns the register
// with the item, and the proposal approved.
func (w *Workflow) Approve(ctx context.Context, reg *Register, id, who, role string, now time.Time) (*Register, Proposal, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	p, ok := w.pending[id]
	if !ok {
		return nil, p, ErrNoProposal
	}
	if strings.EqualFold(p.ProposedBy, who) {
		return nil, p, ErrSamePerson
	}
	p.Item.ApprovedBy = who
	next, f, err := reg.Add(p.Country, p.Item, now)
	if err != nil {
		return nil, p, err
	}
	ev, err := event(ActionApproved, p.Country, p.Item, who, role, now)
	if err != nil {
		return nil, p, err
	}
	ev.ProposedBy, ev.RegisterBefore, ev.RegisterAfter = p.ProposedBy, reg.revisionOf(p.Country), f.Revision
	file := filepath.Join(w.dir, f.Country+".yaml")
	old, oldErr := os.ReadFile(file)
	if oldErr != nil && !errors.Is(oldErr, os.ErrNotExist) {
		return nil, p, fmt.Errorf("evidence register: %w", oldErr)
	}
	if err := Write(w.dir, f); err != nil {
		return nil, p, err
	}
	if err := w.log.RecordEvent(ctx, ev); err != nil {
		var undo error
		if oldErr == nil {
			undo = writeFile(file, old)
		} else {
			undo = os.Remove(file)
		}
		return nil, p, errors.Join(fmt.Errorf("approval not recorded, register file left as it was: %w", err), undo)
	}
	delete(w.pending, id)
	return next, p, nil
}

// Reject records that who (role) rejected a pending proposal (the proposer may withdraw
// their own), with a reason; the item never enters the register.
func (w *Workflow) Reject(ctx context.Context, reg *Register, id, who, role, reason string, now time.Time) (Proposal, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	p, ok := w.pending[id]
	if !ok {
		return p, ErrNoProposal
	}
	ev, err := event(ActionRejected, p.Country, p.Item, who, role, now)
	if err != nil {
		return p, err
	}
	ev.ProposedBy, ev.Reason = p.ProposedBy, reason
	ev.RegisterBefore = reg.revisionOf(p.Country)
	ev.RegisterAfter = ev.RegisterBefore
	if err := w.log.RecordEvent(ctx, ev); err != nil {
		return p, err
	}
	delete(w.pending, id)
	return p, nil
}

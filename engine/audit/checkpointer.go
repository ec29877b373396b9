package audit

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Checkpointer signs a checkpoint of a store every EveryRecords records or every
// Interval, whichever comes first (only if the log grew), adds each to the witness
// directory, and keeps the latest for serving. The zero Interval or EveryRecords
// disables that trigger. Start it with Run.
type Checkpointer struct {
	Store        Store
	Signer       *Signer
	Witness      string // directory each checkpoint is added to; "" for none
	EveryRecords int64
	Interval     time.Duration
	Logger       *slog.Logger

	mu     sync.Mutex
	signed []byte
	cp     Checkpoint
	kick   chan struct{}
	once   sync.Once
}

func (c *Checkpointer) init() {
	c.once.Do(func() {
		c.kick = make(chan struct{}, 1)
		if c.Logger == nil {
			c.Logger = slog.Default()
		}
	})
}

// Latest returns the latest checkpoint signed, if any.
func (c *Checkpointer) Latest() ([]byte, Checkpoint, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.signed, c.cp, c.signed != nil
}

// Covering returns a signed checkpoint whose tree holds record seq: the latest one,
// or a new one signed now.
func (c *Checkpointer) Covering(ctx context.Context, seq int64) ([]byte, Checkpoint, error) {
	if signed, cp, ok := c.Latest(); ok && cp.Size >= seq {
		return signed, cp, nil
	}
	return c.SignNow(ctx)
}

// SignNow signs a checkpoint of the store as it stands (unless the latest one already
// has its size) and adds it to the witness directory.
func (c *Checkpointer) SignNow(ctx context.Context) ([]byte, Checkpoint, error) {
	c.init()
	c.mu.Lock()
	defer c.mu.Unlock()
	head, err := c.Store.Head(ctx)
	if err != nil {
		return nil, Checkpoint{}, err
	}
	if c.signed != nil && c.cp.Size == head.Seq {
		return c.signed, c.cp, nil
	}
	signed, cp, err := Sign(ctx, c.Store, c.Signer, c.Witness)
	if err != nil {
		return nil, Checkpoint{}, err
	}
	c.signed, c.cp = signed, cp
	c.Logger.Info("audit checkpoint signed", "size", cp.Size, "witness", c.Witness)
	return signed, cp, nil
}

// Appended tells the checkpointer the log has grown to seq records; it signs soon if
// EveryRecords have been appended since the latest checkpoint. It never blocks.
func (c *Checkpointer) Appended(seq int64) {
	c.init()
	c.mu.Lock()
	due := c.EveryRecords > 0 && seq-c.cp.Size >= c.EveryRecords
	c.mu.Unlock()
	if due {
		select {
		case c.kick <- struct{}{}:
		default:
		}
	}
}

// Run signs a checkpoint at once, then whenever one is due, until ctx ends; then it
// signs a last one (so a clean shutdown leaves the whole log checkpointed).
func (c *Checkpointer) Run(ctx context.Context) {
	c.init()
	var tick <-chan time.Time
	if c.Interval > 0 {
		t := time.NewTicker(c.Interval)
		defer t.Stop()
		tick = t.C
	}
	sign := func(ctx context.Context) {
		if _, _, err := c.SignNow(ctx); err != nil && !errors.Is(err, context.Canceled) {
			c.Logger.Error("audit checkpoint not signed", "err", err)
		}
	}
	sign(ctx)
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			sign(final)
			cancel()
			return
		case <-tick:
			sign(ctx)
		case <-c.kick:
			sign(ctx)
		}
	}
}

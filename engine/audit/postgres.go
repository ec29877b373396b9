package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgresStore is a Store in a PostgreSQL database (driver github.com/jackc/pgx/v5),
// so that several servers can share one log. Appends lock the chain head row (SELECT
// ... FOR UPDATE) for the rest of their transaction; PostgreSQL commits are durable
// (with its default fsync and synchronous_commit). The tables live in the first schema
// of the connection's search_path.
type PostgresStore struct {
	*sqlStore
	dsn         string
	lockTimeout time.Duration
}

// PostgresOptions configure OpenPostgres.
type PostgresOptions struct {
	// Create makes a new store: the database (the first schema of its search_path)
	// must hold none. Without it the store must exist (else an error wrapping
	// ErrNoStore).
	Create bool
	// LockTimeout is how long an append waits for another appender's lock on the
	// chain head before giving up with ErrLocked; zero means 5 s.
	LockTimeout time.Duration
}

// OpenPostgres opens the store in the database a DSN names (URL or key=value form),
// and brings its schema up to date. Errors name the database, never the password.
func OpenPostgres(ctx context.Context, dsn string, o PostgresOptions) (*PostgresStore, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("audit store: postgres dsn: %w", redact(err, dsn))
	}
	loc := fmt.Sprintf("postgres://%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
	if sp := cfg.RuntimeParams["search_path"]; sp != "" {
		loc += "?search_path=" + sp
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = 5 * time.Second
	}
	s := &PostgresStore{dsn: dsn, lockTimeout: o.LockTimeout}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(8)
	db.SetConnMaxIdleTime(time.Minute)
	s.sqlStore = newSQLStore(loc, db, dialect{
		rebind:      rebindDollar,
		textCmp:     func(c string) string { return c + ` COLLATE "C"` },
		beginAppend: []string{fmt.Sprintf(`SET LOCAL lock_timeout = '%dms'`, s.lockTimeout.Milliseconds())},
		lockHead:    `SELECT seq, hash FROM chain_head WHERE id = 1 FOR UPDATE`,
		walkTx:      &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead},
		wrap:        s.wrap,
		tables:      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
		foreign: func(tables []string) []string { // other applications' tables may share the schema
			var ours []string
			for _, t := range tables {
				if slices.Contains(tableNames(), t) {
					ours = append(ours, t)
				}
			}
			return ours
		},
		lockMigrations: `SELECT pg_advisory_xact_lock(7309471356124451)`, // "exportrisk audit migrate"
		migrations:     postgresMigrations,
	})
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, s.wrap("open", redact(err, dsn))
	}
	if err := s.start(ctx, o.Create); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// redact removes the password of a DSN from an error message.
func redact(err error, dsn string) error {
	cfg, perr := pgconn.ParseConfig(dsn)
	if perr != nil || cfg.Password == "" || !strings.Contains(err.Error(), cfg.Password) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), cfg.Password, "xxxxx"))
}

// wrap names the database and the operation and says in plain words what a
// PostgreSQL error means.
func (s *PostgresStore) wrap(op string, err error) error {
	var pe *pgconn.PgError
	var ne net.Error
	switch {
	case errors.As(err, &pe) && (pe.Code == "55P03" || pe.Code == "40P01"): // lock_not_available, deadlock
		err = fmt.Errorf("%w (gave up after %s): %w", ErrLocked, s.lockTimeout, err)
	case errors.As(err, &pe) && (pe.Code == "XX001" || pe.Code == "XX002"): // data_corrupted, index_corrupted
		err = fmt.Errorf("%w: %w", ErrCorrupt, err)
	case errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "28") || pe.Code == "3D000" || pe.Code == "42501"):
		err = fmt.Errorf("%w (check the DSN's user, password, database and privileges): %w", ErrUnreadable, err)
	case errors.As(err, &ne), errors.Is(err, net.ErrClosed):
		err = fmt.Errorf("%w (is the server running and reachable?): %w", ErrUnreadable, err)
	}
	return fmt.Errorf("audit store %s: %s: %w", s.loc, op, err)
}

// postgresMigrations are the audit schema (schema.go) in PostgreSQL: triggers through two
// functions refuse an update, delete or truncate of what is append-only.
var postgresMigrations = dialectSchema{
	types:   map[colType]string{integer: "INTEGER", bigint: "BIGINT", text: "TEXT", blob: "BYTEA"},
	collate: ` COLLATE "C"`,
	functions: []string{
		`CREATE FUNCTION exportrisk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			RAISE EXCEPTION 'audit % are append-only', TG_TABLE_NAME;
		END $$`,
	},
	appendOnly: func(t table) []string {
		return []string{fmt.Sprintf("CREATE TRIGGER %[1]s_append_only BEFORE UPDATE OR DELETE ON %[1]s\n\tFOR EACH ROW EXECUTE FUNCTION exportrisk_append_only()", t.name)}
	},
	noTruncate: func(t table) []string {
		return []string{fmt.Sprintf("CREATE TRIGGER %[1]s_no_truncate BEFORE TRUNCATE ON %[1]s\n\tFOR EACH STATEMENT EXECUTE FUNCTION exportrisk_append_only()", t.name)}
	},
	headForward: []string{
		`CREATE FUNCTION exportrisk_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF TG_OP = 'DELETE' THEN
				RAISE EXCEPTION 'the audit chain head cannot be removed';
			END IF;
			IF NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash) THEN
				RAISE EXCEPTION 'the audit chain head cannot be rewound';
			END IF;
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER chain_head_forward BEFORE UPDATE OR DELETE ON chain_head
			FOR EACH ROW EXECUTE FUNCTION exportrisk_head_forward()`,
	},
}.migrations()

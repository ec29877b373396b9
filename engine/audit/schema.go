package audit

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// The audit store's schema, defined once for both SQL stores: the tables with their
// columns, the indexes, which tables are append-only and that the chain head only moves
// forward. sqliteMigrations and postgresMigrations are this schema in each dialect.
//
// Never change a released step: add one. testdata/migrations-*.sql hold the statements of
// the released steps as stores were created with them; a test compares.

// colType is a column type, named for what it holds; each dialect spells it.
type colType int

const (
	integer colType = iota // a small integer: INTEGER
	bigint                 // a 64-bit integer: INTEGER in SQLite, BIGINT in PostgreSQL
	text                   // TEXT
	blob                   // bytes: BLOB in SQLite, BYTEA in PostgreSQL
)

type column struct {
	name string
	typ  colType
	def  string // what follows the type: PRIMARY KEY, NOT NULL, CHECK, REFERENCES ...
}

type table struct {
	name        string
	what        string // what its rows are, in the append-only guard's message ("audit records")
	columns     []column
	constraints []string // table constraints, e.g. a primary key over two columns
}

type index struct {
	name, table string
	columns     []string
	bytewise    string // a text column sorted by bytes (COLLATE "C" in PostgreSQL; SQLite's default)
}

// schemaStep is one migration: what it adds.
type schemaStep struct {
	description string
	tables      []table
	indexes     []index
	rows        []string // statements the same in both dialects (the chain head's first row)
	appendOnly  []string // tables whose rows can no longer be updated or deleted
	noTruncate  []string // tables PostgreSQL refuses to TRUNCATE (SQLite has no TRUNCATE)
	headForward bool     // the chain head only moves forward and cannot be removed
	// backfill, if set, runs after the step's statements in the same transaction.
	backfill func(ctx context.Context, s *sqlStore, tx *sql.Tx) error
}

var (
	recordsTable = table{name: "records", what: "audit records", columns: []column{
		{"seq", bigint, "PRIMARY KEY"},
		{"record_version", integer, "NOT NULL"},
		{"decision_id", text, "NOT NULL UNIQUE"},
		{"timestamp", text, "NOT NULL"},
		{"requester", text, "NOT NULL"},
		{"case_ref", text, "NOT NULL"},
		{"country", text, "NOT NULL"},
		{"as_of", text, "NOT NULL"},
		{"overall", text, "NOT NULL"},
		{"verdicts", text, "NOT NULL"},
		{"input_digest", text, "NOT NULL"},
		{"result_digest", text, "NOT NULL"},
		{"policy_revision", text, "NOT NULL"},
		{"engine_version", text, "NOT NULL"},
		{"eval_time", text, "NOT NULL"},
		{"prev_hash", text, "NOT NULL"},
		{"hash", text, "NOT NULL"},
	}}
	documentsTable = table{name: "documents", what: "audit documents", columns: []column{
		{"digest", text, "PRIMARY KEY"},
		{"content", text, "NOT NULL"},
	}}
	chainHeadTable = table{name: "chain_head", columns: []column{
		{"id", integer, "PRIMARY KEY CHECK (id = 1)"},
		{"seq", bigint, "NOT NULL"},
		{"hash", text, "NOT NULL"},
	}}
	policyFilesTable = table{name: "policy_files", what: "archived policy files", columns: []column{
		{"digest", text, "PRIMARY KEY"},
		{"size", bigint, "NOT NULL"},
		{"content", blob, "NOT NULL"},
	}}
	policyRevisionsTable = table{name: "policy_revisions", what: "archived policy revisions", columns: []column{
		{"revision", text, "NOT NULL"},
		{"path", text, "NOT NULL"},
		{"digest", text, "NOT NULL REFERENCES policy_files (digest)"},
	}, constraints: []string{"PRIMARY KEY (revision, path)"}}
	treeHashesTable = table{name: "tree_hashes", what: "audit tree hashes", columns: []column{
		{"id", bigint, "PRIMARY KEY"},
		{"hash", blob, "NOT NULL"},
	}}
)

// schema is every step, in order: schema[i] brings a store to version i+1.
var schema = []schemaStep{
	{
		description: "records, chain head, policy archive",
		tables:      []table{recordsTable, documentsTable, chainHeadTable, policyFilesTable, policyRevisionsTable},
		indexes: []index{
			{name: "records_country", table: "records", columns: []string{"country", "timestamp"}, bytewise: "timestamp"},
			{name: "records_timestamp", table: "records", columns: []string{"timestamp"}, bytewise: "timestamp"},
			{name: "records_hash", table: "records", columns: []string{"hash"}},
		},
		rows:       []string{`INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '` + GenesisHash + `')`},
		appendOnly: []string{"records", "documents", "policy_files", "policy_revisions"},
		noTruncate: []string{"records"},
	},
	{
		description: "Merkle tree hashes, chain head only moves forward",
		tables:      []table{treeHashesTable},
		appendOnly:  []string{"tree_hashes"},
		noTruncate:  []string{"tree_hashes", "documents", "chain_head"},
		headForward: true,
		backfill:    backfillTree,
	},
}

// tableNames lists every table of the schema (those of other applications may share a
// PostgreSQL schema).
func tableNames() []string {
	var out []string
	for _, st := range schema {
		for _, t := range st.tables {
			out = append(out, t.name)
		}
	}
	return out
}

func tableByName(name string) table {
	for _, st := range schema {
		for _, t := range st.tables {
			if t.name == name {
				return t
			}
		}
	}
	panic("audit schema: no table " + name)
}

// dialect spells the schema in one SQL dialect.
type dialectSchema struct {
	types       map[colType]string
	tableSuffix string                 // after CREATE TABLE (...): " STRICT" in SQLite
	collate     string                 // after a bytewise index column
	appendOnly  func(t table) []string // guards that refuse UPDATE and DELETE
	noTruncate  func(t table) []string
	headForward []string
	functions   []string // created before the first guard (PostgreSQL's trigger functions)
}

// migrations renders every step of the schema.
func (d dialectSchema) migrations() []migration {
	out := make([]migration, 0, len(schema))
	functions := d.functions
	for _, st := range schema {
		m := migration{description: st.description, backfill: st.backfill}
		for _, t := range st.tables {
			m.statements = append(m.statements, d.createTable(t))
		}
		m.statements = append(m.statements, st.rows...)
		for _, ix := range st.indexes {
			cols := make([]string, len(ix.columns))
			for j, c := range ix.columns {
				cols[j] = c
				if c == ix.bytewise {
					cols[j] += d.collate
				}
			}
			m.statements = append(m.statements, fmt.Sprintf("CREATE INDEX %s ON %s (%s)", ix.name, ix.table, strings.Join(cols, ", ")))
		}
		if len(st.appendOnly)+len(st.noTruncate) > 0 || st.headForward {
			m.statements = append(m.statements, functions...)
			functions = nil
		}
		for _, name := range st.appendOnly {
			m.statements = append(m.statements, d.appendOnly(tableByName(name))...)
		}
		if d.noTruncate != nil {
			for _, name := range st.noTruncate {
				m.statements = append(m.statements, d.noTruncate(tableByName(name))...)
			}
		}
		if st.headForward {
			m.statements = append(m.statements, d.headForward...)
		}
		out = append(out, m)
	}
	return out
}

func (d dialectSchema) createTable(t table) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (\n", t.name)
	lines := make([]string, 0, len(t.columns)+len(t.constraints))
	for _, c := range t.columns {
		lines = append(lines, fmt.Sprintf("\t%s %s %s", c.name, d.types[c.typ], c.def))
	}
	for _, c := range t.constraints {
		lines = append(lines, "\t"+c)
	}
	b.WriteString(strings.Join(lines, ",\n"))
	b.WriteString("\n)" + d.tableSuffix)
	return b.String()
}

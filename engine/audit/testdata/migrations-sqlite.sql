-- migration 1: records, chain head, policy archive
CREATE TABLE records ( seq INTEGER PRIMARY KEY, record_version INTEGER NOT NULL, decision_id TEXT NOT NULL UNIQUE, timestamp TEXT NOT NULL, requester TEXT NOT NULL, case_ref TEXT NOT NULL, country TEXT NOT NULL, as_of TEXT NOT NULL, overall TEXT NOT NULL, verdicts TEXT NOT NULL, input_digest TEXT NOT NULL, result_digest TEXT NOT NULL, policy_revision TEXT NOT NULL, engine_version TEXT NOT NULL, eval_time TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL ) STRICT;
CREATE TABLE documents ( digest TEXT PRIMARY KEY, content TEXT NOT NULL ) STRICT;
CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents BEGIN SELECT RAISE(ABORT, 'audit documents are append-only'); END;
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents BEGIN SELECT RAISE(ABORT, 'audit documents are append-only'); END;
CREATE INDEX records_country ON records (country, timestamp);
CREATE INDEX records_timestamp ON records (timestamp);
CREATE INDEX records_hash ON records (hash);
CREATE TRIGGER records_no_update BEFORE UPDATE ON records BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TABLE chain_head ( id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL ) STRICT;
INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, 'sha256:0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE policy_files ( digest TEXT PRIMARY KEY, size INTEGER NOT NULL, content BLOB NOT NULL ) STRICT;
CREATE TABLE policy_revisions ( revision TEXT NOT NULL, path TEXT NOT NULL, digest TEXT NOT NULL REFERENCES policy_files (digest), PRIMARY KEY (revision, path) ) STRICT;
CREATE TRIGGER policy_files_no_update BEFORE UPDATE ON policy_files BEGIN SELECT RAISE(ABORT, 'archived policy files are append-only'); END;
CREATE TRIGGER policy_files_no_delete BEFORE DELETE ON policy_files BEGIN SELECT RAISE(ABORT, 'archived policy files are append-only'); END;
CREATE TRIGGER policy_revisions_no_update BEFORE UPDATE ON policy_revisions BEGIN SELECT RAISE(ABORT, 'archived policy revisions are append-only'); END;
CREATE TRIGGER policy_revisions_no_delete BEFORE DELETE ON policy_revisions BEGIN SELECT RAISE(ABORT, 'archived policy revisions are append-only'); END;
-- migration 2: Merkle tree hashes, chain head only moves forward
CREATE TABLE tree_hashes ( id INTEGER PRIMARY KEY, hash BLOB NOT NULL ) STRICT;
CREATE TRIGGER tree_hashes_no_update BEFORE UPDATE ON tree_hashes BEGIN SELECT RAISE(ABORT, 'audit tree hashes are append-only'); END;
CREATE TRIGGER tree_hashes_no_delete BEFORE DELETE ON tree_hashes BEGIN SELECT RAISE(ABORT, 'audit tree hashes are append-only'); END;
CREATE TRIGGER chain_head_no_rewind BEFORE UPDATE ON chain_head WHEN NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash) BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be rewound'); END;
CREATE TRIGGER chain_head_no_delete BEFORE DELETE ON chain_head BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be removed'); END;

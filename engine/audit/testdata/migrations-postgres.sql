-- migration 1: records, chain head, policy archive
CREATE TABLE records ( seq BIGINT PRIMARY KEY, record_version INTEGER NOT NULL, decision_id TEXT NOT NULL UNIQUE, timestamp TEXT NOT NULL, requester TEXT NOT NULL, case_ref TEXT NOT NULL, country TEXT NOT NULL, as_of TEXT NOT NULL, overall TEXT NOT NULL, verdicts TEXT NOT NULL, input_digest TEXT NOT NULL, result_digest TEXT NOT NULL, policy_revision TEXT NOT NULL, engine_version TEXT NOT NULL, eval_time TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL );
CREATE TABLE documents ( digest TEXT PRIMARY KEY, content TEXT NOT NULL );
CREATE INDEX records_country ON records (country, timestamp COLLATE "C");
CREATE INDEX records_timestamp ON records (timestamp COLLATE "C");
CREATE INDEX records_hash ON records (hash);
CREATE TABLE chain_head ( id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash TEXT NOT NULL );
INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, 'sha256:0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE policy_files ( digest TEXT PRIMARY KEY, size BIGINT NOT NULL, content BYTEA NOT NULL );
CREATE TABLE policy_revisions ( revision TEXT NOT NULL, path TEXT NOT NULL, digest TEXT NOT NULL REFERENCES policy_files (digest), PRIMARY KEY (revision, path) );
CREATE FUNCTION exportrisk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit % are append-only', TG_TABLE_NAME; END $$;
CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON records FOR EACH ROW EXECUTE FUNCTION exportrisk_append_only();
CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON records FOR EACH STATEMENT EXECUTE FUNCTION exportrisk_append_only();
CREATE TRIGGER documents_append_only BEFORE UPDATE OR DELETE ON documents FOR EACH ROW EXECUTE FUNCTION exportrisk_append_only();
CREATE TRIGGER policy_files_append_only BEFORE UPDATE OR DELETE ON policy_files FOR EACH ROW EXECUTE FUNCTION exportrisk_append_only();
CREATE TRIGGER policy_revisions_append_only BEFORE UPDATE OR DELETE ON policy_revisions FOR EACH ROW EXECUTE FUNCTION exportrisk_append_only();
-- migration 2: Merkle tree hashes, chain head only moves forward
CREATE TABLE tree_hashes ( id BIGINT PRIMARY KEY, hash BYTEA NOT NULL );
CREATE TRIGGER tree_hashes_append_only BEFORE UPDATE OR DELETE ON tree_hashes FOR EACH ROW EXECUTE FUNCTION exportrisk_append_only();
CREATE TRIGGER tree_hashes_no_truncate BEFORE TRUNCATE ON tree_hashes FOR EACH STATEMENT EXECUTE FUNCTION exportrisk_append_only();
CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON documents FOR EACH STATEMENT EXECUTE FUNCTION exportrisk_append_only();
CREATE FUNCTION exportrisk_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'the audit chain head cannot be removed'; END IF; IF NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash) THEN RAISE EXCEPTION 'the audit chain head cannot be rewound'; END IF; RETURN NEW; END $$;
CREATE TRIGGER chain_head_forward BEFORE UPDATE OR DELETE ON chain_head FOR EACH ROW EXECUTE FUNCTION exportrisk_head_forward();
CREATE TRIGGER chain_head_no_truncate BEFORE TRUNCATE ON chain_head FOR EACH STATEMENT EXECUTE FUNCTION exportrisk_append_only();

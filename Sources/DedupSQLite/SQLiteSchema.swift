import DedupCore

/// The ledger's schema and its versioned migrations, tracked in `PRAGMA user_version`.
///
/// Migrations only ever append: a database is moved forward one version at a time, each step in its own
/// transaction, and a database from a newer agent-dedup is refused rather than misread.
enum SQLiteSchema {
    static let migrations: [String] = [
        // Version 1: the calls table.
        """
        CREATE TABLE calls (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            tenant TEXT NOT NULL,
            scope TEXT NOT NULL,
            tool TEXT NOT NULL,
            arguments TEXT NOT NULL,
            canonical TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            intent_key TEXT,
            idempotency_key TEXT,
            identity_group INTEGER NOT NULL,
            signature TEXT NOT NULL,
            embedding BLOB,
            status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
            result TEXT,
            error TEXT,
            retryable INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 1,
            lease_expires_at INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            completed_at INTEGER,
            expires_at INTEGER NOT NULL
        );
        CREATE INDEX calls_fingerprint ON calls (tenant, scope, tool, fingerprint);
        CREATE INDEX calls_intent ON calls (tenant, scope, tool, intent_key) WHERE intent_key IS NOT NULL;
        CREATE UNIQUE INDEX calls_idempotency_key ON calls (tenant, idempotency_key)
            WHERE idempotency_key IS NOT NULL;
        CREATE INDEX calls_scope ON calls (tenant, scope, created_at);
        CREATE INDEX calls_expiry ON calls (expires_at);
        """,
        // Version 2: the audit timeline.
        """
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant TEXT NOT NULL,
            scope TEXT NOT NULL,
            tool TEXT NOT NULL,
            call_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            layer TEXT,
            score REAL,
            attempt INTEGER NOT NULL,
            status TEXT,
            at INTEGER NOT NULL,
            detail TEXT NOT NULL
        );
        CREATE INDEX events_scope ON events (tenant, scope, seq);
        CREATE INDEX events_at ON events (at);
        """,
        // Version 3: which normaliser rules, policy and embedder model made each record's keys and vector.
        """
        ALTER TABLE calls ADD COLUMN key_version TEXT NOT NULL DEFAULT '';
        ALTER TABLE calls ADD COLUMN model_id TEXT NOT NULL DEFAULT '';
        """,
        // Version 4: a partition's rows in store order, for loading one partition into the index on first use.
        """
        CREATE INDEX calls_partition_seq ON calls (tenant, scope, tool, seq);
        """,
        // Version 5: a change sequence, renumbered by every write that may extend a row's window, so the
        // vector index of every process sharing the file reads the new expiry (loading goes by it now).
        // The counter is a table of its own: unlike the rows' own maximum it never goes back when the
        // newest row is pruned, and a number is never handed out twice in committed data. It starts past
        // every `seq` ever handed out. The trigger numbers rows inserted without one: those of a process
        // of the previous version that opened the file before this migration and is still running.
        """
        ALTER TABLE calls ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
        UPDATE calls SET change_seq = seq;
        CREATE TABLE change_sequence (value INTEGER NOT NULL);
        INSERT INTO change_sequence (value) SELECT max(
            coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'calls'), 0),
            coalesce((SELECT max(seq) FROM calls), 0)
        );
        CREATE TRIGGER calls_unnumbered AFTER INSERT ON calls WHEN NEW.change_seq = 0 BEGIN
            UPDATE change_sequence SET value = value + 1;
            UPDATE calls SET change_seq = (SELECT value FROM change_sequence) WHERE seq = NEW.seq;
        END;
        DROP INDEX calls_partition_seq;
        CREATE INDEX calls_partition_change ON calls (tenant, scope, tool, change_seq);
        """,
        // Version 6: each row's compact index code (`IndexCode`) in a covering index, so loading a
        // partition reads ~370 bytes a row in index order instead of 0.5–1 KiB embeddings from the table's
        // overflow pages, and computes nothing (a million rows: seconds, not tens of seconds). Rows of
        // earlier versions keep a NULL code and load from their embedding; exact-only rows get an empty
        // one. The versions index makes the ledger's open-time version check an index scan, not a read
        // of the whole table.
        """
        ALTER TABLE calls ADD COLUMN index_code BLOB;
        UPDATE calls SET index_code = X'' WHERE embedding IS NULL OR length(embedding) = 0;
        DROP INDEX calls_partition_change;
        CREATE INDEX calls_partition_codes
            ON calls (tenant, scope, tool, change_seq, id, identity_group, expires_at, index_code);
        CREATE INDEX calls_versions ON calls (tool, key_version, model_id, expires_at);
        """,
        // Version 7: embeddings are written as Float16 halves (`CallRow.bytes(of:)`), so a row fits half a
        // page; rows written before keep their Float32 values and read as before. Nothing changes in the
        // tables: the version exists so an older agent-dedup refuses the file instead of reading the new
        // vectors as absent.
        "SELECT 1",
    ]

    static func migrate(_ connection: SQLiteConnection) throws(DedupError) {
        var version: Int64 = 0
        try connection.query("PRAGMA user_version") { row in version = row.integer(0) }
        guard version <= Int64(migrations.count) else {
            throw .storage(
                "the database \(connection.path) has schema version \(version), newer than this agent-dedup "
                    + "understands (\(migrations.count)); upgrade agent-dedup"
            )
        }
        for next in Int(version)..<migrations.count {
            try connection.execute("BEGIN IMMEDIATE")
            do {
                try connection.execute(migrations[next])
                try connection.execute("PRAGMA user_version = \(next + 1)")
                try connection.execute("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }
}

import DedupCore
import Logging
import PostgresNIO

/// The ledger's PostgreSQL schema and its versioned migrations, tracked in `dedup_schema`.
///
/// Replicas starting together migrate one at a time under a session advisory lock; each step runs in its
/// own transaction, and a database from a newer agent-dedup is refused rather than misread.
enum PostgresSchema {
    /// A fixed advisory-lock key for migrations ("dedupmig").
    static let migrationLock: Int64 = 0x6465_6475_706d_6967

    static let migrations: [[PostgresQuery]] = [
        [
            """
            CREATE TABLE calls (
                seq BIGSERIAL PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                tenant TEXT NOT NULL,
                scope TEXT NOT NULL,
                tool TEXT NOT NULL,
                arguments TEXT NOT NULL,
                canonical TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                intent_key TEXT,
                idempotency_key TEXT,
                identity_group BIGINT NOT NULL,
                signature TEXT NOT NULL,
                embedding BYTEA,
                status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
                result TEXT,
                error TEXT,
                retryable BOOLEAN NOT NULL DEFAULT FALSE,
                attempts INTEGER NOT NULL DEFAULT 1,
                lease_expires_at BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                completed_at BIGINT,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX calls_partition_seq ON calls (tenant, scope, tool, seq)",
            "CREATE INDEX calls_fingerprint ON calls (tenant, scope, tool, fingerprint)",
            "CREATE INDEX calls_intent ON calls (tenant, scope, tool, intent_key) WHERE intent_key IS NOT NULL",
            """
            CREATE UNIQUE INDEX calls_idempotency_key ON calls (tenant, idempotency_key)
            WHERE idempotency_key IS NOT NULL
            """,
            "CREATE INDEX calls_scope ON calls (tenant, scope, created_at)",
            "CREATE INDEX calls_expiry ON calls (expires_at)",
            """
            CREATE TABLE events (
                seq BIGSERIAL PRIMARY KEY,
                tenant TEXT NOT NULL,
                scope TEXT NOT NULL,
                tool TEXT NOT NULL,
                call_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                layer TEXT,
                score DOUBLE PRECISION,
                attempt INTEGER NOT NULL,
                status TEXT,
                at BIGINT NOT NULL,
                detail TEXT NOT NULL
            )
            """,
            "CREATE INDEX events_scope ON events (tenant, scope, seq)",
            "CREATE INDEX events_at ON events (at)",
        ],
        // Version 2: which normaliser rules, policy and embedder model made each record's keys and vector.
        [
            "ALTER TABLE calls ADD COLUMN key_version TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE calls ADD COLUMN model_id TEXT NOT NULL DEFAULT ''",
        ],
        // Version 3: a change sequence, renumbered by every write that may extend a row's window, so the
        // vector index of every replica reads the new expiry (loading goes by it now). Adding the column
        // numbers the existing rows once each.
        [
            "CREATE SEQUENCE calls_change_seq",
            "ALTER TABLE calls ADD COLUMN change_seq BIGINT NOT NULL DEFAULT nextval('calls_change_seq')",
            "ALTER SEQUENCE calls_change_seq OWNED BY calls.change_seq",
            "DROP INDEX calls_partition_seq",
            "CREATE INDEX calls_partition_change ON calls (tenant, scope, tool, change_seq)",
        ],
        // Version 4: embeddings are written as Float16 halves (`CallRow.bytes(of:)`); rows written before
        // keep their Float32 values and read as before. Nothing changes in the tables: the version exists so
        // an older agent-dedup refuses the database instead of reading the new vectors as absent.
        ["SELECT 1"],
    ]

    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(migrationLock))", logger: logger)
            do {
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS dedup_schema (version INTEGER NOT NULL)",
                    logger: logger
                )
                var version = 0
                for try await (value)
                    in try await connection.query("SELECT max(version) FROM dedup_schema", logger: logger)
                    .decode(Int?.self)
                {
                    version = value ?? 0
                }
                guard version <= migrations.count else {
                    throw DedupError.storage(
                        "the PostgreSQL database has schema version \(version), newer than this agent-dedup "
                            + "understands (\(migrations.count)); upgrade agent-dedup"
                    )
                }
                for next in version..<migrations.count {
                    try await connection.withTransaction(logger: logger) { connection in
                        for statement in migrations[next] { try await connection.query(statement, logger: logger) }
                        try await connection.query(
                            "INSERT INTO dedup_schema (version) VALUES (\(next + 1))",
                            logger: logger
                        )
                    }
                }
                try await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
                throw error
            }
        }
    }
}

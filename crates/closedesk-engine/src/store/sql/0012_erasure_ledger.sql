-- closedesk schema, step 13: the erasure ledger and the catalogue of database copies.
-- Released: never edit; add a new step instead.

-- One row per purged account: its id and when it was purged, nothing personal. Written in the
-- purge's own transaction and mirrored to a sidecar file beside the database (see
-- erasure/ledger_file.rs), so that every restore of an older copy erases these accounts again.
CREATE TABLE erasures (
    account_id INTEGER PRIMARY KEY,
    purged_at  INTEGER NOT NULL
);
-- Accounts purged before the ledger existed are in it too: their tombstones say when.
INSERT OR IGNORE INTO erasures (account_id, purged_at) SELECT account_id, closed_at FROM tombstones;

-- Every copy of the whole database `backup-db` wrote: where, when, its checksum and size, and
-- until when it may be kept (backup_retention_days after it was taken). `removed_at` is set
-- once closedesk deleted it (prune or the admin page).
CREATE TABLE db_copies (
    id           INTEGER PRIMARY KEY,
    path         TEXT    NOT NULL,
    taken_at     INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    bytes        INTEGER NOT NULL,
    retain_until INTEGER NOT NULL,
    removed_at   INTEGER
);
CREATE INDEX db_copies_taken_at ON db_copies(taken_at);

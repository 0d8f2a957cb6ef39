-- closedesk schema, step 9: the audit trail becomes a hash chain.
-- Released: never edit; add a new step instead.

-- Each line keeps the SHA-256 of its own fields and of the line before it (see
-- core::audit_chain); prev_hash is that line's hash, 32 zero bytes for the first line.
-- NULL only for a line written outside closedesk's audit writer, which the check reports.
-- The lines already present are chained right after this step, in the same transaction
-- (store::audit::chain_existing).
ALTER TABLE audit_events ADD COLUMN prev_hash BLOB;
ALTER TABLE audit_events ADD COLUMN hash BLOB;

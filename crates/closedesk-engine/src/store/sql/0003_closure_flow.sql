-- closedesk schema, step 3: the closure wizard's saved state, and the indexes a purge needs.
-- Released: never edit; add a new step instead.

-- The unfinished closure or cancellation of an account: core::closure::Wizard as JSON.
-- It holds codes only as hashes, never a password or a code.
CREATE TABLE closure_attempts (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('close', 'cancel')),
    state_json TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Deleting an order or an address checks the rows that point at it: without these indexes
-- a purge would scan whole tables once per deleted row.
CREATE INDEX reviews_order ON reviews(order_id);
CREATE INDEX conversations_order ON conversations(order_id);
CREATE INDEX orders_address ON orders(address_id);

-- closedesk schema, step 1. Released: never edit; add a new step instead.
-- All times are UTC, stored as INTEGER Unix seconds in columns named *_at.
-- Money is INTEGER minor units (cents) with an ISO 4217 currency code beside it.

-- AUTOINCREMENT: an id is never handed out again after a purge, so a tombstone and the
-- audit trail can never be confused with a later account.
CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    display_name TEXT    NOT NULL,
    email        TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    phone        TEXT,
    country      TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'active'
                 CHECK (status IN ('active', 'closure_pending', 'closed'))
);
CREATE INDEX accounts_status ON accounts(status);
CREATE INDEX accounts_display_name ON accounts(display_name COLLATE NOCASE);

CREATE TABLE credentials (
    account_id   INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    password_phc TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE addresses (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    recipient   TEXT    NOT NULL,
    line1       TEXT    NOT NULL,
    line2       TEXT,
    city        TEXT    NOT NULL,
    region      TEXT,
    postal_code TEXT    NOT NULL,
    country     TEXT    NOT NULL,
    phone       TEXT,
    is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1))
);
CREATE INDEX addresses_account ON addresses(account_id);

CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    order_number TEXT    NOT NULL UNIQUE,
    placed_at    INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('awaiting_payment', 'pending', 'in_transit',
                                                    'delivered', 'completed', 'cancelled', 'refunded')),
    seller       TEXT    NOT NULL,
    total_minor  INTEGER NOT NULL CHECK (total_minor >= 0),
    currency     TEXT    NOT NULL CHECK (length(currency) = 3),
    address_id   INTEGER REFERENCES addresses(id) ON DELETE SET NULL
);
CREATE INDEX orders_account_placed ON orders(account_id, placed_at);
CREATE INDEX orders_account_status ON orders(account_id, status);

CREATE TABLE order_items (
    id               INTEGER PRIMARY KEY,
    order_id         INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    title            TEXT    NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0)
);
CREATE INDEX order_items_order ON order_items(order_id);

-- Payment methods never hold a full card number: brand, last four and expiry only.
CREATE TABLE payment_methods (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    brand      TEXT    NOT NULL,
    last4      TEXT    NOT NULL CHECK (length(last4) = 4 AND last4 NOT GLOB '*[^0-9]*'),
    exp_month  INTEGER NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year   INTEGER NOT NULL,
    added_at   INTEGER NOT NULL
);
CREATE INDEX payment_methods_account ON payment_methods(account_id);

CREATE TABLE conversations (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    seller     TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    order_id   INTEGER REFERENCES orders(id) ON DELETE SET NULL,
    started_at INTEGER NOT NULL
);
CREATE INDEX conversations_account ON conversations(account_id, started_at);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    sent_at         INTEGER NOT NULL,
    from_customer   INTEGER NOT NULL CHECK (from_customer IN (0, 1)),
    body            TEXT    NOT NULL
);
CREATE INDEX messages_conversation ON messages(conversation_id, sent_at);

CREATE TABLE disputes (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    order_id     INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    opened_at    INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('open', 'awaiting_seller', 'resolved', 'closed')),
    reason       TEXT    NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency     TEXT    NOT NULL CHECK (length(currency) = 3)
);
CREATE INDEX disputes_account_status ON disputes(account_id, status);
CREATE INDEX disputes_order ON disputes(order_id);

-- Money the platform holds for the customer, as a ledger: credits positive, withdrawals negative.
CREATE TABLE ledger_entries (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('refund', 'gift_card')),
    amount_minor INTEGER NOT NULL,
    currency     TEXT    NOT NULL CHECK (length(currency) = 3),
    created_at   INTEGER NOT NULL,
    memo         TEXT    NOT NULL
);
CREATE INDEX ledger_entries_account ON ledger_entries(account_id, kind, created_at);

-- Reviews outlive the account: on purge account_id becomes NULL and the author shows as "Deleted user".
CREATE TABLE reviews (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    order_id   INTEGER REFERENCES orders(id) ON DELETE SET NULL,
    seller     TEXT    NOT NULL,
    rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX reviews_account ON reviews(account_id, created_at);
CREATE INDEX reviews_seller ON reviews(seller);

CREATE TABLE coupons (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('coupon', 'benefit')),
    code        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    value_minor INTEGER NOT NULL CHECK (value_minor >= 0),
    currency    TEXT    NOT NULL CHECK (length(currency) = 3),
    expires_at  INTEGER,
    redeemed_at INTEGER
);
CREATE INDEX coupons_account ON coupons(account_id);

CREATE TABLE subscriptions (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    topic      TEXT    NOT NULL CHECK (topic IN ('marketing_email', 'promotions_push', 'newsletter', 'order_updates')),
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, topic)
) WITHOUT ROWID;

CREATE TABLE agents (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    role         TEXT    NOT NULL CHECK (role IN ('agent', 'admin')),
    password_phc TEXT    NOT NULL,
    disabled     INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at   INTEGER NOT NULL
);

-- The audit trail never holds personal data: ids, actions and outcomes only.
-- account_id is deliberately not a foreign key: the trail outlives the account.
CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    account_id INTEGER,
    actor_kind TEXT    NOT NULL CHECK (actor_kind IN ('customer', 'agent', 'system')),
    actor_id   INTEGER,
    action     TEXT    NOT NULL,
    outcome    TEXT    NOT NULL
);
CREATE INDEX audit_events_account ON audit_events(account_id, at);
CREATE INDEX audit_events_at ON audit_events(at);

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    to_addr    TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    eml_file   TEXT    NOT NULL
);
CREATE INDEX outbox_account ON outbox(account_id, created_at);

CREATE TABLE closure_requests (
    account_id   INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    requested_at INTEGER NOT NULL,
    purge_after  INTEGER NOT NULL,
    reason_code  TEXT    NOT NULL,
    note         TEXT,
    backup_taken INTEGER NOT NULL CHECK (backup_taken IN (0, 1))
);
CREATE INDEX closure_requests_purge_after ON closure_requests(purge_after);

-- What remains of a purged account: no personal data.
CREATE TABLE tombstones (
    account_id  INTEGER PRIMARY KEY,
    closed_at   INTEGER NOT NULL,
    reason_code TEXT    NOT NULL
);

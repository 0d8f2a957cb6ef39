-- closedesk schema, step 2: sign-in throttling and synthetic seed batches.
-- Released: never edit; add a new step instead.

-- Consecutive failed sign-ins per account or agent; a success clears the row.
CREATE TABLE sign_in_failures (
    subject_kind    TEXT    NOT NULL CHECK (subject_kind IN ('customer', 'agent')),
    subject_id      INTEGER NOT NULL,
    failures        INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    PRIMARY KEY (subject_kind, subject_id)
) WITHOUT ROWID;

-- Each `closedesk seed` run takes the next batch number inside a write transaction, so
-- concurrent runs never hand out the same synthetic email address.
CREATE TABLE seed_batches (
    id          INTEGER PRIMARY KEY,
    seed        INTEGER NOT NULL,
    accounts    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE INDEX orders_order_number_nocase ON orders(order_number COLLATE NOCASE);

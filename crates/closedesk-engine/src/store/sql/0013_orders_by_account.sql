-- closedesk schema, step 13: an account's orders in the order they were recorded.
-- Released: never edit; add a new step instead.

-- An index on account_id alone keeps each account's entries in rowid order: a backup reads an
-- account's orders, and through them their items, front to back through the table instead of
-- jumping about it in date order (orders are not always recorded in date order), and needs no
-- sort.
CREATE INDEX orders_account ON orders(account_id);

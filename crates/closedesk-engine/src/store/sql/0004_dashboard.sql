-- closedesk schema, step 4: the indexes the dashboards' tables page and filter with.
-- Released: never edit; add a new step instead.

-- The orders tab filtered by status (e.g. "in transit", from the readiness panel) and sorted by
-- date walks this index instead of sorting the account's orders. It starts with the columns
-- of orders_account_status, which it replaces for the readiness counts.
CREATE INDEX orders_account_status_placed ON orders(account_id, status, placed_at);
DROP INDEX orders_account_status;

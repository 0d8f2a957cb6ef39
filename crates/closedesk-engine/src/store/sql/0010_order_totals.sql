-- closedesk schema, step 10: indexes that let the dashboards of a 100,000-order account read
-- their totals and sorted pages from one index each, instead of from every order's row.
-- Released: never edit; add a new step instead.

-- The overview's totals per status and per month read status, date, currency and total from
-- this index alone. It starts with the columns of orders_account_status_placed, which it
-- replaces for the status filter and the readiness counts.
CREATE INDEX orders_account_status_totals ON orders(account_id, status, placed_at, currency, total_minor);
DROP INDEX orders_account_status_placed;

-- The orders tab sorted by total walks this index: its entries come in total, then id, order.
CREATE INDEX orders_account_total ON orders(account_id, total_minor);

-- closedesk schema, step 12: code mails expire, and confirmation codes are kept as HMAC-SHA-256 digests under a key
-- outside the database (see code_key.rs). The unkeyed SHA-256 digests of earlier versions give
-- the code back to anyone with a copy of the database: they are overwritten (secure_delete is
-- on) and their codes voided. A customer who was waiting for one asks for a new code.
-- Released: never edit; add a new step instead.

UPDATE closure_attempts
SET state_json = json_set(
        state_json,
        '$.code.hash', json('[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]'),
        '$.code.spent', json('true')
    )
WHERE json_type(state_json, '$.code') = 'object';

-- A mail carrying a one-time code is removed (row and file) once its code is used, replaced,
-- voided or past this instant; NULL for other mail, which goes at the account's purge. Code
-- mails of earlier versions (their stored body masks the code) expire at once: their codes
-- were voided above.
ALTER TABLE outbox ADD COLUMN code_expires_at INTEGER;
UPDATE outbox SET code_expires_at = created_at WHERE body LIKE '%******%';

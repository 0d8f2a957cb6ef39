-- closedesk schema, step 8: failed sign-ins with a login that matches no account or agent are
-- counted too, so the throttle answers alike whether the login exists or not.
-- Released: never edit; add a new step instead.

-- Such a login is kept only as a SHA-256 digest keyed with this database's own random key, and
-- only until its failures are forgotten (see core::sign_in_policy).
CREATE TABLE sign_in_login_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB    NOT NULL CHECK (length(key) = 32)
);
INSERT INTO sign_in_login_key (id, key) VALUES (1, randomblob(32));

CREATE TABLE sign_in_unknown_failures (
    login_digest    BLOB    PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL
) WITHOUT ROWID;

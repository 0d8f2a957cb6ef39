-- closedesk schema, step 5: a full-text index of customers' names and emails for agent search.
-- Released: never edit; add a new step instead.

-- External content: the index holds tokens only, kept in step with `accounts` by triggers.
-- remove_diacritics lets "garcia" find "García"; the prefix indexes serve what an agent types
-- first (two or three letters) without merging every term that starts with them.
CREATE VIRTUAL TABLE account_search USING fts5(
    display_name,
    email,
    content = 'accounts',
    content_rowid = 'id',
    prefix = '2 3',
    detail = none,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- With secure-delete, tokens of a deleted (purged) account are removed from the index pages
-- rather than left behind as "delete" markers.
INSERT INTO account_search (account_search, rank) VALUES ('secure-delete', 1);

INSERT INTO account_search (rowid, display_name, email) SELECT id, display_name, email FROM accounts;

CREATE TRIGGER accounts_search_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO account_search (rowid, display_name, email) VALUES (new.id, new.display_name, new.email);
END;

CREATE TRIGGER accounts_search_delete AFTER DELETE ON accounts BEGIN
    INSERT INTO account_search (account_search, rowid, display_name, email)
    VALUES ('delete', old.id, old.display_name, old.email);
END;

CREATE TRIGGER accounts_search_update AFTER UPDATE OF display_name, email ON accounts BEGIN
    INSERT INTO account_search (account_search, rowid, display_name, email)
    VALUES ('delete', old.id, old.display_name, old.email);
    INSERT INTO account_search (rowid, display_name, email) VALUES (new.id, new.display_name, new.email);
END;

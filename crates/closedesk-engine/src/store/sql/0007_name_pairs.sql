-- closedesk schema, step 7: an index of name-word pairs, so a two-word search reads only the
-- accounts whose name holds both words, however many customers share either one.
-- Released: never edit; add a new step instead.

-- Contentless: the tokens come from `closedesk_name_pairs(display_name)`, a function closedesk
-- registers on each connection (src/store/name_pairs.rs); '_' joins a pair into one token.
CREATE VIRTUAL TABLE account_name_pairs USING fts5(
    pairs,
    content = '',
    detail = none,
    tokenize = "unicode61 remove_diacritics 2 tokenchars '_'"
);

-- As for account_search: a purged account's tokens are removed from the index pages.
INSERT INTO account_name_pairs (account_name_pairs, rank) VALUES ('secure-delete', 1);

INSERT INTO account_name_pairs (rowid, pairs) SELECT id, closedesk_name_pairs(display_name) FROM accounts;

CREATE TRIGGER accounts_name_pairs_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO account_name_pairs (rowid, pairs) VALUES (new.id, closedesk_name_pairs(new.display_name));
END;

CREATE TRIGGER accounts_name_pairs_delete AFTER DELETE ON accounts BEGIN
    INSERT INTO account_name_pairs (account_name_pairs, rowid, pairs)
    VALUES ('delete', old.id, closedesk_name_pairs(old.display_name));
END;

CREATE TRIGGER accounts_name_pairs_update AFTER UPDATE OF display_name ON accounts BEGIN
    INSERT INTO account_name_pairs (account_name_pairs, rowid, pairs)
    VALUES ('delete', old.id, closedesk_name_pairs(old.display_name));
    INSERT INTO account_name_pairs (rowid, pairs) VALUES (new.id, closedesk_name_pairs(new.display_name));
END;

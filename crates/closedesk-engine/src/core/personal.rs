//! The one list of personal data: every column of every table of the schema, classified.
//!
//! A column is a customer's personal data (and then: how an agent's screen masks it, and
//! whether the purge's byte scan looks for its values afterwards), a secret (never exported,
//! never shown), part of a full-text index of personal columns, or none of these. What the
//! purge does with each table's rows is said here too. The agent masking, the masked filters,
//! the purge's scan values and the closure summary are looked up in this list, and tests hold
//! the list, the schema and the backup's columns to each other: a column the schema has and
//! this list lacks fails them, so a new personal column cannot be forgotten and shown unmasked.

use crate::core::masking::{mask_email, mask_name, mask_phone, mask_postal_code, mask_street};

/// What a hidden value shows on an agent's screen: a mail's body may hold the customer's
/// one-time code, which the customer must read out themselves in an assisted closure.
pub const HIDDEN: &str = "(hidden on agent screens)";

/// How a personal value is masked on an agent's screen until it is revealed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mask {
    /// The start of the address and its domain ([`mask_email`]).
    Email,
    /// The last two digits ([`mask_phone`]).
    Phone,
    /// The first letter of each word ([`mask_name`]).
    Name,
    /// The first letter of each word, no digit ([`mask_street`]).
    Street,
    /// The first two characters ([`mask_postal_code`]).
    PostalCode,
    /// Nothing: [`HIDDEN`] instead.
    Hidden,
}

impl Mask {
    /// `text` as an agent sees it.
    #[must_use]
    pub fn apply(self, text: &str) -> String {
        match self {
            Self::Email => mask_email(text),
            Self::Phone => mask_phone(text),
            Self::Name => mask_name(text),
            Self::Street => mask_street(text),
            Self::PostalCode => mask_postal_code(text),
            Self::Hidden => HIDDEN.to_owned(),
        }
    }
}

/// Whether the purge's byte scan looks for a personal column's values once the rows are gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scan {
    /// Not looked for: free text whose words are common, or a short value (a postal code)
    /// that other rows rightly hold.
    No,
    /// Looked for byte for byte.
    Exact,
    /// Looked for as stored and lowercased: an email is matched without regard to case.
    AnyCase,
}

/// A customer's personal data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Personal {
    /// How an agent's screen shows it before a reveal; `None`: readable, for the reason the
    /// list gives beside it. A masked column is also skipped by the text filter while masked,
    /// so that a match cannot confirm a guess at what the mask hides.
    pub mask: Option<Mask>,
    /// Whether the purge's byte scan looks for its values.
    pub scan: Scan,
}

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Nothing about a customer as a person: ids, dates, amounts, statuses, sellers.
    NotPersonal,
    /// A customer's personal data.
    Personal(Personal),
    /// The tokens of personal columns in a full-text index: kept in step with its table by
    /// triggers (and removed with it by secure-delete); never read back, shown or exported.
    Indexed,
    /// A secret: a password hash, a code's hash, a key. Never exported, never shown.
    Secret,
}

impl Class {
    /// The mask an agent's screen applies, if the column is personal and masked.
    pub fn mask(self) -> Option<Mask> {
        match self {
            Self::Personal(personal) => personal.mask,
            Self::NotPersonal | Self::Indexed | Self::Secret => None,
        }
    }

    /// How the purge's byte scan treats the column's values.
    pub fn scan(self) -> Scan {
        match self {
            Self::Personal(personal) => personal.scan,
            Self::NotPersonal | Self::Indexed | Self::Secret => Scan::No,
        }
    }
}

/// What the purge does with a table's rows of the purged account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Erased at the purge.
    Deleted,
    /// Kept, detached from the account.
    Anonymized,
    /// Kept, holding no personal data.
    KeptWithoutPersonalData,
    /// Not a customer's data: staff, the database's own bookkeeping.
    NotAccountData,
}

/// One table of the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Table {
    /// Its name in the schema.
    pub name: &'static str,
    /// What the purge does with the purged account's rows.
    pub fate: Fate,
    /// Every column, by name.
    pub columns: &'static [(&'static str, Class)],
}

impl Table {
    /// The class of `column`, if the table has it.
    pub fn class(&self, column: &str) -> Option<Class> {
        self.columns.iter().find(|(name, _)| *name == column).map(|(_, class)| *class)
    }
}

use Class::{Indexed, NotPersonal as No, Secret};

/// Masked for agents, scanned for after the purge.
const fn masked(mask: Mask, scan: Scan) -> Class {
    Class::Personal(Personal { mask: Some(mask), scan })
}

/// Readable by agents (the list says why beside each use).
const fn readable(scan: Scan) -> Class {
    Class::Personal(Personal { mask: None, scan })
}

/// The FTS5 table `name` and its shadow tables, which SQLite lists as tables of their own.
macro_rules! fts_tables {
    ($name:literal, [$($column:literal),*]) => {
        [
            Table { name: $name, fate: Fate::Deleted, columns: &[$(($column, Indexed)),*] },
            Table { name: concat!($name, "_config"), fate: Fate::Deleted, columns: &[("k", No), ("v", No)] },
            Table { name: concat!($name, "_data"), fate: Fate::Deleted, columns: &[("id", No), ("block", Indexed)] },
            Table { name: concat!($name, "_docsize"), fate: Fate::Deleted, columns: &[("id", No), ("sz", No)] },
            Table {
                name: concat!($name, "_idx"),
                fate: Fate::Deleted,
                columns: &[("segid", No), ("term", Indexed), ("pgno", No)],
            },
        ]
    };
}

const ACCOUNT_SEARCH: [Table; 5] = fts_tables!("account_search", ["display_name", "email"]);
const ACCOUNT_NAME_PAIRS: [Table; 5] = fts_tables!("account_name_pairs", ["pairs"]);

/// Every table of the schema, with every column.
pub const TABLES: &[Table] = &[
    Table {
        name: "accounts",
        fate: Fate::Deleted,
        columns: &[
            ("id", No),
            // Readable: agents find and greet the customer by name.
            ("display_name", readable(Scan::Exact)),
            ("email", masked(Mask::Email, Scan::AnyCase)),
            ("phone", masked(Mask::Phone, Scan::Exact)),
            ("country", No),
            ("created_at", No),
            ("status", No),
        ],
    },
    Table {
        name: "credentials",
        fate: Fate::Deleted,
        columns: &[("account_id", No), ("password_phc", Secret), ("updated_at", No)],
    },
    Table {
        name: "addresses",
        fate: Fate::Deleted,
        columns: &[
            ("id", No),
            ("account_id", No),
            ("recipient", masked(Mask::Name, Scan::Exact)),
            ("line1", masked(Mask::Street, Scan::Exact)),
            ("line2", masked(Mask::Street, Scan::Exact)),
            // Readable and not scanned: a city or region is a broad area that many share.
            ("city", readable(Scan::No)),
            ("region", readable(Scan::No)),
            // Not scanned: a few characters that other addresses rightly hold.
            ("postal_code", masked(Mask::PostalCode, Scan::No)),
            ("country", No),
            ("phone", masked(Mask::Phone, Scan::Exact)),
            ("is_default", No),
        ],
    },
    Table {
        name: "orders",
        fate: Fate::Deleted,
        columns: &[
            ("id", No),
            ("account_id", No),
            ("order_number", No),
            ("placed_at", No),
            ("status", No),
            ("seller", No),
            ("total_minor", No),
            ("currency", No),
            ("address_id", No),
        ],
    },
    Table {
        name: "order_items",
        fate: Fate::Deleted,
        columns: &[("id", No), ("order_id", No), ("title", No), ("quantity", No), ("unit_price_minor", No)],
    },
    Table {
        name: "payment_methods",
        fate: Fate::Deleted,
        columns: &[
            ("id", No),
            ("account_id", No),
            ("brand", No),
            // Readable: four digits only, which the customer reads out to tell cards apart.
            ("last4", readable(Scan::Exact)),
            ("exp_month", No),
            ("exp_year", No),
            ("added_at", No),
        ],
    },
    Table {
        name: "conversations",
        fate: Fate::Deleted,
        columns: &[
            ("id", No),
            ("account_id", No),
            ("seller", No),
            // Readable: what the customer wrote to a seller, which an agent reads to help.
            ("subject", readable(Scan::No)),
            ("order_id", No),
            ("started_at", No),
        ],
    },
    Table {
        name: "messages",
        fate: Fate::Deleted,
        columns: &[
            ("id", No),
            ("conversation_id", No),
            ("sent_at", No),
            ("from_customer", No),
            // Readable: as the conversation's subject.
            ("body", readable(Scan::No)),
        ],
    },
    Table {
        name: "disputes",
        fate: Fate::Deleted,
        columns: &[
            ("id", No),
            ("account_id", No),
            ("order_id", No),
            ("opened_at", No),
            ("status", No),
            ("reason", No),
            ("amount_minor", No),
            ("currency", No),
        ],
    },
    Table {
        name: "ledger_entries",
        fate: Fate::Deleted,
        columns: &[
            ("id", No),
            ("account_id", No),
            ("kind", No),
            ("amount_minor", No),
            ("currency", No),
            ("created_at", No),
            ("memo", No),
        ],
    },
    Table {
        name: "reviews",
        fate: Fate::Anonymized,
        columns: &[
            ("id", No),
            ("account_id", No),
            ("order_id", No),
            ("seller", No),
            ("rating", No),
            // Readable and kept: published on the seller's page, as by "Deleted user" once purged.
            ("body", readable(Scan::No)),
            ("created_at", No),
        ],
    },
    Table {
        name: "coupons",
        fate: Fate::Deleted,
        columns: &[
            ("id", No),
            ("account_id", No),
            ("kind", No),
            ("code", No),
            ("description", No),
            ("value_minor", No),
            ("currency", No),
            ("expires_at", No),
            ("redeemed_at", No),
        ],
    },
    Table {
        name: "subscriptions",
        fate: Fate::Deleted,
        columns: &[("account_id", No), ("topic", No), ("enabled", No), ("updated_at", No)],
    },
    Table {
        name: "agents",
        fate: Fate::NotAccountData,
        // Staff, not customers: an agent's sign-in name is shown to other staff by design.
        columns: &[
            ("id", No),
            ("name", No),
            ("role", No),
            ("password_phc", Secret),
            ("disabled", No),
            ("created_at", No),
        ],
    },
    Table {
        name: "audit_events",
        fate: Fate::KeptWithoutPersonalData,
        columns: &[
            ("id", No),
            ("at", No),
            ("account_id", No),
            ("actor_kind", No),
            ("actor_id", No),
            ("action", No),
            ("outcome", No),
            ("prev_hash", No),
            ("hash", No),
        ],
    },
    Table {
        name: "outbox",
        fate: Fate::Deleted,
        columns: &[
            ("id", No),
            ("account_id", No),
            // Not scanned: the account's own email, which is.
            ("to_addr", masked(Mask::Email, Scan::No)),
            ("subject", No),
            // Hidden: it may hold a one-time code. Not scanned: it greets the customer by
            // name, which is scanned.
            ("body", masked(Mask::Hidden, Scan::No)),
            ("created_at", No),
            ("eml_file", No),
            // When a code mail's code expires (NULL for other mail): an instant, nothing personal.
            ("code_expires_at", No),
        ],
    },
    Table {
        name: "closure_requests",
        fate: Fate::Deleted,
        columns: &[
            ("account_id", No),
            ("requested_at", No),
            ("purge_after", No),
            ("reason_code", No),
            // Readable: the customer's own words on why they leave, for the agent assisting.
            ("note", readable(Scan::No)),
            ("backup_taken", No),
        ],
    },
    Table {
        name: "tombstones",
        fate: Fate::KeptWithoutPersonalData,
        columns: &[("account_id", No), ("closed_at", No), ("reason_code", No)],
    },
    Table { name: "erasures", fate: Fate::KeptWithoutPersonalData, columns: &[("account_id", No), ("purged_at", No)] },
    Table {
        name: "db_copies",
        fate: Fate::NotAccountData,
        columns: &[
            ("id", No),
            ("path", No),
            ("taken_at", No),
            ("sha256", No),
            ("bytes", No),
            ("retain_until", No),
            ("removed_at", No),
        ],
    },
    Table {
        name: "sign_in_failures",
        fate: Fate::Deleted,
        columns: &[("subject_kind", No), ("subject_id", No), ("failures", No), ("last_failure_at", No)],
    },
    Table {
        name: "seed_batches",
        fate: Fate::NotAccountData,
        columns: &[("id", No), ("seed", No), ("accounts", No), ("created_at", No)],
    },
    Table {
        name: "closure_attempts",
        fate: Fate::Deleted,
        // The wizard's state holds codes as hashes only.
        columns: &[("account_id", No), ("purpose", No), ("state_json", Secret), ("updated_at", No)],
    },
    Table { name: "sign_in_login_key", fate: Fate::NotAccountData, columns: &[("id", No), ("key", Secret)] },
    Table {
        name: "sign_in_unknown_failures",
        fate: Fate::NotAccountData,
        // A keyed digest of a login that matches no account, kept only while it is throttled.
        columns: &[("login_digest", Secret), ("failures", No), ("last_failure_at", No)],
    },
    ACCOUNT_SEARCH[0],
    ACCOUNT_SEARCH[1],
    ACCOUNT_SEARCH[2],
    ACCOUNT_SEARCH[3],
    ACCOUNT_SEARCH[4],
    ACCOUNT_NAME_PAIRS[0],
    ACCOUNT_NAME_PAIRS[1],
    ACCOUNT_NAME_PAIRS[2],
    ACCOUNT_NAME_PAIRS[3],
    ACCOUNT_NAME_PAIRS[4],
    // SQLite's own: the next AUTOINCREMENT id per table.
    Table { name: "sqlite_sequence", fate: Fate::NotAccountData, columns: &[("name", No), ("seq", No)] },
];

/// The table named `name`, if the schema has it.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|table| table.name == name)
}

/// The class of `table.column`, if the schema has that column.
pub fn class(table: &str, column: &str) -> Option<Class> {
    self::table(table)?.class(column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_table_and_column_is_listed_once() {
        let mut names: Vec<&str> = TABLES.iter().map(|table| table.name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a table is listed twice");
        for table in TABLES {
            for (index, (column, _)) in table.columns.iter().enumerate() {
                assert_eq!(table.columns.iter().position(|(c, _)| c == column), Some(index), "{}.{column}", table.name);
            }
        }
    }

    #[test]
    fn masks_match_the_agent_screens() {
        assert_eq!(class("accounts", "email").and_then(Class::mask), Some(Mask::Email));
        assert_eq!(class("accounts", "display_name").and_then(Class::mask), None);
        assert_eq!(class("outbox", "body").and_then(Class::mask), Some(Mask::Hidden));
        assert_eq!(Mask::Hidden.apply("Your code: 123456"), HIDDEN);
        assert_eq!(Mask::PostalCode.apply("75002"), "75•••");
        assert_eq!(class("accounts", "no_such_column"), None);
        assert_eq!(class("credentials", "password_phc"), Some(Secret));
    }

    #[test]
    fn the_tables_kept_after_a_purge_hold_no_personal_column() {
        for table in TABLES.iter().filter(|table| table.fate == Fate::KeptWithoutPersonalData) {
            for (column, class) in table.columns {
                assert_eq!(*class, Class::NotPersonal, "{}.{column}", table.name);
            }
        }
    }
}

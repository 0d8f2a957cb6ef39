//! Named inserts for everything an account holds, used by the demo set and the seeder.
//!
//! Every statement goes through `prepare_cached`, so a loop of inserts inside one
//! transaction compiles each statement once.

use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::{StoreError, StoreResult};
use crate::core::{AccountId, AccountStatus, DisputeStatus, LedgerKind, OrderStatus};

/// Whether a coupons row is a one-off coupon or a member benefit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CouponKind {
    /// A discount code the customer can redeem once.
    Coupon,
    /// A perk of the customer's membership level.
    Benefit,
}

impl CouponKind {
    /// The spelling stored in the database.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Coupon => "coupon",
            Self::Benefit => "benefit",
        }
    }
}

/// What a subscription row switches on or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubscriptionTopic {
    /// Marketing email.
    MarketingEmail,
    /// Promotion notifications on the phone.
    PromotionsPush,
    /// The newsletter.
    Newsletter,
    /// Messages about the customer's own orders.
    OrderUpdates,
}

impl SubscriptionTopic {
    /// Every topic, in display order.
    pub const ALL: [Self; 4] = [Self::MarketingEmail, Self::PromotionsPush, Self::Newsletter, Self::OrderUpdates];

    /// The spelling stored in the database.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MarketingEmail => "marketing_email",
            Self::PromotionsPush => "promotions_push",
            Self::Newsletter => "newsletter",
            Self::OrderUpdates => "order_updates",
        }
    }
}

/// A shipping address to store.
#[derive(Clone, Debug)]
pub struct NewAddress<'a> {
    /// The account the address belongs to.
    pub account: AccountId,
    /// Who receives parcels there.
    pub recipient: &'a str,
    /// Street and number.
    pub line1: &'a str,
    /// Flat, building or floor, if any.
    pub line2: Option<&'a str>,
    /// The city or town.
    pub city: &'a str,
    /// State, province or county, if the country uses one.
    pub region: Option<&'a str>,
    /// The postal code.
    pub postal_code: &'a str,
    /// ISO 3166-1 alpha-2 country code.
    pub country: &'a str,
    /// A phone number for the courier, if any.
    pub phone: Option<&'a str>,
    /// Whether new orders ship here unless the customer picks another address.
    pub is_default: bool,
}

/// Stores a shipping address and returns its row id.
pub fn insert_address(conn: &Connection, address: &NewAddress<'_>) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO addresses (account_id, recipient, line1, line2, city, region, postal_code, country, phone, is_default)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        address.account.0,
        address.recipient,
        address.line1,
        address.line2,
        address.city,
        address.region,
        address.postal_code,
        address.country,
        address.phone,
        address.is_default,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// An order to store; its items are added with [`insert_order_item`].
#[derive(Clone, Debug)]
pub struct NewOrder<'a> {
    /// The account that placed the order.
    pub account: AccountId,
    /// The marketplace's order number; unique across the database.
    pub order_number: &'a str,
    /// When the order was placed.
    pub placed_at: Timestamp,
    /// Where the order is now.
    pub status: OrderStatus,
    /// The seller's store name.
    pub seller: &'a str,
    /// The amount charged, in minor units of `currency`; the sum of the items.
    pub total_minor: i64,
    /// ISO 4217 currency code.
    pub currency: &'a str,
    /// The address the order ships to, if it is still stored.
    pub address_id: Option<i64>,
}

/// Stores an order and returns its row id; a taken order number is a conflict.
pub fn insert_order(conn: &Connection, order: &NewOrder<'_>) -> StoreResult<i64> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO orders (account_id, order_number, placed_at, status, seller, total_minor, currency, address_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            order.account.0,
            order.order_number,
            order.placed_at.as_second(),
            order.status.as_str(),
            order.seller,
            order.total_minor,
            order.currency,
            order.address_id,
        ]);
    match inserted {
        Ok(_) => Ok(conn.last_insert_rowid()),
        Err(err)
            if err.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
                && err.to_string().contains("order_number") =>
        {
            Err(StoreError::Conflict("an order with this number already exists".to_owned()))
        }
        Err(err) => Err(err.into()),
    }
}

/// Stores one line of an order and returns its row id.
pub fn insert_order_item(
    conn: &Connection,
    order_id: i64,
    title: &str,
    quantity: i64,
    unit_price_minor: i64,
) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO order_items (order_id, title, quantity, unit_price_minor) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![order_id, title, quantity, unit_price_minor])?;
    Ok(conn.last_insert_rowid())
}

/// A saved payment card: brand, last four digits and expiry, never the full number.
#[derive(Clone, Debug)]
pub struct NewPaymentMethod<'a> {
    /// The account the card is saved on.
    pub account: AccountId,
    /// The card brand, e.g. `Visa`.
    pub brand: &'a str,
    /// The last four digits of the card number.
    pub last4: &'a str,
    /// Expiry month, 1 to 12.
    pub exp_month: u8,
    /// Expiry year, e.g. 2028.
    pub exp_year: i32,
    /// When the card was saved.
    pub added_at: Timestamp,
}

/// Stores a payment method and returns its row id.
pub fn insert_payment_method(conn: &Connection, method: &NewPaymentMethod<'_>) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO payment_methods (account_id, brand, last4, exp_month, exp_year, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        method.account.0,
        method.brand,
        method.last4,
        method.exp_month,
        method.exp_year,
        method.added_at.as_second(),
    ])?;
    Ok(conn.last_insert_rowid())
}

/// A conversation with a seller; its messages are added with [`insert_message`].
#[derive(Clone, Debug)]
pub struct NewConversation<'a> {
    /// The customer's account.
    pub account: AccountId,
    /// The seller's store name.
    pub seller: &'a str,
    /// What the conversation is about.
    pub subject: &'a str,
    /// The order it concerns, if any.
    pub order_id: Option<i64>,
    /// When the first message was sent.
    pub started_at: Timestamp,
}

/// Stores a conversation and returns its row id.
pub fn insert_conversation(conn: &Connection, conversation: &NewConversation<'_>) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO conversations (account_id, seller, subject, order_id, started_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        conversation.account.0,
        conversation.seller,
        conversation.subject,
        conversation.order_id,
        conversation.started_at.as_second(),
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Stores one message of a conversation and returns its row id.
pub fn insert_message(
    conn: &Connection,
    conversation_id: i64,
    sent_at: Timestamp,
    from_customer: bool,
    body: &str,
) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO messages (conversation_id, sent_at, from_customer, body) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![conversation_id, sent_at.as_second(), from_customer, body])?;
    Ok(conn.last_insert_rowid())
}

/// A dispute about one of the account's orders.
#[derive(Clone, Debug)]
pub struct NewDispute<'a> {
    /// The customer's account.
    pub account: AccountId,
    /// The order in dispute.
    pub order_id: i64,
    /// When the customer opened it.
    pub opened_at: Timestamp,
    /// Where the dispute is now.
    pub status: DisputeStatus,
    /// Why the customer opened it.
    pub reason: &'a str,
    /// The amount claimed, in minor units of `currency`.
    pub amount_minor: i64,
    /// ISO 4217 currency code.
    pub currency: &'a str,
}

/// Stores a dispute and returns its row id.
pub fn insert_dispute(conn: &Connection, dispute: &NewDispute<'_>) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO disputes (account_id, order_id, opened_at, status, reason, amount_minor, currency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        dispute.account.0,
        dispute.order_id,
        dispute.opened_at.as_second(),
        dispute.status.as_str(),
        dispute.reason,
        dispute.amount_minor,
        dispute.currency,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// One movement of money the platform holds for the customer.
#[derive(Clone, Debug)]
pub struct NewLedgerEntry<'a> {
    /// The customer's account.
    pub account: AccountId,
    /// Which balance moves.
    pub kind: LedgerKind,
    /// Credits are positive, withdrawals and spending negative; minor units of `currency`.
    pub amount_minor: i64,
    /// ISO 4217 currency code.
    pub currency: &'a str,
    /// When the money moved.
    pub created_at: Timestamp,
    /// What the movement was, as the customer's statement shows it.
    pub memo: &'a str,
}

/// Stores a ledger entry and returns its row id.
pub fn insert_ledger_entry(conn: &Connection, entry: &NewLedgerEntry<'_>) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO ledger_entries (account_id, kind, amount_minor, currency, created_at, memo)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        entry.account.0,
        entry.kind.as_str(),
        entry.amount_minor,
        entry.currency,
        entry.created_at.as_second(),
        entry.memo,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Feedback the customer left for a seller.
#[derive(Clone, Debug)]
pub struct NewReview<'a> {
    /// The author's account.
    pub account: AccountId,
    /// The order reviewed, if any.
    pub order_id: Option<i64>,
    /// The seller's store name.
    pub seller: &'a str,
    /// Stars, 1 to 5.
    pub rating: u8,
    /// The review text.
    pub body: &'a str,
    /// When the review was written.
    pub created_at: Timestamp,
}

/// Stores a review and returns its row id.
pub fn insert_review(conn: &Connection, review: &NewReview<'_>) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO reviews (account_id, order_id, seller, rating, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        review.account.0,
        review.order_id,
        review.seller,
        review.rating,
        review.body,
        review.created_at.as_second(),
    ])?;
    Ok(conn.last_insert_rowid())
}

/// A coupon or member benefit held by the account.
#[derive(Clone, Debug)]
pub struct NewCoupon<'a> {
    /// The holder's account.
    pub account: AccountId,
    /// Coupon or benefit.
    pub kind: CouponKind,
    /// The code the customer types or the benefit's name.
    pub code: &'a str,
    /// What it gives, in words.
    pub description: &'a str,
    /// What it is worth, in minor units of `currency`.
    pub value_minor: i64,
    /// ISO 4217 currency code.
    pub currency: &'a str,
    /// When it stops being valid, if ever.
    pub expires_at: Option<Timestamp>,
    /// When it was used, if it was.
    pub redeemed_at: Option<Timestamp>,
}

/// Stores a coupon or benefit and returns its row id.
pub fn insert_coupon(conn: &Connection, coupon: &NewCoupon<'_>) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO coupons (account_id, kind, code, description, value_minor, currency, expires_at, redeemed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        coupon.account.0,
        coupon.kind.as_str(),
        coupon.code,
        coupon.description,
        coupon.value_minor,
        coupon.currency,
        coupon.expires_at.map(Timestamp::as_second),
        coupon.redeemed_at.map(Timestamp::as_second),
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Records whether the account receives mail or notifications on `topic`.
pub fn insert_subscription(
    conn: &Connection,
    account: AccountId,
    topic: SubscriptionTopic,
    enabled: bool,
    updated_at: Timestamp,
) -> StoreResult<()> {
    conn.prepare_cached("INSERT INTO subscriptions (account_id, topic, enabled, updated_at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![account.0, topic.as_str(), enabled, updated_at.as_second()])?;
    Ok(())
}

/// A confirmed closure waiting for its grace period to end.
#[derive(Clone, Debug)]
pub struct NewClosureRequest<'a> {
    /// The account being closed.
    pub account: AccountId,
    /// When the customer confirmed the closure.
    pub requested_at: Timestamp,
    /// The earliest instant the account may be purged.
    pub purge_after: Timestamp,
    /// Why the customer closed the account (a fixed code such as `privacy`).
    pub reason_code: &'a str,
    /// The customer's own words, if any.
    pub note: Option<&'a str>,
    /// Whether the customer took a backup first.
    pub backup_taken: bool,
}

/// Stores a closure request; an account has at most one.
pub fn insert_closure_request(conn: &Connection, request: &NewClosureRequest<'_>) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO closure_requests (account_id, requested_at, purge_after, reason_code, note, backup_taken)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        request.account.0,
        request.requested_at.as_second(),
        request.purge_after.as_second(),
        request.reason_code,
        request.note,
        request.backup_taken,
    ])?;
    Ok(())
}

/// Moves an account to `status`; a missing account is an error.
pub fn set_account_status(conn: &Connection, account: AccountId, status: AccountStatus) -> StoreResult<()> {
    let changed = conn
        .prepare_cached("UPDATE accounts SET status = ?2 WHERE id = ?1")?
        .execute(params![account.0, status.as_str()])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("account {account}")));
    }
    Ok(())
}

/// Whether the database holds any customer account or support agent at all.
pub fn holds_accounts_or_agents(conn: &Connection) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM accounts) OR EXISTS (SELECT 1 FROM agents)")?
        .query_row([], |row| row.get(0))?)
}

/// Takes the next seed batch number, holding no accounts yet; run it in its own short write
/// transaction, so that concurrent seeders never share a number.
///
/// The batch's `accounts` counts the accounts written under it: each chunk adds its own with
/// [`add_seed_batch_accounts`] in the transaction that writes them, so a seeder killed at any
/// instant leaves a batch that claims exactly the accounts that exist.
pub fn insert_seed_batch(conn: &Connection, seed: u64, created_at: Timestamp) -> StoreResult<i64> {
    conn.prepare_cached("INSERT INTO seed_batches (seed, accounts, created_at) VALUES (?1, 0, ?2)")?
        // SQLite integers are signed: the seed's 64 bits are stored as they are.
        .execute(params![seed as i64, created_at.as_second()])?;
    Ok(conn.last_insert_rowid())
}

/// Counts `accounts` more accounts in seed batch `batch`: call it in the transaction that
/// writes them.
pub fn add_seed_batch_accounts(conn: &Connection, batch: i64, accounts: u64) -> StoreResult<()> {
    conn.prepare_cached("UPDATE seed_batches SET accounts = accounts + ?2 WHERE id = ?1")?
        .execute(params![batch, accounts as i64])?;
    Ok(())
}

//! The hand-written demo set: eight customers, one per closure situation, and two agents.
//!
//! Every instant is relative to `now`, so the demo looks lived-in whenever it is created:
//! accounts are years old, blocking orders are days old, and the pending closure is a day
//! into its grace period.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rusqlite::{Connection, Transaction};

use super::{DEMO_ACCOUNTS, DEMO_AGENTS, DEMO_CUSTOMER_PASSWORD, DemoAccount, demo_agent_password};
use crate::auth::{Secret, password};
use crate::core::time::from_unix;
use crate::core::{AccountId, AccountStatus, DisputeStatus, LedgerKind, OrderStatus};
use crate::store::accounts::{self, NewAccount};
use crate::store::records::{
    self, CouponKind, NewAddress, NewClosureRequest, NewConversation, NewCoupon, NewDispute, NewLedgerEntry, NewOrder,
    NewPaymentMethod, NewReview, SubscriptionTopic,
};
use crate::store::{self, StoreError, StoreResult, agents};

const HOUR_SECS: i64 = 60 * 60;
const DAY_SECS: i64 = 24 * HOUR_SECS;

/// How long the demo closure has been pending, and how long it has left.
const CLOSURE_REQUESTED_HOURS_AGO: i64 = 24;
const CLOSURE_PURGE_IN_HOURS: i64 = 48;

/// Fills an empty database with the demo set and returns whether it did.
///
/// Nothing is written when the database already holds an account or an agent, which makes
/// it safe for two processes to call this on the same fresh file: the check runs inside the
/// `BEGIN IMMEDIATE` transaction that writes the set. Passwords are hashed before the
/// transaction opens, so the write lock is held only for the inserts.
pub fn fill_demo(conn: &mut Connection, now: Timestamp) -> StoreResult<bool> {
    // A cheap look first spares the slow hashing when the database is plainly in use.
    if records::holds_accounts_or_agents(conn)? {
        return Ok(false);
    }
    let customer_hashes =
        DEMO_ACCOUNTS.iter().map(|_| hash(DEMO_CUSTOMER_PASSWORD)).collect::<StoreResult<Vec<_>>>()?;
    let agent_hashes =
        DEMO_AGENTS.iter().map(|(_, role)| hash(demo_agent_password(*role))).collect::<StoreResult<Vec<_>>>()?;

    store::write(conn, |tx| {
        if records::holds_accounts_or_agents(tx)? {
            return Ok(false);
        }
        for (index, (profile, phc)) in PROFILES.iter().zip(&customer_hashes).enumerate() {
            insert_profile(tx, index as i64 + 1, profile, phc, now)?;
        }
        for ((name, role), phc) in DEMO_AGENTS.iter().zip(&agent_hashes) {
            agents::insert_agent(tx, name, *role, phc, days_before(now, 400))?;
        }
        Ok(true)
    })
}

/// Hashes one demo password with its own salt.
fn hash(password_text: &str) -> StoreResult<String> {
    password::hash(&Secret::from(password_text))
        .map_err(|err| StoreError::Conflict(format!("could not hash a demo password: {err}")))
}

fn days_before(now: Timestamp, days: i64) -> Timestamp {
    from_unix(now.as_second() - days * DAY_SECS)
}

fn hours_after(at: Timestamp, hours: i64) -> Timestamp {
    from_unix(at.as_second() + hours * HOUR_SECS)
}

/// A 16-digit order number in the marketplace's style, unique per profile and order.
fn order_number(profile_no: i64, order_no: i64) -> String {
    let tail = (profile_no * 7_919 + order_no * 104_729) * 3_571 % 10_000_000_000;
    format!("81{profile_no:02}{order_no:02}{tail:010}")
}

fn insert_profile(
    tx: &Transaction<'_>,
    profile_no: i64,
    profile: &Profile,
    password_phc: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let created_at = days_before(now, profile.member_days);
    let account = accounts::insert_account(
        tx,
        &NewAccount {
            display_name: profile.account.display_name,
            email: profile.account.email,
            phone: Some(profile.phone),
            country: profile.country,
            created_at,
            password_phc,
        },
    )?;

    let mut default_address = None;
    for (index, address) in profile.addresses.iter().enumerate() {
        let id = records::insert_address(
            tx,
            &NewAddress {
                account,
                recipient: profile.account.display_name,
                line1: address.line1,
                line2: address.line2,
                city: address.city,
                region: address.region,
                postal_code: address.postal_code,
                country: profile.country,
                phone: Some(profile.phone),
                is_default: index == 0,
            },
        )?;
        default_address.get_or_insert(id);
    }

    let this_year = i32::from(now.to_zoned_datetime(TimeZone::UTC).year());
    for (index, card) in profile.cards.iter().enumerate() {
        records::insert_payment_method(
            tx,
            &NewPaymentMethod {
                account,
                brand: card.brand,
                last4: card.last4,
                exp_month: card.exp_month,
                exp_year: this_year + card.exp_years_from_now,
                added_at: days_before(now, profile.member_days - 30 - 200 * index as i64),
            },
        )?;
    }

    for (index, order) in profile.orders.iter().enumerate() {
        let order_no = index as i64 + 1;
        insert_order(
            tx,
            account,
            profile,
            order,
            &order_number(profile_no, order_no),
            (profile_no * 5 + order_no * 3) % 24 + 1,
            default_address,
            now,
        )?;
    }

    for entry in profile.ledger {
        records::insert_ledger_entry(
            tx,
            &NewLedgerEntry {
                account,
                kind: entry.kind,
                amount_minor: entry.amount_minor,
                currency: profile.currency,
                created_at: days_before(now, entry.days_ago),
                memo: entry.memo,
            },
        )?;
    }

    for coupon in profile.coupons {
        records::insert_coupon(
            tx,
            &NewCoupon {
                account,
                kind: coupon.kind,
                code: coupon.code,
                description: coupon.description,
                value_minor: coupon.value_minor,
                currency: profile.currency,
                expires_at: coupon.expires_in_days.map(|days| days_before(now, -days)),
                redeemed_at: coupon.redeemed_days_ago.map(|days| days_before(now, days)),
            },
        )?;
    }

    for (topic, enabled) in SubscriptionTopic::ALL.iter().zip(profile.subscriptions) {
        records::insert_subscription(tx, account, *topic, enabled, created_at)?;
    }

    if profile.account.situation == "closure pending" {
        records::set_account_status(tx, account, AccountStatus::ClosurePending)?;
        records::insert_closure_request(
            tx,
            &NewClosureRequest {
                account,
                requested_at: from_unix(now.as_second() - CLOSURE_REQUESTED_HOURS_AGO * HOUR_SECS),
                purge_after: hours_after(now, CLOSURE_PURGE_IN_HOURS),
                reason_code: "privacy",
                note: None,
                backup_taken: true,
            },
        )?;
    }
    Ok(())
}

#[expect(
    clippy::too_many_arguments,
    reason = "one order's rows need its account, profile, number, time and address together"
)]
fn insert_order(
    tx: &Transaction<'_>,
    account: AccountId,
    profile: &Profile,
    order: &Order,
    number: &str,
    hour_offset: i64,
    address_id: Option<i64>,
    now: Timestamp,
) -> StoreResult<()> {
    let placed_at = from_unix(now.as_second() - order.days_ago * DAY_SECS - hour_offset * HOUR_SECS);
    let total_minor = order.items.iter().map(|item| item.quantity * item.unit_price_minor).sum();
    let order_id = records::insert_order(
        tx,
        &NewOrder {
            account,
            order_number: number,
            placed_at,
            status: order.status,
            seller: order.seller,
            total_minor,
            currency: profile.currency,
            address_id,
        },
    )?;
    for item in order.items {
        records::insert_order_item(tx, order_id, item.title, item.quantity, item.unit_price_minor)?;
    }
    if let Some(review) = &order.review {
        records::insert_review(
            tx,
            &NewReview {
                account,
                order_id: Some(order_id),
                seller: order.seller,
                rating: review.rating,
                body: review.body,
                created_at: hours_after(placed_at, review.days_after * 24),
            },
        )?;
    }
    if let Some(dispute) = &order.dispute {
        records::insert_dispute(
            tx,
            &NewDispute {
                account,
                order_id,
                opened_at: hours_after(placed_at, dispute.days_after * 24),
                status: dispute.status,
                reason: dispute.reason,
                amount_minor: dispute.amount_minor,
                currency: profile.currency,
            },
        )?;
    }
    if let Some(chat) = &order.chat {
        let started_at = hours_after(placed_at, chat.after_hours);
        let conversation = records::insert_conversation(
            tx,
            &NewConversation {
                account,
                seller: order.seller,
                subject: chat.subject,
                order_id: Some(order_id),
                started_at,
            },
        )?;
        for (index, (from_customer, body)) in chat.messages.iter().enumerate() {
            records::insert_message(tx, conversation, hours_after(started_at, 3 * index as i64), *from_customer, body)?;
        }
    }
    Ok(())
}

/// Everything one demo customer holds.
struct Profile {
    account: &'static DemoAccount,
    phone: &'static str,
    country: &'static str,
    /// The account was registered this many days before `now`.
    member_days: i64,
    /// The currency of every amount on the account.
    currency: &'static str,
    /// The first address is the default one; orders ship there.
    addresses: &'static [Address],
    cards: &'static [Card],
    orders: &'static [Order],
    ledger: &'static [Ledger],
    coupons: &'static [Coupon],
    /// Enabled flags in [`SubscriptionTopic::ALL`] order.
    subscriptions: [bool; 4],
}

struct Address {
    line1: &'static str,
    line2: Option<&'static str>,
    city: &'static str,
    region: Option<&'static str>,
    postal_code: &'static str,
}

struct Card {
    brand: &'static str,
    last4: &'static str,
    exp_month: u8,
    /// Negative for a card that has already expired.
    exp_years_from_now: i32,
}

struct Order {
    days_ago: i64,
    status: OrderStatus,
    seller: &'static str,
    items: &'static [Item],
    review: Option<Review>,
    dispute: Option<Dispute>,
    chat: Option<Chat>,
}

struct Item {
    title: &'static str,
    quantity: i64,
    unit_price_minor: i64,
}

struct Review {
    rating: u8,
    body: &'static str,
    days_after: i64,
}

struct Dispute {
    status: DisputeStatus,
    reason: &'static str,
    amount_minor: i64,
    days_after: i64,
}

struct Chat {
    subject: &'static str,
    after_hours: i64,
    /// `(from_customer, body)`, three hours apart.
    messages: &'static [(bool, &'static str)],
}

struct Ledger {
    kind: LedgerKind,
    amount_minor: i64,
    days_ago: i64,
    memo: &'static str,
}

struct Coupon {
    kind: CouponKind,
    code: &'static str,
    description: &'static str,
    value_minor: i64,
    /// Negative for one that has already expired; `None` for one that never does.
    expires_in_days: Option<i64>,
    redeemed_days_ago: Option<i64>,
}

const fn item(title: &'static str, quantity: i64, unit_price_minor: i64) -> Item {
    Item { title, quantity, unit_price_minor }
}

const fn review(rating: u8, body: &'static str, days_after: i64) -> Review {
    Review { rating, body, days_after }
}

const fn plain_order(days_ago: i64, status: OrderStatus, seller: &'static str, items: &'static [Item]) -> Order {
    Order { days_ago, status, seller, items, review: None, dispute: None, chat: None }
}

const fn ledger(kind: LedgerKind, amount_minor: i64, days_ago: i64, memo: &'static str) -> Ledger {
    Ledger { kind, amount_minor, days_ago, memo }
}

/// The demo customers, in [`DEMO_ACCOUNTS`] order.
const PROFILES: &[Profile] = &[
    // Closable: no blocker, but unredeemed coupons and benefits and reviews to warn about.
    Profile {
        account: &DEMO_ACCOUNTS[0],
        phone: "+33 6 12 48 90 37",
        country: "FR",
        member_days: 2_380,
        currency: "EUR",
        addresses: &[
            Address {
                line1: "14 Rue des Martyrs",
                line2: None,
                city: "Paris",
                region: Some("Île-de-France"),
                postal_code: "75009",
            },
            Address {
                line1: "3 Chemin des Vignes",
                line2: Some("Bâtiment B"),
                city: "Lyon",
                region: Some("Auvergne-Rhône-Alpes"),
                postal_code: "69005",
            },
        ],
        cards: &[
            Card { brand: "Visa", last4: "4417", exp_month: 9, exp_years_from_now: 2 },
            Card { brand: "Mastercard", last4: "0381", exp_month: 3, exp_years_from_now: -1 },
        ],
        orders: &[
            Order {
                review: Some(review(5, "Lights arrived well packed and look lovely on the balcony.", 12)),
                ..plain_order(
                    1_460,
                    OrderStatus::Completed,
                    "Lumière Home Decor Store",
                    &[
                        item("LED fairy lights, 10 m, warm white", 2, 899),
                        item("Linen cushion cover, 45 × 45 cm", 4, 650),
                    ],
                )
            },
            Order {
                review: Some(review(4, "Nice glaze; one mug is slightly smaller than the others.", 15)),
                chat: Some(Chat {
                    subject: "Are the mugs dishwasher safe?",
                    after_hours: 2,
                    messages: &[
                        (true, "Hello, are these mugs dishwasher safe?"),
                        (false, "Hello! Yes, they are dishwasher and microwave safe."),
                        (true, "Perfect, thank you."),
                    ],
                }),
                ..plain_order(
                    720,
                    OrderStatus::Completed,
                    "Atelier Ceramics Official Store",
                    &[item("Stoneware mug set, 4 pieces", 1, 2_490)],
                )
            },
            Order {
                dispute: Some(Dispute {
                    status: DisputeStatus::Resolved,
                    reason: "Item not received",
                    amount_minor: 1_197,
                    days_after: 30,
                }),
                ..plain_order(
                    210,
                    OrderStatus::Refunded,
                    "TechZone Accessories",
                    &[item("USB-C charging cable, 2 m", 3, 399)],
                )
            },
            plain_order(
                95,
                OrderStatus::Cancelled,
                "Bright Garden Supplies",
                &[item("Solar garden stake lights, 6 pack", 1, 2_199)],
            ),
            plain_order(
                30,
                OrderStatus::Delivered,
                "Petit Atelier Stationery",
                &[item("A5 dotted notebook", 3, 475), item("Gel pen set, 12 colours", 1, 690)],
            ),
        ],
        ledger: &[
            ledger(LedgerKind::Refund, 1_197, 175, "Refund: USB-C charging cables"),
            ledger(LedgerKind::Refund, -1_197, 170, "Withdrawn to card ending 4417"),
        ],
        coupons: &[
            Coupon {
                kind: CouponKind::Coupon,
                code: "WELCOME5",
                description: "€5 off orders over €30",
                value_minor: 500,
                expires_in_days: Some(45),
                redeemed_days_ago: None,
            },
            Coupon {
                kind: CouponKind::Benefit,
                code: "GOLD-SHIPPING",
                description: "Gold member: free express shipping",
                value_minor: 799,
                expires_in_days: Some(200),
                redeemed_days_ago: None,
            },
            Coupon {
                kind: CouponKind::Coupon,
                code: "SPRING3",
                description: "€3 off any order",
                value_minor: 300,
                expires_in_days: Some(-60),
                redeemed_days_ago: Some(90),
            },
        ],
        subscriptions: [true, false, true, true],
    },
    // Pending order: paid two days ago, not yet shipped.
    Profile {
        account: &DEMO_ACCOUNTS[1],
        phone: "+81 90 4821 7735",
        country: "JP",
        member_days: 1_500,
        currency: "USD",
        addresses: &[Address {
            line1: "2-14-3 Jingumae",
            line2: Some("Harajuku Heights 502"),
            city: "Shibuya-ku",
            region: Some("Tokyo"),
            postal_code: "150-0001",
        }],
        cards: &[Card { brand: "JCB", last4: "5521", exp_month: 11, exp_years_from_now: 3 }],
        orders: &[
            Order {
                chat: Some(Chat {
                    subject: "When will my order ship?",
                    after_hours: 20,
                    messages: &[
                        (true, "Hi, could you tell me when the trekking poles will ship?"),
                        (false, "Thank you for your order. It will ship within 3 working days."),
                    ],
                }),
                ..plain_order(
                    2,
                    OrderStatus::Pending,
                    "Kaze Outdoor Gear Store",
                    &[
                        item("Ultralight trekking poles, pair", 1, 4_599),
                        item("Merino hiking socks, 3 pairs", 1, 1_899),
                    ],
                )
            },
            Order {
                review: Some(review(5, "Smooth switches, fast delivery. Would buy again.", 20)),
                ..plain_order(
                    400,
                    OrderStatus::Completed,
                    "Pixel Parts Electronics",
                    &[item("Mechanical keyboard switches, 90 pcs", 1, 2_850)],
                )
            },
            plain_order(250, OrderStatus::Delivered, "Tidy Desk Supplies", &[item("Desk cable organiser", 2, 699)]),
            plain_order(
                60,
                OrderStatus::Cancelled,
                "Pixel Parts Electronics",
                &[item("Phone tripod with remote", 1, 1_599)],
            ),
        ],
        ledger: &[
            ledger(LedgerKind::GiftCard, 2_000, 380, "Gift card added: New Year gift"),
            ledger(LedgerKind::GiftCard, -2_000, 370, "Spent on an order"),
        ],
        coupons: &[Coupon {
            kind: CouponKind::Coupon,
            code: "NEWYEAR10",
            description: "$10 off orders over $60",
            value_minor: 1_000,
            expires_in_days: Some(-300),
            redeemed_days_ago: Some(330),
        }],
        subscriptions: [false, false, false, true],
    },
    // In-transit order: shipped nine days ago.
    Profile {
        account: &DEMO_ACCOUNTS[2],
        phone: "+44 7700 900431",
        country: "GB",
        member_days: 2_200,
        currency: "GBP",
        addresses: &[Address {
            line1: "27 Mill Lane",
            line2: None,
            city: "Leeds",
            region: Some("West Yorkshire"),
            postal_code: "LS6 2DN",
        }],
        cards: &[
            Card { brand: "Visa", last4: "9012", exp_month: 6, exp_years_from_now: 1 },
            Card { brand: "American Express", last4: "3005", exp_month: 2, exp_years_from_now: 4 },
        ],
        orders: &[
            Order {
                chat: Some(Chat {
                    subject: "Tracking number not updating",
                    after_hours: 120,
                    messages: &[
                        (true, "The tracking page has not changed for three days. Is the parcel lost?"),
                        (false, "It is in customs; tracking updates once it is cleared."),
                        (true, "Thanks, I'll wait a few more days."),
                    ],
                }),
                ..plain_order(
                    9,
                    OrderStatus::InTransit,
                    "Saffron Kitchenware",
                    &[item("Cast-iron tawa, 28 cm", 1, 2_250), item("Spice jars with labels, 12 pack", 1, 1_399)],
                )
            },
            Order {
                review: Some(review(5, "Beautiful colours, exactly as pictured.", 18)),
                ..plain_order(
                    500,
                    OrderStatus::Completed,
                    "Silk Road Scarves",
                    &[item("Silk scarf, paisley print", 2, 1_150)],
                )
            },
            Order {
                dispute: Some(Dispute {
                    status: DisputeStatus::Resolved,
                    reason: "Item does not work: left earbud silent",
                    amount_minor: 2_999,
                    days_after: 14,
                }),
                ..plain_order(
                    320,
                    OrderStatus::Refunded,
                    "Nova Gadgets Store",
                    &[item("Bluetooth earbuds with charging case", 1, 2_999)],
                )
            },
            plain_order(40, OrderStatus::Delivered, "Zen Fitness Gear", &[item("Yoga mat, 6 mm", 1, 1_899)]),
        ],
        ledger: &[
            ledger(LedgerKind::Refund, 2_999, 300, "Refund: Bluetooth earbuds"),
            ledger(LedgerKind::Refund, -2_999, 296, "Withdrawn to card ending 9012"),
        ],
        coupons: &[Coupon {
            kind: CouponKind::Benefit,
            code: "PLUS-RETURNS",
            description: "Plus member: free returns",
            value_minor: 0,
            expires_in_days: None,
            redeemed_days_ago: None,
        }],
        subscriptions: [true, true, false, true],
    },
    // Open dispute: the seller has not answered about a faulty smartwatch.
    Profile {
        account: &DEMO_ACCOUNTS[3],
        phone: "+55 11 98765 4321",
        country: "BR",
        member_days: 1_100,
        currency: "USD",
        addresses: &[Address {
            line1: "Rua Augusta, 1508",
            line2: Some("Apto 42"),
            city: "São Paulo",
            region: Some("SP"),
            postal_code: "01304-001",
        }],
        cards: &[Card { brand: "Mastercard", last4: "7764", exp_month: 8, exp_years_from_now: 2 }],
        orders: &[
            Order {
                dispute: Some(Dispute {
                    status: DisputeStatus::AwaitingSeller,
                    reason: "Item not as described: the screen has dead pixels",
                    amount_minor: 5_990,
                    days_after: 10,
                }),
                chat: Some(Chat {
                    subject: "Dead pixels on the screen",
                    after_hours: 230,
                    messages: &[
                        (true, "The watch arrived with a line of dead pixels. I have opened a dispute."),
                        (true, "Could you reply, please? I attached photos to the dispute."),
                    ],
                }),
                ..plain_order(
                    20,
                    OrderStatus::Delivered,
                    "Nova Gadgets Store",
                    &[item("Smartwatch, 1.4\" AMOLED", 1, 5_990)],
                )
            },
            Order {
                review: Some(review(3, "Wax is fine, the leash is shorter than listed.", 25)),
                ..plain_order(
                    300,
                    OrderStatus::Completed,
                    "Rio Surf Shop",
                    &[item("Surf wax, tropical", 4, 350), item("Surfboard leash, 7 ft", 1, 2_100)],
                )
            },
            Order {
                review: Some(review(4, "Good case, arrived late.", 40)),
                dispute: Some(Dispute {
                    status: DisputeStatus::Closed,
                    reason: "Late delivery",
                    amount_minor: 899,
                    days_after: 30,
                }),
                ..plain_order(
                    150,
                    OrderStatus::Completed,
                    "Nova Gadgets Store",
                    &[item("Shockproof phone case", 1, 899)],
                )
            },
        ],
        ledger: &[],
        coupons: &[Coupon {
            kind: CouponKind::Coupon,
            code: "FLASH2",
            description: "$2 off flash deals",
            value_minor: 200,
            expires_in_days: Some(-10),
            redeemed_days_ago: None,
        }],
        subscriptions: [true, true, true, true],
    },
    // Refund balance: a refund credited a month ago and never withdrawn.
    Profile {
        account: &DEMO_ACCOUNTS[4],
        phone: "+48 512 345 678",
        country: "PL",
        member_days: 1_800,
        currency: "EUR",
        addresses: &[Address {
            line1: "ul. Floriańska 21/4",
            line2: None,
            city: "Kraków",
            region: Some("Małopolskie"),
            postal_code: "31-019",
        }],
        cards: &[Card { brand: "Visa", last4: "2280", exp_month: 4, exp_years_from_now: 1 }],
        orders: &[
            Order {
                dispute: Some(Dispute {
                    status: DisputeStatus::Resolved,
                    reason: "Item not received",
                    amount_minor: 3_450,
                    days_after: 3,
                }),
                ..plain_order(
                    35,
                    OrderStatus::Refunded,
                    "Amber Craft Jewellery",
                    &[item("Amber pendant necklace", 1, 3_450)],
                )
            },
            Order {
                review: Some(review(5, "Vivid print on heavy paper. Framed it straight away.", 14)),
                ..plain_order(
                    210,
                    OrderStatus::Completed,
                    "Vistula Books & Prints",
                    &[item("Botanical art print, A3", 2, 1_250)],
                )
            },
            plain_order(600, OrderStatus::Completed, "Tatra Winter Wear", &[item("Wool winter gloves", 1, 1_590)]),
            plain_order(12, OrderStatus::Delivered, "Green Corner Garden", &[item("Ceramic plant pot, 18 cm", 2, 875)]),
        ],
        ledger: &[ledger(LedgerKind::Refund, 3_450, 30, "Refund: Amber pendant necklace")],
        coupons: &[Coupon {
            kind: CouponKind::Coupon,
            code: "AUTUMN4",
            description: "€4 off orders over €25",
            value_minor: 400,
            expires_in_days: Some(20),
            redeemed_days_ago: None,
        }],
        subscriptions: [false, true, false, true],
    },
    // Gift-card balance: part of a gift card is still unspent.
    Profile {
        account: &DEMO_ACCOUNTS[5],
        phone: "+34 612 34 56 78",
        country: "ES",
        member_days: 950,
        currency: "EUR",
        addresses: &[Address {
            line1: "Calle de Alcalá 87, 3º B",
            line2: None,
            city: "Madrid",
            region: Some("Comunidad de Madrid"),
            postal_code: "28009",
        }],
        cards: &[Card { brand: "Mastercard", last4: "6619", exp_month: 12, exp_years_from_now: 2 }],
        orders: &[
            Order {
                review: Some(review(4, "Solid ball, gloves run a little small.", 10)),
                ..plain_order(
                    90,
                    OrderStatus::Completed,
                    "Iberia Sports Outlet",
                    &[item("Football, size 5", 1, 1_899), item("Goalkeeper gloves", 1, 2_450)],
                )
            },
            plain_order(45, OrderStatus::Completed, "Sol Electronics", &[item("Wireless mouse", 1, 1_299)]),
            plain_order(
                400,
                OrderStatus::Cancelled,
                "Sierra Camping Store",
                &[item("Rechargeable camping lantern", 1, 1_750)],
            ),
        ],
        ledger: &[
            ledger(LedgerKind::GiftCard, 5_000, 120, "Gift card added: birthday gift"),
            ledger(LedgerKind::GiftCard, -1_299, 45, "Spent on an order"),
            ledger(LedgerKind::Refund, 1_750, 398, "Refund: cancelled camping lantern"),
            ledger(LedgerKind::Refund, -1_750, 390, "Withdrawn to card ending 6619"),
        ],
        coupons: &[Coupon {
            kind: CouponKind::Benefit,
            code: "SILVER-COUPONS",
            description: "Silver member: monthly €2 coupon",
            value_minor: 200,
            expires_in_days: Some(25),
            redeemed_days_ago: None,
        }],
        subscriptions: [true, false, true, true],
    },
    // Closure pending: confirmed a day ago, two days of grace left; no blockers.
    Profile {
        account: &DEMO_ACCOUNTS[6],
        phone: "+46 70 123 45 67",
        country: "SE",
        member_days: 3_000,
        currency: "EUR",
        addresses: &[Address {
            line1: "Götgatan 48",
            line2: None,
            city: "Stockholm",
            region: None,
            postal_code: "118 26",
        }],
        cards: &[Card { brand: "Visa", last4: "5546", exp_month: 7, exp_years_from_now: 3 }],
        orders: &[
            Order {
                review: Some(review(5, "Warm and soft, true to size.", 9)),
                ..plain_order(70, OrderStatus::Completed, "Nordic Knit Co.", &[item("Wool beanie", 2, 1_490)])
            },
            plain_order(
                800,
                OrderStatus::Completed,
                "Atelier Ceramics Official Store",
                &[item("Espresso cups, set of 6", 1, 2_890)],
            ),
            plain_order(200, OrderStatus::Cancelled, "Velo Parts Direct", &[item("Bike phone mount", 1, 1_190)]),
            plain_order(
                25,
                OrderStatus::Delivered,
                "Lumière Home Decor Store",
                &[item("Adjustable reading lamp", 1, 3_290)],
            ),
        ],
        ledger: &[
            ledger(LedgerKind::Refund, 1_190, 198, "Refund: cancelled bike phone mount"),
            ledger(LedgerKind::Refund, -1_190, 190, "Withdrawn to card ending 5546"),
        ],
        coupons: &[Coupon {
            kind: CouponKind::Benefit,
            code: "GOLD-SHIPPING",
            description: "Gold member: free express shipping",
            value_minor: 799,
            expires_in_days: Some(120),
            redeemed_days_ago: None,
        }],
        subscriptions: [false, false, false, true],
    },
    // Awaiting payment: an order placed this morning and not yet paid.
    Profile {
        account: &DEMO_ACCOUNTS[7],
        phone: "+234 803 123 4567",
        country: "NG",
        member_days: 700,
        currency: "USD",
        addresses: &[Address {
            line1: "15 Admiralty Way",
            line2: Some("Lekki Phase 1"),
            city: "Lagos",
            region: Some("Lagos"),
            postal_code: "106104",
        }],
        cards: &[Card { brand: "Visa", last4: "8832", exp_month: 5, exp_years_from_now: 2 }],
        orders: &[
            plain_order(
                0,
                OrderStatus::AwaitingPayment,
                "Ankara Style Boutique",
                &[item("Ankara print wrap dress", 1, 3_800), item("Beaded drop earrings", 2, 650)],
            ),
            Order {
                review: Some(review(5, "Rich and unscented, as promised.", 11)),
                chat: Some(Chat {
                    subject: "Is the shea butter raw?",
                    after_hours: 1,
                    messages: &[
                        (true, "Is this shea butter raw and unrefined?"),
                        (false, "Yes, it is raw grade A shea butter with nothing added."),
                    ],
                }),
                ..plain_order(180, OrderStatus::Completed, "Sahara Beauty Store", &[item("Shea butter, 500 g", 2, 999)])
            },
            plain_order(
                365,
                OrderStatus::Delivered,
                "Pixel Parts Electronics",
                &[item("Power bank, 20,000 mAh", 1, 2_599)],
            ),
        ],
        ledger: &[],
        coupons: &[Coupon {
            kind: CouponKind::Coupon,
            code: "FIRSTORDER",
            description: "$3 off a first order",
            value_minor: 300,
            expires_in_days: Some(-400),
            redeemed_days_ago: Some(690),
        }],
        subscriptions: [true, true, true, true],
    },
];

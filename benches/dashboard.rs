//! How the dashboards scale with the size of an account and of the database.
//!
//! 1. The orders tab's CPU time per frame, drawn headless with its first window of rows
//!    loaded, for an account of 100,000 orders and one of 10 (and one of 1,000, which fills
//!    the table as the large one does). Goal: at most 1.2× apart. Timed in the window size of
//!    the brief, where the 10-order account leaves most of the table empty, and in a window
//!    short enough that both fill it.
//! 2. From start to the first frame, and on to a customer's first summary and orders table,
//!    on a database holding 1,000,000 orders and on one holding only that customer. Goal: at
//!    most 1.3× apart.
//!
//! Run with `cargo bench --bench dashboard` (a plain `fn main`); `-- --quick` seeds a tenth
//! of the database, to try the benchmark itself in a debug build.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use closedesk::auth::{Secret, password};
use closedesk::clock::Clock;
use closedesk::core::AccountId;
use closedesk::store::accounts::{NewAccount, insert_account};
use closedesk::store::dashboard::{self, Filter, Sort};
use closedesk::ui::ClosedeskApp;
use closedesk::ui::bench::OrdersTab;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use jiff::Timestamp;
use rusqlite::{Connection, params};

const BIG_ACCOUNT_ORDERS: i64 = 100_000;
const SMALL_ACCOUNT_ORDERS: i64 = 10;
/// An account large enough to fill the table, to tell the cost of visible rows from that of size.
const MIDDLE_ACCOUNT_ORDERS: i64 = 1_000;
/// The height of the window the brief names.
const WINDOW_HEIGHT: f32 = 720.0;
/// A height at which the table shows at most 10 rows: what the 10-order account fills.
const SHORT_HEIGHT: f32 = 330.0;
const DATABASE_ORDERS: i64 = 1_000_000;
/// With `--quick`, the large database holds this fraction of its orders.
const QUICK_DIVISOR: i64 = 10;
/// The 1,000,000 orders are spread over this many other customers.
const DATABASE_ACCOUNTS: i64 = 100;
const CREATED: i64 = 1_700_000_000;
const PASSWORD: &str = "bench-password";
const SMALL_EMAIL: &str = "small.customer@example.test";

/// Frames drawn before timing, so that fonts and layout caches are warm.
const WARM_UP_FRAMES: usize = 60;
/// Frames timed per round; rounds alternate between the two accounts to share any noise.
const FRAMES_PER_ROUND: usize = 100;
const ROUNDS: usize = 6;
/// Starts of the window timed per database.
const STARTS: usize = 10;

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let database_orders = if quick { DATABASE_ORDERS / QUICK_DIVISOR } else { DATABASE_ORDERS };
    let dir = tempfile::tempdir()?;
    let phc = password::hash(&Secret::from(PASSWORD)).map_err(|err| err.to_string())?;

    // 1. Frame time of the orders tab.
    let db = dir.path().join("frames.db");
    let mut conn = closedesk::store::create_empty(&db)?;
    let big = add_customer(&mut conn, "big.customer@example.test", &phc, BIG_ACCOUNT_ORDERS, "BIG")?;
    let middle = add_customer(&mut conn, "middle.customer@example.test", &phc, MIDDLE_ACCOUNT_ORDERS, "MID")?;
    let small = add_customer(&mut conn, SMALL_EMAIL, &phc, SMALL_ACCOUNT_ORDERS, "SMALL")?;
    let mut tabs = [
        (BIG_ACCOUNT_ORDERS, orders_tab(&conn, big)?),
        (MIDDLE_ACCOUNT_ORDERS, orders_tab(&conn, middle)?),
        (SMALL_ACCOUNT_ORDERS, orders_tab(&conn, small)?),
    ];
    for (height, what) in
        [(WINDOW_HEIGHT, "a 1100 × 720 window"), (SHORT_HEIGHT, "a window short enough that 10 rows fill the table")]
    {
        let times = frame_times(&mut tabs, height);
        println!("orders tab in {what}, CPU time per frame (median of {ROUNDS} rounds of {FRAMES_PER_ROUND} frames):");
        let small_time = times[2];
        for ((orders, tab), time) in tabs.iter().zip(&times) {
            println!(
                "  {:>7} orders: {:>8.1} µs, {:.2}× the 10-order account ({} rows held)",
                thousands(*orders),
                micros(*time),
                time.as_secs_f64() / small_time.as_secs_f64(),
                tab.rows_held()
            );
        }
    }
    println!("  goal: 100,000 orders ≤ 1.2× 10 orders");
    drop(conn);

    // 2. Start-up on a database of 1,000,000 orders and on one holding only the small customer.
    let empty = dir.path().join("empty.db");
    let mut conn = closedesk::store::create_empty(&empty)?;
    add_customer(&mut conn, SMALL_EMAIL, &phc, SMALL_ACCOUNT_ORDERS, "SMALL")?;
    drop(conn);
    let full = dir.path().join("full.db");
    let mut conn = closedesk::store::create_empty(&full)?;
    let filled = Instant::now();
    for n in 0..DATABASE_ACCOUNTS {
        let orders = database_orders / DATABASE_ACCOUNTS;
        add_customer(&mut conn, &format!("customer.{n}@example.test"), &phc, orders, &format!("C{n}"))?;
    }
    add_customer(&mut conn, SMALL_EMAIL, &phc, SMALL_ACCOUNT_ORDERS, "SMALL")?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    drop(conn);
    println!("(filled {} orders in {:.1} s)", thousands(database_orders), filled.elapsed().as_secs_f64());

    let empty_start = startup_times(&empty)?;
    let full_start = startup_times(&full)?;
    println!("start-up (best of {STARTS}): empty database vs {} orders", thousands(database_orders));
    for (what, empty, full) in [
        ("first frame", empty_start.first_frame, full_start.first_frame),
        ("sign-in form ready", empty_start.sign_in_form, full_start.sign_in_form),
        ("summary after sign-in", empty_start.summary, full_start.summary),
        ("orders table filled", empty_start.orders, full_start.orders),
    ] {
        println!(
            "  {what:<24} {:>9.2} ms vs {:>9.2} ms: {:.2}× (goal ≤ 1.3×)",
            millis(empty),
            millis(full),
            full.as_secs_f64() / empty.as_secs_f64()
        );
    }
    let (empty_load, full_load) = (direct_load(&empty)?, direct_load(&full)?);
    println!(
        "  open + summary + first orders window, no window: {:.2} ms vs {:.2} ms: {:.2}×",
        millis(empty_load),
        millis(full_load),
        full_load.as_secs_f64() / empty_load.as_secs_f64()
    );
    let (empty_open, full_open) = (open_only(&empty)?, open_only(&full)?);
    println!(
        "  the start-up job alone (open, settings), no window: {:.2} ms vs {:.2} ms: {:.2}×",
        millis(empty_open),
        millis(full_open),
        full_open.as_secs_f64() / empty_open.as_secs_f64()
    );
    Ok(())
}

/// What the start-up job does before the sign-in form shows, timed without the window.
fn open_only(db: &Path) -> Result<Duration, Error> {
    let mut best = Duration::MAX;
    for _ in 0..STARTS {
        let started = Instant::now();
        let opened = closedesk::demo::open_or_create_with_demo(db, Timestamp::now())?;
        std::hint::black_box(closedesk::settings::load_policy(&closedesk::settings::settings_path(db))?);
        drop(opened);
        best = best.min(started.elapsed());
    }
    Ok(best)
}

/// Adds a customer with `orders` orders of two items each; returns its id.
fn add_customer(conn: &mut Connection, email: &str, phc: &str, orders: i64, prefix: &str) -> Result<AccountId, Error> {
    let tx = conn.transaction()?;
    let account = insert_account(
        &tx,
        &NewAccount {
            display_name: &format!("Bench {prefix}"),
            email,
            phone: None,
            country: "DE",
            created_at: Timestamp::from_second(CREATED)?,
            password_phc: phc,
        },
    )?;
    {
        let mut order = tx.prepare(
            "INSERT INTO orders (account_id, order_number, placed_at, status, seller, total_minor, currency)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'EUR')",
        )?;
        let mut item =
            tx.prepare("INSERT INTO order_items (order_id, title, quantity, unit_price_minor) VALUES (?1, ?2, 1, ?3)")?;
        let statuses = ["completed", "delivered", "cancelled", "refunded", "completed", "completed", "delivered"];
        for k in 0..orders {
            order.execute(params![
                account.0,
                format!("{prefix}-{k:08}"),
                CREATED + k * 600,
                statuses[(k % 7) as usize],
                format!("Seller {}", k % 97),
                1_000 + k % 5_000
            ])?;
            let order_id = tx.last_insert_rowid();
            for i in 0..2 {
                item.execute(params![order_id, format!("Item {} of order {k}", i + 1), 500 + i])?;
            }
        }
    }
    tx.commit()?;
    Ok(account)
}

/// The orders tab of `account` with its first window loaded, as the worker would load it.
fn orders_tab(conn: &Connection, account: AccountId) -> Result<OrdersTab, Error> {
    let filter = Filter::default();
    let sort = Sort::default_for(dashboard::Listing::Orders);
    let count = dashboard::orders_count(conn, account, &filter)?;
    let window = dashboard::orders_page(conn, account, &filter, &sort, 0, 100)?;
    Ok(OrdersTab::new(count, vec![(0, window)]))
}

/// Median frame times of each tab, drawn in a headless context 1100 points wide and
/// `height` high. Rounds alternate between the tabs, so that they share any noise.
fn frame_times<const N: usize>(tabs: &mut [(i64, OrdersTab); N], height: f32) -> [Duration; N] {
    let run = |tab: &mut OrdersTab, ctx: &egui::Context, frames: usize| -> Duration {
        let started = Instant::now();
        for _ in 0..frames {
            let input = egui::RawInput {
                screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1100.0, height))),
                ..egui::RawInput::default()
            };
            let mut output = ctx.run_ui(input, |ui| {
                egui::CentralPanel::default().show(ui, |ui| tab.ui(ui));
            });
            // Headless: nobody uploads textures, so drop the changes.
            output.textures_delta.clear();
            std::hint::black_box(&output.shapes);
        }
        started.elapsed() / frames as u32
    };
    let contexts: Vec<egui::Context> = tabs.iter().map(|_| egui::Context::default()).collect();
    for ((_, tab), ctx) in tabs.iter_mut().zip(&contexts) {
        run(tab, ctx, WARM_UP_FRAMES);
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); N];
    for _ in 0..ROUNDS {
        for (((_, tab), ctx), samples) in tabs.iter_mut().zip(&contexts).zip(&mut times) {
            samples.push(run(tab, ctx, FRAMES_PER_ROUND));
        }
    }
    let mut medians = [Duration::ZERO; N];
    for (median_time, samples) in medians.iter_mut().zip(times) {
        *median_time = median(samples);
    }
    medians
}

/// When each stage of a start was reached.
#[derive(Clone, Copy)]
struct Startup {
    first_frame: Duration,
    sign_in_form: Duration,
    summary: Duration,
    orders: Duration,
}

/// The best of a few starts of the real window on `db`, signing in as the small customer.
fn startup_times(db: &Path) -> Result<Startup, Error> {
    let mut best: Option<Startup> = None;
    for _ in 0..STARTS {
        let started = Instant::now();
        let path: PathBuf = db.to_owned();
        let mut harness: Harness<'static, ClosedeskApp> = Harness::builder()
            .with_size(egui::vec2(1100.0, 720.0))
            .build_eframe(move |cc| ClosedeskApp::new(cc, path, Clock::System));
        harness.step();
        let first_frame = started.elapsed();
        step_until(&mut harness, |h| h.query_by_role_and_label(Role::TextInput, "Email").is_some())?;
        let sign_in_form = started.elapsed();
        // Typing and argon2 take the same time on both databases.
        let email = harness.get_by_role_and_label(Role::TextInput, "Email");
        email.focus();
        email.type_text(SMALL_EMAIL);
        harness.step();
        let field = harness.get_by_role_and_label(Role::PasswordInput, "Password");
        field.focus();
        field.type_text(PASSWORD);
        harness.step();
        harness.get_by_label("Sign in").click();
        step_until(&mut harness, |h| h.query_by_label("Closure readiness").is_some())?;
        let summary = started.elapsed();
        harness.get_by_role_and_label(Role::Button, &format!("Orders ({SMALL_ACCOUNT_ORDERS})")).click();
        step_until(&mut harness, |h| h.query_by_label("SMALL-00000009").is_some())?;
        let orders = started.elapsed();
        let this = Startup { first_frame, sign_in_form, summary, orders };
        best = Some(match best {
            None => this,
            Some(best) => Startup {
                first_frame: best.first_frame.min(this.first_frame),
                sign_in_form: best.sign_in_form.min(this.sign_in_form),
                summary: best.summary.min(this.summary),
                orders: best.orders.min(this.orders),
            },
        });
    }
    best.ok_or_else(|| "no start was timed".into())
}

/// What the workers do for the first summary and table, timed without the window.
fn direct_load(db: &Path) -> Result<Duration, Error> {
    let mut best = Duration::MAX;
    for _ in 0..STARTS {
        let started = Instant::now();
        let conn = dashboard::open_reader(db)?;
        let account = closedesk::store::accounts::get_account(
            &conn,
            &closedesk::core::AccountRef::Email(SMALL_EMAIL.to_owned()),
        )?
        .id;
        std::hint::black_box(dashboard::summary(&conn, account, Timestamp::now())?);
        std::hint::black_box(orders_tab(&conn, account)?);
        best = best.min(started.elapsed());
    }
    Ok(best)
}

fn step_until(
    harness: &mut Harness<'_, ClosedeskApp>,
    ready: impl Fn(&Harness<'_, ClosedeskApp>) -> bool,
) -> Result<(), Error> {
    let deadline = Instant::now() + Duration::from_mins(2);
    while !ready(harness) {
        if Instant::now() > deadline {
            return Err("the window never got there".into());
        }
        harness.step();
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn micros(time: Duration) -> f64 {
    time.as_secs_f64() * 1e6
}

fn millis(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

/// `100,000`: how a person reads a count.
fn thousands(n: i64) -> String {
    closedesk::core::money::group_thousands(n.unsigned_abs())
}

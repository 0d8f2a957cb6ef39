//! Speed as users feel it: every row of issue 15, measured the way a person meets it, each
//! against its anchor timed in the same run, with the goal and whether it is met.
//!
//! - Commands are whole `closedesk` processes (the release binary cargo built for this bench),
//!   timed from spawn to exit, their peak memory read by `/usr/bin/time` (its `%M`, the
//!   child's maximum resident set). Runs of closedesk and of its anchor alternate, so that both
//!   share the machine's noise; the ratio of each pair is reported with its spread.
//! - The window rows drive the real `ClosedeskApp` in an `egui_kittest` harness: the same
//!   state, workers and SQL as the window on screen, stepped frame by frame until what a
//!   person waits for is in the accessibility tree. Only painting to a GPU is left out, which
//!   costs the same whatever the account holds.
//! - Every database is made by `closedesk seed` run as a process.
//!
//! Run with `cargo bench --bench users`. `CLOSEDESK_BENCH_DB_ORDERS` sets the orders of the
//! whole-database rows (default 1,000,000; e.g. 100000 to try the bench quickly) and
//! `CLOSEDESK_BENCH_RUNS` the timed runs per row (default 5); `CLOSEDESK_BENCH_ONLY` a
//! comma-separated list of the rows to run while iterating (`export`, `verify`, `orders`,
//! `signin`, `open`, `seed`, `backup-db`, `search`; default all). Without `sqlite3` on PATH the
//! rows anchored on it say so and are skipped; without `/usr/bin/time` no peak memory of a
//! process is reported.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use closedesk::clock::Clock;
use closedesk::core::{AccountId, AccountRef};
use closedesk::store::dashboard::{self, Filter};
use closedesk::store::search::{PAGE, search_accounts};
use closedesk::ui::ClosedeskApp;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use rusqlite::Connection;

type Error = Box<dyn std::error::Error>;
type Result<T> = std::result::Result<T, Error>;

const CLOSEDESK: &str = env!("CARGO_BIN_EXE_closedesk");
const BIG_ACCOUNT_ORDERS: u64 = 100_000;
const SMALL_ACCOUNT_ORDERS: u64 = 4;
/// `closedesk seed` batch 1 is the big account, batch 2 the small one, in the same database.
const BIG_EMAIL: &str = "synthetic-b1-1@example.test";
const SMALL_EMAIL: &str = "synthetic-b2-1@example.test";
const PASSWORD: &str = "synthetic-demo";
/// The whole database's accounts hold this many orders each.
const ORDERS_PER_DB_ACCOUNT: u64 = 10;
const SEARCH_SMALL_ACCOUNTS: u64 = 1_000;
const SEARCH_ROUNDS: usize = 300;
const WINDOW: egui::Vec2 = egui::vec2(1100.0, 720.0);
const MIB: f64 = 1024.0 * 1024.0;

fn main() -> Result<()> {
    let runs = env_number("CLOSEDESK_BENCH_RUNS", 5).max(1) as usize;
    let db_orders = env_number("CLOSEDESK_BENCH_DB_ORDERS", 1_000_000).max(ORDERS_PER_DB_ACCOUNT);
    let only = Only::from_env();
    let sqlite3 = find_on_path("sqlite3");
    let time = Path::new("/usr/bin/time").is_file().then(|| PathBuf::from("/usr/bin/time"));
    let started = Instant::now();
    println!("{}", machine());
    println!("closedesk: {CLOSEDESK}");
    match &sqlite3 {
        Some(path) => println!("sqlite3: {} ({})", path.display(), sqlite_version(path)),
        None => println!("sqlite3: not on PATH (apt-get install sqlite3): the rows anchored on it are skipped"),
    }
    if time.is_none() {
        println!("/usr/bin/time missing (apt-get install time): no peak memory of processes");
    }
    println!("{runs} timed runs per row, after one warm-up; figures are median [min–max]\n");

    let dir = tempfile::tempdir()?;
    let mut table = Report::default();
    let runner = Runner { time, scratch: dir.path().join("closedesk.out") };

    // The 100,000-order account and a 4-order one, in one database.
    let account_db = dir.path().join("account.db");
    let seeded = runner.seed(&account_db, 1, BIG_ACCOUNT_ORDERS, 1)?;
    println!(
        "seeded the {} -order account: {} rows in {:.2} s",
        thousands(BIG_ACCOUNT_ORDERS),
        thousands(seeded.rows),
        seeded.run.wall.as_secs_f64()
    );
    runner.seed(&account_db, 1, SMALL_ACCOUNT_ORDERS, 2)?;

    // Export, whole process, against the shell selecting every table as JSON.
    let backup = dir.path().join("big-account.json");
    let export = closedesk_args(&account_db, &["export", BIG_EMAIL, "--out"], &backup, &["--force"]);
    if only.any(&["export", "verify", "open"]) {
        let shell_json = dir.path().join("shell.json");
        let anchor = sqlite3.as_ref().filter(|_| only.has("export")).map(|shell| {
            let mut command = Command::new(shell);
            command.arg("-json").arg("-readonly").arg(&account_db).arg(every_table_sql());
            (command, shell_json.clone())
        });
        let export_runs = if only.has("export") { runs } else { 0 };
        let (ours, theirs) = runner.alternate(export_runs, &export, anchor.as_ref())?;
        println!(
            "backup file: {:.1} MB; sqlite3 -json output: {}",
            file_mb(&backup),
            if shell_json.exists() { format!("{:.1} MB", file_mb(&shell_json)) } else { "-".to_owned() }
        );
        if only.has("export") {
            table.ratio(
                "export ACCOUNT --out F, 100k-order account",
                &ours,
                theirs.as_ref(),
                "sqlite3 -json every table",
                0.5,
            );
            table.memory("export, peak RSS", &ours, 64.0);
        }
    }

    // Verify of that backup: memory must stay flat.
    if only.has("verify") {
        let verify = closedesk_args(&account_db, &["verify"], &backup, &[]);
        let (verified, _) = runner.alternate(runs.min(3), &verify, None)?;
        table.absolute("verify F of that backup", &verified);
        table.memory("verify, peak RSS", &verified, 64.0);
    }

    // The window: sign-in to overview, the orders tab, and the backup opened read-only.
    if let Err(err) = window_rows(&account_db, &backup, runs, &only, &mut table) {
        table.line("the window rows", &format!("could not be measured: {err}"), "-", None);
    }
    if !only.any(&["seed", "backup-db", "search"]) {
        println!("\n{}", table.text);
        println!("{}", load_average("load average at the end"));
        println!("whole bench: {:.0} s", started.elapsed().as_secs_f64());
        return Ok(());
    }

    // The whole database: seed rate, backup-db, and search at scale.
    let big_db = dir.path().join("database.db");
    let accounts = db_orders / ORDERS_PER_DB_ACCOUNT;
    let seeded = runner.seed(&big_db, accounts, ORDERS_PER_DB_ACCOUNT, 7)?;
    let rate = seeded.rows as f64 / seeded.run.wall.as_secs_f64();
    if only.has("seed") {
        let anchor_rate = plain_insert_rate(dir.path(), seeded.rows.min(1_000_000))?;
        table.rate(
            &format!("seed {} accounts × {ORDERS_PER_DB_ACCOUNT} orders (whole process)", thousands(accounts)),
            rate,
            seeded.rows,
            anchor_rate,
            700_000.0,
        );
    }
    println!(
        "database: {} orders, {:.0} MB ({} rows seeded in {:.1} s)",
        thousands(db_orders),
        file_mb(&big_db),
        thousands(seeded.rows),
        seeded.run.wall.as_secs_f64()
    );
    if only.has("backup-db") {
        let copy = dir.path().join("copy.db");
        let backup_db = closedesk_args(&big_db, &["backup-db", "--out"], &copy, &["--force"]);
        let shell_copy = dir.path().join("shell-copy.db");
        let anchor = sqlite3.as_ref().map(|shell| {
            let mut command = Command::new(shell);
            command.arg(&big_db).arg(format!(".backup '{}'", shell_copy.display()));
            (command, dir.path().join("shell-copy.out"))
        });
        let (ours, theirs) = runner.alternate(runs.min(3), &backup_db, anchor.as_ref())?;
        table.ratio(
            &format!("backup-db --out F, {} orders", thousands(db_orders)),
            &ours,
            theirs.as_ref(),
            "sqlite3 DB \".backup F\"",
            1.5,
        );
        table.memory("backup-db, peak RSS", &ours, 64.0);
    }

    if only.has("search") {
        let small_db = dir.path().join("search-small.db");
        runner.seed(&small_db, SEARCH_SMALL_ACCOUNTS.min(accounts), ORDERS_PER_DB_ACCOUNT, 7)?;
        search_row(&small_db, &big_db, accounts, &mut table)?;
    }

    println!("\n{}", table.text);
    println!("{}", load_average("load average at the end"));
    println!("whole bench: {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The rows `CLOSEDESK_BENCH_ONLY` names, or every row.
struct Only(Option<Vec<String>>);

impl Only {
    fn from_env() -> Self {
        Self(
            std::env::var("CLOSEDESK_BENCH_ONLY").ok().map(|list| {
                list.split(',').map(|name| name.trim().to_owned()).filter(|name| !name.is_empty()).collect()
            }),
        )
    }

    fn has(&self, row: &str) -> bool {
        self.0.as_ref().is_none_or(|rows| rows.iter().any(|name| name == row))
    }

    fn any(&self, rows: &[&str]) -> bool {
        rows.iter().any(|row| self.has(row))
    }
}

/// One finished process: its wall time and, where `/usr/bin/time` is there, its peak memory.
#[derive(Clone, Copy, Debug)]
struct Run {
    wall: Duration,
    peak_rss: Option<u64>,
}

/// What `closedesk seed` added, and how long the whole process took.
struct Seeded {
    rows: u64,
    run: Run,
}

/// Runs programs as whole processes.
struct Runner {
    time: Option<PathBuf>,
    /// Where closedesk's own output goes while it is timed.
    scratch: PathBuf,
}

impl Runner {
    /// Runs `closedesk seed` into `db`, returning the rows it reports.
    fn seed(&self, db: &Path, accounts: u64, orders: u64, seed: u64) -> Result<Seeded> {
        let mut command = Command::new(CLOSEDESK);
        command.arg("--db").arg(db).arg("seed");
        command.args(["--accounts", &accounts.to_string(), "--orders-per-account", &orders.to_string()]);
        command.args(["--seed", &seed.to_string()]);
        let out = db.with_extension("seed.out");
        let run = self.run(&command, &out)?;
        let text = std::fs::read_to_string(&out)?;
        // "added 1 accounts and 100,000 orders (318,000 rows, batch 1) in …"
        let rows = text
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(" rows"))
            .map(|(rows, _)| rows.replace(',', ""))
            .and_then(|rows| rows.parse().ok())
            .ok_or_else(|| format!("cannot read the rows from the seed's output: {text}"))?;
        Ok(Seeded { rows, run })
    }

    /// Runs `command` to its end with its output in `out`; fails unless it exits 0.
    fn run(&self, command: &Command, out: &Path) -> Result<Run> {
        let rss_file = out.with_extension("rss");
        let mut wrapped = match &self.time {
            Some(time) => {
                let mut wrapped = Command::new(time);
                wrapped.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(command.get_program());
                wrapped.args(command.get_args());
                for (key, value) in command.get_envs() {
                    match value {
                        Some(value) => wrapped.env(key, value),
                        None => wrapped.env_remove(key),
                    };
                }
                wrapped
            }
            None => clone(command),
        };
        let stdout = std::fs::File::create(out)?;
        let started = Instant::now();
        let output = wrapped.stdout(stdout).stderr(Stdio::piped()).stdin(Stdio::null()).output()?;
        let wall = started.elapsed();
        if !output.status.success() {
            return Err(format!(
                "{} failed ({}): {}",
                command.get_program().to_string_lossy(),
                output.status,
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        let peak_rss = std::fs::read_to_string(&rss_file)
            .ok()
            .and_then(|text| text.lines().last().and_then(|line| line.trim().parse::<u64>().ok()))
            .map(|kib| kib * 1024);
        Ok(Run { wall, peak_rss })
    }

    /// One warm-up and then `runs` runs of `ours`, each followed by one of `anchor` if given.
    fn alternate(
        &self,
        runs: usize,
        ours: &Command,
        anchor: Option<&(Command, PathBuf)>,
    ) -> Result<(Vec<Run>, Option<Vec<Run>>)> {
        let mut mine = Vec::new();
        let mut theirs = Vec::new();
        for round in 0..=runs {
            let run = self.run(ours, &self.scratch)?;
            let anchored = match anchor {
                Some((command, out)) => Some(self.run(command, out)?),
                None => None,
            };
            if round > 0 {
                mine.push(run);
                theirs.extend(anchored);
            }
        }
        Ok((mine, anchor.map(|_| theirs)))
    }
}

/// `closedesk --db DB ARGS… PATH TAIL…`.
fn closedesk_args(db: &Path, args: &[&str], path: &Path, tail: &[&str]) -> Command {
    let mut command = Command::new(CLOSEDESK);
    command.arg("--db").arg(db).args(args).arg(path).args(tail);
    command.env_remove("CLOSEDESK_NOW");
    command
}

/// A copy of `command`: program, arguments and environment changes.
fn clone(command: &Command) -> Command {
    let mut copy = Command::new(command.get_program());
    copy.args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => copy.env(key, value),
            None => copy.env_remove(key),
        };
    }
    copy
}

/// `SELECT * FROM` every table an account backup reads, for the shell to print as JSON.
fn every_table_sql() -> String {
    [
        "accounts",
        "addresses",
        "orders",
        "order_items",
        "payment_methods",
        "conversations",
        "messages",
        "disputes",
        "ledger_entries",
        "reviews",
        "coupons",
        "subscriptions",
        "outbox",
        "audit_events",
        "closure_requests",
    ]
    .iter()
    .map(|table| format!("SELECT * FROM {table};"))
    .collect::<Vec<_>>()
    .join(" ")
}

/// Rows per second of a plain batched insert — prepared statements, one transaction — into a
/// fresh closedesk database (same schema, indexes and pragmas): what the seeder is held to.
fn plain_insert_rate(dir: &Path, rows: u64) -> Result<f64> {
    let path = dir.join("plain-insert.db");
    let mut conn = closedesk::store::create_empty(&path)?;
    let started = Instant::now();
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO accounts (display_name, email, country, created_at, status)
         VALUES ('Plain Insert', 'plain@example.test', 'DE', 0, 'active')",
        [],
    )?;
    let account = tx.last_insert_rowid();
    let mut written = 1;
    {
        let mut order = tx.prepare(
            "INSERT INTO orders (account_id, order_number, placed_at, status, seller, total_minor, currency)
             VALUES (?1, ?2, ?3, 'completed', 'Plain Seller', ?4, 'EUR')",
        )?;
        let mut item =
            tx.prepare("INSERT INTO order_items (order_id, title, quantity, unit_price_minor) VALUES (?1, ?2, 1, ?3)")?;
        let mut number = String::new();
        let mut k = 0_i64;
        while written < rows {
            number.clear();
            write!(number, "PLAIN-{k}")?;
            order.execute(rusqlite::params![account, number, 1_700_000_000 + k * 97 % 1_000_000, 1_000 + k % 5_000])?;
            let order_id = tx.last_insert_rowid();
            item.execute(rusqlite::params![order_id, "Plain item", 500 + k % 700])?;
            item.execute(rusqlite::params![order_id, "Second plain item", 900 + k % 300])?;
            written += 3;
            k += 1;
        }
    }
    tx.commit()?;
    drop(conn);
    Ok(written as f64 / started.elapsed().as_secs_f64())
}

/// The window rows, on the account database and its 100k-order backup.
fn window_rows(db: &Path, backup: &Path, runs: usize, only: &Only, table: &mut Report) -> Result<()> {
    let conn = Connection::open(db)?;
    let big = account_id(&conn, BIG_EMAIL)?;
    if only.has("orders") {
        orders_rows(db, &conn, big, runs, table)?;
    }
    if only.has("signin") {
        signin_row(db, runs, table)?;
    }
    if only.has("open") {
        open_backup_row(db, backup, runs, table)?;
    }
    Ok(())
}

/// The orders tab of the big account: sort by Total, and a filter word typed.
fn orders_rows(db: &Path, conn: &Connection, big: AccountId, runs: usize, table: &mut Report) -> Result<()> {
    // The orders tab of the big account: sort by Total, and a filter word typed. First, while
    // the bench process holds little of its own, so that its peak memory is the window's.
    reset_peak();
    let mut harness = ready_window(db)?;
    let window_baseline = resident_now();
    sign_in(&mut harness, BIG_EMAIL)?;
    let newest: String = conn.query_row(
        "SELECT order_number FROM orders WHERE account_id = ?1 ORDER BY placed_at DESC, id DESC LIMIT 1",
        [big.0],
        |row| row.get(0),
    )?;
    find(&harness, Role::Button, &format!("Orders ({})", thousands(BIG_ACCOUNT_ORDERS)))?.click();
    step_until(&mut harness, |h| h.query_by_label(&newest).is_some())?;
    let first = |order: &str| -> Result<String> {
        Ok(conn.query_row(
            &format!("SELECT order_number FROM orders WHERE account_id = ?1 ORDER BY {order} LIMIT 1"),
            [big.0],
            |row| row.get(0),
        )?)
    };
    let (cheapest, dearest) = (first("total_minor ASC, id ASC")?, first("total_minor DESC, id DESC")?);
    let mut sort_times = Vec::new();
    for round in 0..=runs {
        let expect = if round % 2 == 0 { &cheapest } else { &dearest };
        find(&harness, Role::Button, "Total")?.click();
        let started = Instant::now();
        step_until(&mut harness, |h| h.query_by_label(expect).is_some())?;
        if round > 0 {
            sort_times.push(started.elapsed());
        }
    }
    table.window_absolute("orders tab, 100k orders: sort by Total, to show", &sort_times, 0.150);

    let words = ["Saffron", "knife", "Nordic", "scarf", "Velo", "lamp", "Zen", "cable"];
    let mut filter_times = Vec::new();
    let all = format!("{0} of {0} orders", thousands(BIG_ACCOUNT_ORDERS));
    for round in 0..=runs {
        let word = words[round % words.len()];
        let filter = Filter { text: word.to_owned(), ..Filter::default() };
        let matching = dashboard::orders_count(conn, big, &filter)?;
        let shown = format!("{} of {} orders", thousands(matching), thousands(BIG_ACCOUNT_ORDERS));
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
        harness.step();
        harness.step();
        let field = find(&harness, Role::TextInput, "Filter orders")?;
        field.type_text(word);
        let started = Instant::now();
        step_until(&mut harness, |h| h.query_by_label(&shown).is_some())?;
        if round > 0 {
            filter_times.push(started.elapsed());
        }
        // Clear the field for the next word, and wait for every order to come back.
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
        harness.step();
        harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
        harness.step();
        harness.key_press(egui::Key::Backspace);
        step_until(&mut harness, |h| h.query_by_label(&all).is_some())?;
    }
    table.window_absolute("orders tab, 100k orders: type a filter word, to show", &filter_times, 0.150);
    let peak = peak_resident();
    drop(harness);
    table.window_memory("window with the 100k account's orders open, peak RSS", peak, window_baseline, 200.0);
    Ok(())
}

/// Sign-in to overview, the big account against the small one.
fn signin_row(db: &Path, runs: usize, table: &mut Report) -> Result<()> {
    // Sign-in to overview: the big and the small account alternate, the same argon2 cost.
    let mut big_times = Vec::new();
    let mut small_times = Vec::new();
    for round in 0..=runs {
        for (email, times) in [(BIG_EMAIL, &mut big_times), (SMALL_EMAIL, &mut small_times)] {
            let mut harness = ready_window(db)?;
            let took = sign_in(&mut harness, email)?;
            if round > 0 {
                times.push(took);
            }
        }
    }
    table.window_ratio("sign-in → overview, 100k vs 4-order account", &big_times, &small_times, 1.3);
    Ok(())
}

/// The 100k account's backup opened read-only from the sign-in screen.
fn open_backup_row(db: &Path, backup: &Path, runs: usize, table: &mut Report) -> Result<()> {
    // Open the 100k account's backup read-only from the sign-in screen.
    let mut open_times = Vec::new();
    let mut above = Vec::new();
    for _ in 0..runs.min(3) {
        let mut harness = ready_window(db)?;
        let before = resident_now();
        reset_peak();
        let field = find(&harness, Role::TextInput, "Backup file path")?;
        field.focus();
        field.type_text(&backup.display().to_string());
        harness.step();
        harness.key_press(egui::Key::Enter);
        let started = Instant::now();
        step_until(&mut harness, |h| h.query_by_label("Closure readiness").is_some())?;
        open_times.push(started.elapsed());
        if let (Some(peak), Some(before)) = (peak_resident(), before) {
            above.push((peak.saturating_sub(before), before));
        }
    }
    table.window_absolute("open the 100k account's backup read-only, to show", &open_times, 1.5);
    table.window_memory_above("open backup, peak RSS above the window's", above.iter().max().copied(), 60.0);
    Ok(())
}

/// The node with `role` labelled `label`, or an error naming what is missing.
fn find<'h>(harness: &'h Harness<'static, ClosedeskApp>, role: Role, label: &'h str) -> Result<egui_kittest::Node<'h>> {
    harness.query_by_role_and_label(role, label).ok_or_else(|| format!("no {role:?} \"{label}\" in the window").into())
}

/// A window on `db` showing its sign-in form.
fn ready_window(db: &Path) -> Result<Harness<'static, ClosedeskApp>> {
    let path = db.to_owned();
    let mut harness: Harness<'static, ClosedeskApp> =
        Harness::builder().with_size(WINDOW).build_eframe(move |cc| ClosedeskApp::new(cc, path, Clock::System));
    step_until(&mut harness, |h| h.query_by_role_and_label(Role::TextInput, "Email").is_some())?;
    Ok(harness)
}

/// Signs `email` in and waits for the overview; the time from the click to the overview.
fn sign_in(harness: &mut Harness<'static, ClosedeskApp>, email: &str) -> Result<Duration> {
    let field = find(harness, Role::TextInput, "Email")?;
    field.focus();
    field.type_text(email);
    harness.step();
    let field = find(harness, Role::PasswordInput, "Password")?;
    field.focus();
    field.type_text(PASSWORD);
    harness.step();
    harness.query_by_label("Sign in").ok_or("no \"Sign in\" in the window")?.click();
    let started = Instant::now();
    step_until(harness, |h| h.query_by_label("Closure readiness").is_some())?;
    Ok(started.elapsed())
}

fn step_until(
    harness: &mut Harness<'static, ClosedeskApp>,
    ready: impl Fn(&Harness<'static, ClosedeskApp>) -> bool,
) -> Result<()> {
    let deadline = Instant::now() + Duration::from_mins(3);
    loop {
        harness.step();
        if ready(harness) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err("the window never got there".into());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Two name words reversed, over 100,000 vs 1,000 accounts: the agent desk's search.
fn search_row(small_db: &Path, big_db: &Path, big_accounts: u64, table: &mut Report) -> Result<()> {
    let small = closedesk::store::open_existing(small_db)?;
    let big = closedesk::store::open_existing(big_db)?;
    // The same seed gives account n the same name in both databases.
    let name: String = small.query_row(
        "SELECT display_name FROM accounts WHERE email LIKE 'synthetic-%' ORDER BY id LIMIT 1 OFFSET 499",
        [],
        |r| r.get(0),
    )?;
    let words: Vec<String> = name.split_whitespace().map(|w| w.chars().take(3).collect()).collect();
    let reversed = words.iter().rev().cloned().collect::<Vec<_>>().join(" ");
    let time = |conn: &Connection| -> Result<Duration> {
        search_accounts(conn, &reversed, None, PAGE)?;
        let started = Instant::now();
        for _ in 0..SEARCH_ROUNDS {
            std::hint::black_box(search_accounts(conn, &reversed, None, PAGE)?);
        }
        Ok(started.elapsed() / SEARCH_ROUNDS as u32)
    };
    let mut big_times = Vec::new();
    let mut small_times = Vec::new();
    for _ in 0..5 {
        big_times.push(time(&big)?);
        small_times.push(time(&small)?);
    }
    table.window_ratio(
        &format!("search two name words reversed, {} vs 1,000 accounts", thousands(big_accounts)),
        &big_times,
        &small_times,
        1.5,
    );
    Ok(())
}

fn account_id(conn: &Connection, email: &str) -> Result<AccountId> {
    Ok(closedesk::store::accounts::get_account(conn, &AccountRef::Email(email.to_owned()))?.id)
}

/// The rows of the result table, as text.
#[derive(Default)]
struct Report {
    text: String,
}

impl Report {
    fn line(&mut self, what: &str, figure: &str, goal: &str, met: Option<bool>) {
        let verdict = match met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "skipped",
        };
        let _ = writeln!(self.text, "| {what} | {figure} | {goal} | {verdict} |");
        println!("{what}: {figure}; goal {goal}: {verdict}");
    }

    fn ratio(&mut self, what: &str, ours: &[Run], theirs: Option<&Vec<Run>>, anchor: &str, goal: f64) {
        let ours_walls: Vec<Duration> = ours.iter().map(|run| run.wall).collect();
        let Some(theirs) = theirs else {
            self.line(
                what,
                &format!("{} (anchor {anchor}: no sqlite3)", spread_secs(&ours_walls)),
                &format!("≤ {goal:.2}× {anchor}"),
                None,
            );
            return;
        };
        let theirs_walls: Vec<Duration> = theirs.iter().map(|run| run.wall).collect();
        let ratios: Vec<f64> =
            ours_walls.iter().zip(&theirs_walls).map(|(a, b)| a.as_secs_f64() / b.as_secs_f64().max(1e-9)).collect();
        let (low, mid, high) = spread(&ratios);
        self.line(
            what,
            &format!(
                "{mid:.2}× [{low:.2}–{high:.2}]: {} vs {anchor} {}",
                spread_secs(&ours_walls),
                spread_secs(&theirs_walls)
            ),
            &format!("≤ {goal:.2}×"),
            Some(mid <= goal),
        );
    }

    fn absolute(&mut self, what: &str, ours: &[Run]) {
        let walls: Vec<Duration> = ours.iter().map(|run| run.wall).collect();
        self.line(what, &spread_secs(&walls), "(for reference)", Some(true));
    }

    fn memory(&mut self, what: &str, ours: &[Run], goal_mb: f64) {
        let peaks: Vec<f64> = ours.iter().filter_map(|run| run.peak_rss).map(|bytes| bytes as f64 / MIB).collect();
        if peaks.is_empty() {
            self.line(what, "not measured (no /usr/bin/time)", &format!("< {goal_mb:.0} MB"), None);
            return;
        }
        let max = peaks.iter().copied().fold(0.0, f64::max);
        self.line(
            what,
            &format!("{max:.1} MB (largest of {} runs)", peaks.len()),
            &format!("< {goal_mb:.0} MB"),
            Some(max < goal_mb),
        );
    }

    fn rate(&mut self, what: &str, rate: f64, rows: u64, anchor: f64, goal: f64) {
        self.line(
            what,
            &format!(
                "{} rows/s ({} rows); plain batched insert {} rows/s, {:.2}× of it",
                thousands(rate as u64),
                thousands(rows),
                thousands(anchor as u64),
                rate / anchor
            ),
            &format!("≥ {} rows/s", thousands(goal as u64)),
            Some(rate >= goal),
        );
    }

    fn window_ratio(&mut self, what: &str, big: &[Duration], small: &[Duration], goal: f64) {
        let ratios: Vec<f64> =
            big.iter().zip(small).map(|(a, b)| a.as_secs_f64() / b.as_secs_f64().max(1e-9)).collect();
        let (low, mid, high) = spread(&ratios);
        self.line(
            what,
            &format!("{mid:.2}× [{low:.2}–{high:.2}]: {} vs {}", spread_secs(big), spread_secs(small)),
            &format!("≤ {goal:.2}×"),
            Some(mid <= goal),
        );
    }

    fn window_absolute(&mut self, what: &str, times: &[Duration], goal_secs: f64) {
        let secs: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
        let (_, mid, _) = spread(&secs);
        self.line(what, &spread_secs(times), &format!("≤ {}", seconds(goal_secs)), Some(mid <= goal_secs));
    }

    fn window_memory(&mut self, what: &str, peak: Option<u64>, window: Option<u64>, goal_mb: f64) {
        let Some(peak) = peak else {
            self.line(what, "not measured (no /proc/self/status)", &format!("< {goal_mb:.0} MB"), None);
            return;
        };
        // The bench process's own few megabytes are counted in, which only errs on the safe side.
        let peak_mb = peak as f64 / MIB;
        let baseline = window.map_or(0.0, |bytes| bytes as f64 / MIB);
        self.line(
            what,
            &format!("{peak_mb:.1} MB (at the sign-in form: {baseline:.1} MB)"),
            &format!("< {goal_mb:.0} MB"),
            Some(peak_mb < goal_mb),
        );
    }

    /// `above` is the largest rise over the window's resident set, and that resident set.
    fn window_memory_above(&mut self, what: &str, above: Option<(u64, u64)>, goal_mb: f64) {
        let Some((above, before)) = above else {
            self.line(what, "not measured (no /proc/self/status)", &format!("≤ {goal_mb:.0} MB"), None);
            return;
        };
        let above = above as f64 / MIB;
        self.line(
            what,
            &format!("{above:.1} MB above {:.1} MB (largest of the runs)", before as f64 / MIB),
            &format!("≤ {goal_mb:.0} MB"),
            Some(above <= goal_mb),
        );
    }
}

/// `(min, median, max)`.
fn spread(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match (sorted.first(), sorted.get(sorted.len() / 2), sorted.last()) {
        (Some(low), Some(mid), Some(high)) => (*low, *mid, *high),
        _ => (f64::NAN, f64::NAN, f64::NAN),
    }
}

fn spread_secs(times: &[Duration]) -> String {
    let secs: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
    let (low, mid, high) = spread(&secs);
    format!("{} [{}–{}]", seconds(mid), seconds(low), seconds(high))
}

fn seconds(secs: f64) -> String {
    if secs < 1.0 { format!("{:.0} ms", secs * 1e3) } else { format!("{secs:.2} s") }
}

/// A line of `/proc/self/status` in bytes, e.g. `VmRSS`.
fn status_bytes(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(key))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn resident_now() -> Option<u64> {
    status_bytes("VmRSS:")
}

fn peak_resident() -> Option<u64> {
    status_bytes("VmHWM:")
}

/// Starts the peak resident set (`VmHWM`) afresh from the current one (Linux: `clear_refs` 5).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|text| text.replace(['_', ','], "").parse().ok()).unwrap_or(default)
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(program)).find(|path| path.is_file())
}

fn sqlite_version(shell: &Path) -> String {
    Command::new(shell)
        .arg("-version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "version unknown".to_owned())
}

fn file_mb(path: &Path) -> f64 {
    path.metadata().map_or(0.0, |metadata| metadata.len() as f64 / 1e6)
}

/// The machine the figures come from: CPU, cores, memory and load.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split_once(':'))
        .map_or("unknown CPU", |(_, model)| model.trim());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find(|line| line.starts_with("MemTotal"))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kib| kib.parse::<f64>().ok())
        .map_or_else(|| "unknown".to_owned(), |kib| format!("{:.0} GiB", kib / 1024.0 / 1024.0));
    format!("machine: {model}, {cores} cores, {memory} memory; {}", load_average("load average at the start"))
}

fn load_average(when: &str) -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let figures: Vec<&str> = load.split_whitespace().take(3).collect();
    format!("{when}: {}", figures.join(" "))
}

fn thousands(n: u64) -> String {
    closedesk::core::money::group_thousands(n)
}

//! How long the JSON backup of a very large account takes: one customer with 100,000 orders
//! of two items each, against the `sqlite3` command-line shell selecting the same orders and
//! items with `-json` into a file. The goal: closedesk's export takes at most half the
//! shell's time.
//!
//! Run with `cargo bench --bench export` (release). Without a `sqlite3` on PATH (Debian:
//! `apt-get install sqlite3`) the comparison is skipped.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use big_account::{CREATED, ITEMS_PER_ORDER};
use closedesk::backup::{self, Format, Progress};
use jiff::Timestamp;

#[path = "support/big_account.rs"]
mod big_account;

const ORDERS: i64 = 100_000;
/// Each measurement is the best of this many runs, after one warm-up run.
const RUNS: usize = 5;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("closedesk.db");
    let mut conn = closedesk::store::create_empty(&db)?;
    let filled = Instant::now();
    let account = big_account::fill(&mut conn, 3, ORDERS)?;
    // The shell reads the same file: settle the WAL into it first.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    println!(
        "one account with {ORDERS} orders and {} items (filled in {} ms)",
        ORDERS * ITEMS_PER_ORDER,
        filled.elapsed().as_millis()
    );

    let now = Timestamp::from_second(CREATED + 1_000_000)?;
    let keep_going = |_: Progress| true;
    let streamed_path = dir.path().join("streamed.json");
    let streamed = best_of(|| {
        let file = BufWriter::new(File::create(&streamed_path)?);
        backup::export_account(&conn, account, file, Format::Json, now, &keep_going)?;
        Ok(())
    })?;
    let safe_path = dir.path().join("backup.json");
    let safe = best_of(|| {
        backup::export_to_file(&conn, account, &safe_path, Format::Json, true, now, &keep_going)?;
        Ok(())
    })?;
    println!(
        "closedesk json export:            {:>7.1} ms  ({} bytes)",
        ms(streamed),
        std::fs::metadata(&streamed_path)?.len()
    );
    println!("closedesk export_to_file (+fsync): {:>7.1} ms", ms(safe));

    let Some(shell) = find_on_path("sqlite3") else {
        println!("sqlite3 -json: skipped, no sqlite3 on PATH (apt-get install sqlite3)");
        return Ok(());
    };
    let shell_path = dir.path().join("shell.json");
    let sql = format!(
        "SELECT * FROM orders WHERE account_id = {id} ORDER BY placed_at, id;
         SELECT i.* FROM orders o JOIN order_items i ON i.order_id = o.id
         WHERE o.account_id = {id} ORDER BY o.placed_at, o.id, i.id;",
        id = account.0
    );
    let cli = best_of(|| {
        let status = Command::new(&shell)
            .arg("-json")
            .arg("-readonly")
            .arg(&db)
            .arg(&sql)
            .stdout(File::create(&shell_path)?)
            .stderr(Stdio::inherit())
            .status()?;
        if status.success() { Ok(()) } else { Err(format!("sqlite3 failed: {status}").into()) }
    })?;
    println!(
        "sqlite3 -json (orders + items):   {:>7.1} ms  ({} bytes)",
        ms(cli),
        std::fs::metadata(&shell_path)?.len()
    );
    let ratio = streamed.as_secs_f64() / cli.as_secs_f64().max(1e-9);
    let safe_ratio = safe.as_secs_f64() / cli.as_secs_f64().max(1e-9);
    println!(
        "ratio closedesk / sqlite3: {ratio:.2}x (with fsync and rename {safe_ratio:.2}x); goal at most 0.50x: {}",
        if ratio <= 0.5 { "met" } else { "NOT met" }
    );
    Ok(())
}

/// The fastest of [`RUNS`] runs of `run`, after one warm-up run.
fn best_of(mut run: impl FnMut() -> Result<()>) -> Result<Duration> {
    run()?;
    let mut best = Duration::MAX;
    for _ in 0..RUNS {
        let started = Instant::now();
        run()?;
        best = best.min(started.elapsed());
    }
    Ok(best)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(program)).find(|path| is_file(path))
}

fn is_file(path: &Path) -> bool {
    path.metadata().is_ok_and(|metadata| metadata.is_file())
}

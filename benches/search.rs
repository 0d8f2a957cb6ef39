//! Agent search over 1,000 vs 100,000 accounts: the goal is at most 2× the time, because
//! every kind of match (id, order number, email prefix, name words, pairs of name words) is
//! served by an index. Each search asks for one page of results, as the agent desk does.
//!
//! Run with `cargo bench --bench search`.

use std::time::{Duration, Instant};

use closedesk::demo::seed::{SeedSpec, seed};
use closedesk::store::search::{PAGE, search_accounts};
use jiff::Timestamp;
use rusqlite::Connection;

/// Searches per query per database.
const ROUNDS: u32 = 300;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let mut results = Vec::new();
    // The same seed gives account n the same name in both databases, so a query typed for a
    // real customer of the small one finds that customer in the large one too.
    let mut two_words = String::new();
    let mut order_number = String::new();
    for accounts in [1_000_u64, 100_000] {
        let path = dir.path().join(format!("search-{accounts}.db"));
        let mut conn = closedesk::store::create_empty(&path)?;
        let filled = Instant::now();
        seed(&mut conn, &SeedSpec { accounts, orders_per_account: 1, seed: 7 }, Timestamp::now(), &mut |_| {})?;
        println!("{accounts} accounts seeded in {} ms", filled.elapsed().as_millis());
        if two_words.is_empty() {
            let name: String =
                conn.query_row("SELECT display_name FROM accounts ORDER BY id LIMIT 1 OFFSET 499", [], |r| r.get(0))?;
            let words: Vec<String> = name.split_whitespace().map(|w| w.chars().take(3).collect()).collect();
            two_words = words.join(" ");
            order_number =
                conn.query_row("SELECT order_number FROM orders ORDER BY id LIMIT 1 OFFSET 499", [], |r| r.get(0))?;
        }
        results.push((accounts, time_queries(&conn, &two_words, &order_number)?));
    }
    let (small, large) = (&results[0].1, &results[1].1);
    let mut worst: f64 = 0.0;
    for ((query, small, small_found), (_, large, large_found)) in small.iter().zip(large) {
        let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-9);
        worst = worst.max(ratio);
        println!(
            "{query:<20} 1,000: {:>7.1} µs ({small_found:>2} found)   100,000: {:>7.1} µs ({large_found:>2} found)   ratio {ratio:.2}x",
            per_search(*small),
            per_search(*large)
        );
    }
    println!("worst ratio {worst:.2}x; goal at most 2x: {}", if worst <= 2.0 { "met" } else { "missed" });
    Ok(())
}

/// A query's label, the time its rounds took, and how many accounts it found.
type Timing = (&'static str, Duration, usize);

fn time_queries(
    conn: &Connection,
    two_words: &str,
    order_number: &str,
) -> Result<Vec<Timing>, Box<dyn std::error::Error>> {
    let reversed: String = two_words.split(' ').rev().collect::<Vec<_>>().join(" ");
    let queries = [
        ("account id", "17"),
        ("email prefix", "synthetic-b1-4"),
        ("name word prefix", "mar"),
        ("two name words", two_words),
        ("the same, reversed", &reversed),
        ("order number", order_number),
        ("no match", "zzzzzz"),
    ];
    let mut timings = Vec::new();
    for (label, text) in queries {
        // Warm the page cache and the statement cache once, as a typing agent would.
        let found = search_accounts(conn, text, None, PAGE)?.len();
        let started = Instant::now();
        for _ in 0..ROUNDS {
            std::hint::black_box(search_accounts(conn, text, None, PAGE)?);
        }
        timings.push((label, started.elapsed(), found));
    }
    Ok(timings)
}

fn per_search(total: Duration) -> f64 {
    total.as_secs_f64() * 1e6 / f64::from(ROUNDS)
}

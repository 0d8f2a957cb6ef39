//! Every agent operation asks the database who the agent is now, not what the session says.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::ServiceError;
use super::closure::{self, ClosureRequest};
use super::dashboard::{ChildrenRequest, Listing, OverviewRequest, Query, RowsRequest, Source};
use super::export::{Acting, ExportError, export_account};
use super::reveal::{RevealReason, reveal};
use super::{account, agents as agent_admin, directory, search, trail};
use crate::auth::Secret;
use crate::backup::Format;
use crate::core::permissions::Principal;
use crate::core::{AccountId, AccountRef, AgentId, Role};
use crate::service::staff::{self, AuditQuery};
use crate::store::{self, accounts, agents, audit::AuditFilter};

fn now() -> Timestamp {
    "2026-11-29T10:00:00Z".parse().unwrap()
}

struct Demo {
    _dir: tempfile::TempDir,
    db: PathBuf,
    agent: Principal,
    admin: Principal,
    /// A closable customer and a closure-pending one.
    active: AccountId,
    pending: AccountId,
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let (conn, _) = crate::demo::open_or_create_with_demo(&db, now()).unwrap();
    let principal = |name: &str| {
        let row = agents::find_by_name(&conn, name).unwrap().unwrap();
        Principal::Agent { id: row.id, role: row.role }
    };
    let id = |email: &str| accounts::get_account(&conn, &AccountRef::Email(email.to_owned())).unwrap().id;
    Demo {
        agent: principal("agent"),
        admin: principal("admin"),
        active: id("amelie.laurent@example.com"),
        pending: id("ingrid.johansson@example.com"),
        db,
        _dir: dir,
    }
}

fn agent_id(principal: Principal) -> AgentId {
    match principal {
        Principal::Agent { id, .. } => id,
        Principal::Customer(_) => unreachable!("an agent"),
    }
}

#[expect(clippy::needless_pass_by_value, reason = "the shape of the callback every operation reports to")]
fn ended<T: std::fmt::Debug>(what: &str, result: Result<T, ServiceError>) {
    assert!(matches!(result, Err(ServiceError::SessionEnded)), "{what}: {result:?}");
}

fn audit_lines(db: &Path) -> u64 {
    let conn = store::open_existing(db).unwrap();
    store::audit::count(&conn, &AuditFilter::default()).unwrap()
}

/// Runs every operation an agent can ask for as `session`, and hands each result to `check`.
fn every_agent_operation(demo: &Demo, session: Principal, check: &mut dyn FnMut(&str, Result<(), ServiceError>)) {
    let db = &demo.db;
    let live = |principal| Some(principal);
    check("search", search::customers(db, session, "laurent", 10).map(drop));
    check("reveal", reveal(db, session, demo.active, RevealReason::CustomerRequest, now()));
    let overview = OverviewRequest {
        ticket: 1,
        account: demo.active,
        source: Source::Live,
        now: now(),
        principal: live(session),
        masked: true,
    };
    check("overview", overview.run(db).result.map(drop));
    let listing = Listing::Orders;
    let rows = RowsRequest {
        ticket: 2,
        account: demo.active,
        source: Source::Live,
        listing,
        query: Query::default_for(listing),
        now: now(),
        count: true,
        windows: vec![0],
        principal: live(session),
        masked: true,
    };
    check("rows", rows.run(db).result.map(drop));
    let children = ChildrenRequest {
        ticket: 3,
        account: demo.active,
        principal: live(session),
        source: Source::Live,
        listing,
        parent: 1,
    };
    check("children", children.run(db).result.map(drop));
    check("settings", account::settings(db, live(session), demo.active).map(drop));
    check("mailbox", account::mailbox(db, live(session), demo.active, 5).map(drop));
    check(
        "assisted closure",
        closure::step(db, session, ClosureRequest::BeginClose { account: demo.active }, now()).map(drop),
    );
    check(
        "assisted cancel",
        closure::step(db, session, ClosureRequest::BeginAssistedCancel { account: demo.pending }, now()).map(drop),
    );
    let target = db.with_file_name("export.json");
    let exported =
        export_account(db, Acting::Session(session), demo.active, &target, Format::Json, false, now(), &|_| true);
    check(
        "export",
        match exported {
            Ok(_) => Ok(()),
            Err(ExportError::Other(err)) => Err(err),
            Err(other) => panic!("export: {other}"),
        },
    );
    check("queue", staff::load_queue(db, session).map(drop));
    check("audit", staff::load_audit(db, session, AuditQuery::default(), 10).map(drop));
    let csv = db.with_file_name("audit.csv");
    check("audit export", staff::export_audit_csv(db, session, &AuditFilter::default(), &csv, false, now()).map(drop));
    check("purge", staff::run_purge(db, Acting::Session(session), now(), &mut |_, _| {}).map(drop));
    let copy = db.with_file_name("copy.db");
    check("database copy", staff::backup_database(db, session, &copy, false, now()).map(drop));
    check("agents", staff::load_agents(db, session).map(drop));
    let password = Secret::from("long enough password");
    check("add agent", staff::add_agent(db, session, "eve", Role::Agent, &password, now()).map(drop));
    // What the command line reads, on a connection it opened itself.
    let conn = store::open_read_only(db).unwrap();
    let filter = directory::AccountFilter { search: Some("laurent"), status: None, limit: 10 };
    check("account list", directory::list(&conn, Acting::Session(session), &filter).map(drop));
    check("audit lines", trail::audit_lines(&conn, Acting::Session(session), None, 10).map(drop));
    check("audit verify", trail::verify_audit(&conn, Acting::Session(session), None).map(drop));
    check("outbox", trail::mails(&conn, Acting::Session(session), None, 10).map(drop));
}

#[test]
fn an_agent_disabled_while_signed_in_is_refused_by_every_operation_and_nothing_is_written() {
    let demo = demo();
    staff::set_disabled(&demo.db, demo.admin, agent_id(demo.agent), true, now()).unwrap();
    let lines_before = audit_lines(&demo.db);
    let mut operations = 0;
    every_agent_operation(&demo, demo.agent, &mut |what, result| {
        operations += 1;
        ended(what, result);
    });
    assert_eq!(operations, 21, "every operation was tried");
    assert_eq!(audit_lines(&demo.db), lines_before, "a refused operation audits nothing");
    for file in ["export.json", "audit.csv", "copy.db"] {
        assert!(!demo.db.with_file_name(file).exists(), "{file} was written");
    }
}

#[test]
fn an_agent_removed_while_signed_in_is_refused_too() {
    let demo = demo();
    let ghost = Principal::Agent { id: AgentId(9_999), role: Role::Admin };
    every_agent_operation(&demo, ghost, &mut ended);
}

#[test]
fn an_admin_demoted_while_signed_in_may_no_longer_purge_copy_or_manage_agents() {
    let demo = demo();
    // The session still says admin; the database says agent.
    let conn = store::open_existing(&demo.db).unwrap();
    conn.execute("UPDATE agents SET role = 'agent' WHERE id = ?1", [agent_id(demo.admin).0]).unwrap();
    drop(conn);
    let mut denied = Vec::new();
    every_agent_operation(&demo, demo.admin, &mut |what, result| match result {
        Err(ServiceError::Denied(_)) => denied.push(what.to_owned()),
        Err(ServiceError::SessionEnded) => panic!("{what}: a demoted admin is still signed in"),
        _ => {}
    });
    assert_eq!(denied, ["purge", "database copy", "agents", "add agent"]);
}

#[test]
fn a_customer_whose_account_was_purged_is_signed_out_of_every_read() {
    let demo = demo();
    let later = now() + jiff::SignedDuration::from_hours(24 * 30);
    staff::run_purge(&demo.db, Acting::Session(demo.admin), later, &mut |_, _| {}).unwrap();
    let session = Some(Principal::Customer(demo.pending));
    ended("settings", account::settings(&demo.db, session, demo.pending));
    ended("mailbox", account::mailbox(&demo.db, session, demo.pending, 5));
    let overview = OverviewRequest {
        ticket: 1,
        account: demo.pending,
        source: Source::Live,
        now: later,
        principal: session,
        masked: false,
    };
    ended("overview", overview.run(&demo.db).result);
}

#[test]
fn a_closure_step_uses_the_saved_state_not_the_callers_copy() {
    let demo = demo();
    let customer = Principal::Customer(demo.active);
    let begun = closure::step(&demo.db, customer, ClosureRequest::BeginClose { account: demo.active }, now()).unwrap();
    let mut forged = begun.wizard.unwrap();
    // A copy that claims the code went out and was accepted cannot jump to the end.
    forged.step = crate::core::closure::Step::Confirm;
    let request = ClosureRequest::Confirm {
        wizard: forged.clone(),
        code: Secret::from("000000"),
        email: "amelie.laurent@example.com".to_owned(),
        phrase: "CLOSE".to_owned(),
    };
    let reply = closure::step(&demo.db, customer, request, now()).unwrap();
    assert_ne!(reply.wizard.unwrap().step, crate::core::closure::Step::Done);
    let conn = store::open_existing(&demo.db).unwrap();
    let status = accounts::get_account(&conn, &AccountRef::Id(demo.active)).unwrap().status;
    assert_eq!(status, crate::core::AccountStatus::Active);

    // A copy of a request that was replaced is refused outright.
    forged.request_id ^= 1;
    let stale = closure::step(&demo.db, customer, ClosureRequest::SendCode { wizard: forged }, now());
    assert!(matches!(stale, Err(ServiceError::Refused(_))), "{stale:?}");
}

#[test]
fn the_file_owner_manages_agents_and_the_trail_names_the_system() {
    let demo = demo();
    let password = Secret::from("long enough password");
    let id = agent_admin::add(&demo.db, Acting::FileOwner, "eve", Role::Agent, &password, now()).unwrap();
    let name = agent_admin::set_disabled(&demo.db, Acting::FileOwner, id, true, now()).unwrap();
    assert_eq!(name, "eve");
    let conn = store::open_existing(&demo.db).unwrap();
    let lines = trail::audit_lines(&conn, Acting::FileOwner, None, 2).unwrap();
    let actions: Vec<_> = lines.rows.iter().map(|r| (r.actor_kind.as_str(), r.action.as_str())).collect();
    assert_eq!(actions, [("system", "agent_added"), ("system", "agent_disabled")]);
    assert!(agent_admin::named(&conn, Acting::FileOwner, "EVE").unwrap().disabled);
    let empty = agent_admin::add(&demo.db, Acting::FileOwner, "  ", Role::Agent, &password, now());
    assert!(matches!(empty, Err(ServiceError::Refused(_))), "{empty:?}");
}

#[test]
fn an_admin_may_not_disable_their_own_agent_account_but_the_file_owner_may() {
    let demo = demo();
    let admin = agent_id(demo.admin);
    let own = agent_admin::set_disabled(&demo.db, Acting::Session(demo.admin), admin, true, now());
    assert!(matches!(own, Err(ServiceError::Refused(_))), "{own:?}");
    // The last enabled admin is kept by the store whoever asks; with a second one, the file's
    // owner may disable the first.
    let password = Secret::from("long enough password");
    agent_admin::add(&demo.db, Acting::FileOwner, "second", Role::Admin, &password, now()).unwrap();
    agent_admin::set_disabled(&demo.db, Acting::FileOwner, admin, true, now()).unwrap();
}

#[test]
fn a_customer_sees_their_own_account_and_no_other() {
    let demo = demo();
    let conn = store::open_read_only(&demo.db).unwrap();
    let me = Acting::Session(Principal::Customer(demo.active));
    assert_eq!(directory::show(&conn, me, &AccountRef::Id(demo.active)).unwrap().account.id, demo.active);
    let other = directory::show(&conn, me, &AccountRef::Id(demo.pending));
    assert!(matches!(other, Err(ServiceError::Denied(_))), "{other:?}");
    let listed = directory::list(&conn, me, &directory::AccountFilter { search: None, status: None, limit: 5 });
    assert!(matches!(listed, Err(ServiceError::Denied(_))), "{listed:?}");
    let trail = trail::audit_lines(&conn, me, None, 5);
    assert!(matches!(trail, Err(ServiceError::Denied(_))), "{trail:?}");
}

#[test]
fn a_closure_started_at_once_mails_a_code_or_stops_at_the_first_refusal_or_blocker() {
    use crate::core::closure::{Reason, Refusal, Step};
    let demo = demo();
    let start = |account: AccountId, password: &str| {
        let request = ClosureRequest::StartAtOnce {
            account,
            password: Secret::from(password),
            reason: Reason::Privacy,
            note: None,
        };
        closure::step(&demo.db, Principal::Customer(account), request, now()).unwrap()
    };
    let wrong = start(demo.active, "not the password");
    assert!(matches!(wrong.refusal, Some(Refusal::WrongPassword { .. })), "{:?}", wrong.refusal);
    assert!(!wrong.code_mailed);

    let started = start(demo.active, crate::demo::DEMO_CUSTOMER_PASSWORD);
    assert_eq!(started.refusal, None);
    assert!(started.code_mailed);
    assert_eq!(started.wizard.unwrap().step, Step::Confirm);

    let conn = store::open_existing(&demo.db).unwrap();
    let blocked_email = crate::demo::DemoAccount::by_situation("pending order").unwrap().email;
    let blocked = accounts::get_account(&conn, &AccountRef::Email(blocked_email.to_owned())).unwrap().id;
    let stopped = start(blocked, crate::demo::DEMO_CUSTOMER_PASSWORD);
    assert!(!stopped.readiness.unwrap().can_close());
    assert!(!stopped.code_mailed);
    assert_ne!(stopped.wizard.unwrap().step, Step::Confirm);
}

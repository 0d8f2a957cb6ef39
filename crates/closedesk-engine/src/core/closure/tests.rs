//! The wizard's rules, step by step, and a property: no sequence of events closes an account
//! without passing every check.

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::*;
use crate::core::AccountId;
use crate::core::policy::Policy;

const EMAIL: &str = "mei.chen@example.com";

fn t0() -> Timestamp {
    Timestamp::from_second(1_800_000_000).unwrap()
}

fn secs(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n)
}

/// The installation key of these tests.
fn key() -> CodeKey {
    CodeKey::from_bytes([42; 32])
}

fn run(wizard: Wizard, event: Event, now: Timestamp) -> (Wizard, Vec<Effect>) {
    apply(wizard, event, now, &Policy::default())
}

fn refusal(effects: &[Effect]) -> Option<Refusal> {
    effects.iter().find_map(|e| match e {
        Effect::Refused(r) => Some(*r),
        _ => None,
    })
}

fn mailed(effects: &[Effect]) -> Option<String> {
    effects.iter().find_map(|e| match e {
        Effect::MailCode { code, .. } => Some(code.expose().to_owned()),
        _ => None,
    })
}

fn confirm(code: &str) -> Event {
    Event::Confirm {
        code: code.to_owned(),
        typed_email: EMAIL.to_uppercase(),
        registered_email: EMAIL.to_owned(),
        phrase: "  deactivate MY account ".to_owned(),
        still_ready: true,
        key: key(),
    }
}

/// Walks a closable account up to the confirm step; returns the wizard and the mailed code.
fn at_confirm(now: Timestamp) -> (Wizard, String) {
    let w = Wizard::new(AccountId(1), Purpose::Close, 99, None);
    let (w, _) = run(w, Event::ReadinessChecked { can_close: true, has_warnings: true }, now);
    let (w, _) = run(w, Event::WarningsAcknowledged, now);
    let (w, _) = run(w, Event::PasswordChecked { correct: true }, now);
    let (w, _) = run(w, Event::ReasonChosen { reason: Reason::Privacy, note: Some(" moving on ".into()) }, now);
    let (w, _) = run(w, Event::BackupDecided { taken: true }, now);
    let (w, effects) = run(w, Event::SummaryAccepted { fresh_code: Code::from_number(123_456), key: key() }, now);
    assert_eq!(w.step, Step::Confirm);
    (w, mailed(&effects).unwrap())
}

#[test]
fn closable_account_reaches_closure_pending_with_the_grace_period() {
    let (w, code) = at_confirm(t0());
    let (w, effects) = run(w, confirm(&code), t0() + secs(60));
    assert_eq!(w.step, Step::Done);
    let close = effects.iter().find_map(|e| match e {
        Effect::Close { purge_after, reason, note, backup_taken } => {
            Some((*purge_after, *reason, note.clone(), *backup_taken))
        }
        _ => None,
    });
    assert_eq!(close, Some((t0() + secs(60) + secs(72 * 3600), Reason::Privacy, Some("moving on".into()), true)));
    assert!(w.code.unwrap().spent, "the code is single-use");
    let (_, again) = run(w, confirm(&code), t0() + secs(61));
    assert_eq!(refusal(&again), Some(Refusal::OutOfOrder));
}

#[test]
fn a_blocked_account_cannot_pass_readiness() {
    let w = Wizard::new(AccountId(1), Purpose::Close, 1, None);
    let (w, _) = run(w, Event::ReadinessChecked { can_close: false, has_warnings: true }, t0());
    assert_eq!(w.step, Step::Readiness);
    let (w, effects) = run(w, Event::WarningsAcknowledged, t0());
    assert_eq!(refusal(&effects), Some(Refusal::Blocked));
    let (w, effects) = run(w, Event::PasswordChecked { correct: true }, t0());
    assert_eq!(refusal(&effects), Some(Refusal::OutOfOrder));
    assert_eq!(w.step, Step::Readiness);
}

#[test]
fn wrong_passwords_lock_the_wizard_until_the_lockout_ends() {
    let w = Wizard::new(AccountId(1), Purpose::Close, 1, None);
    let (mut w, _) = run(w, Event::ReadinessChecked { can_close: true, has_warnings: false }, t0());
    for tries_left in (1..5).rev() {
        let effects;
        (w, effects) = run(w, Event::PasswordChecked { correct: false }, t0());
        assert_eq!(refusal(&effects), Some(Refusal::WrongPassword { tries_left }));
    }
    let (w, effects) = run(w, Event::PasswordChecked { correct: false }, t0());
    let until = t0() + secs(15 * 60);
    assert_eq!(refusal(&effects), Some(Refusal::Locked { until }));
    let (w, effects) = run(w, Event::PasswordChecked { correct: true }, until - secs(1));
    assert_eq!(refusal(&effects), Some(Refusal::Locked { until }), "still locked a second before the end");
    let (w, effects) = run(w, Event::PasswordChecked { correct: true }, until);
    assert_eq!(refusal(&effects), None);
    assert_eq!(w.step, Step::Reason);
}

#[test]
fn the_code_expires_after_its_lifetime() {
    let (w, code) = at_confirm(t0());
    let (w, effects) = run(w.clone(), confirm(&code), t0() + secs(600));
    assert_eq!(refusal(&effects), Some(Refusal::CodeExpired));
    let (_, effects) = run(w, confirm(&code), t0() + secs(599));
    assert_eq!(refusal(&effects), None);
}

#[test]
fn five_wrong_codes_void_the_code_and_lock_closure() {
    let (mut w, code) = at_confirm(t0());
    for tries_left in (1..5).rev() {
        let effects;
        (w, effects) = run(w, confirm("000000"), t0());
        assert_eq!(refusal(&effects), Some(Refusal::WrongCode { tries_left }));
    }
    let (w, effects) = run(w, confirm("000000"), t0());
    assert!(matches!(refusal(&effects), Some(Refusal::Locked { .. })));
    let (w, effects) = run(w, confirm(&code), t0() + secs(15 * 60));
    assert_eq!(refusal(&effects), Some(Refusal::CodeVoided), "the right code no longer works");
    let (_, effects) = run(w, Event::ResendCode { fresh_code: Code::from_number(1), key: key() }, t0() + secs(15 * 60));
    assert_eq!(refusal(&effects), None, "a fresh code can be asked for after the lockout");
}

#[test]
fn email_and_phrase_mismatches_spend_no_code_try() {
    let (w, code) = at_confirm(t0());
    let mut wrong_email = confirm(&code);
    if let Event::Confirm { typed_email, .. } = &mut wrong_email {
        *typed_email = "someone@else.example".into();
    }
    let (w, effects) = run(w, wrong_email, t0());
    assert_eq!(refusal(&effects), Some(Refusal::EmailMismatch));
    let mut wrong_phrase = confirm(&code);
    if let Event::Confirm { phrase, .. } = &mut wrong_phrase {
        *phrase = "close it".into();
    }
    let (w, effects) = run(w, wrong_phrase, t0());
    assert_eq!(refusal(&effects), Some(Refusal::PhraseMismatch));
    assert_eq!(w.code.unwrap().tries_left, 5);
}

#[test]
fn a_resend_replaces_the_code_and_is_rate_limited() {
    let (w, first) = at_confirm(t0());
    let (w, effects) =
        run(w, Event::ResendCode { fresh_code: Code::from_number(654_321), key: key() }, t0() + secs(30));
    assert!(matches!(refusal(&effects), Some(Refusal::ResendTooSoon { .. })));
    let (w, effects) =
        run(w, Event::ResendCode { fresh_code: Code::from_number(654_321), key: key() }, t0() + secs(60));
    assert_eq!(mailed(&effects).as_deref(), Some("654321"));
    let (w, effects) = run(w, confirm(&first), t0() + secs(61));
    assert_eq!(refusal(&effects), Some(Refusal::WrongCode { tries_left: 4 }), "the old code is replaced");
    let (w, _) = run(w, confirm("654321"), t0() + secs(62));
    assert_eq!(w.step, Step::Done);
}

#[test]
fn a_blocker_appearing_before_confirm_stops_the_closure() {
    let (w, code) = at_confirm(t0());
    let mut event = confirm(&code);
    if let Event::Confirm { still_ready, .. } = &mut event {
        *still_ready = false;
    }
    let (w, effects) = run(w, event, t0());
    assert_eq!(refusal(&effects), Some(Refusal::Blocked));
    assert_eq!(w.step, Step::Confirm);
}

#[test]
fn a_code_made_under_another_key_is_void_and_spends_no_try() {
    let (w, code) = at_confirm(t0());
    let mut event = confirm(&code);
    if let Event::Confirm { key, .. } = &mut event {
        *key = CodeKey::from_bytes([43; 32]);
    }
    let (w, effects) = run(w, event, t0());
    assert_eq!(refusal(&effects), Some(Refusal::CodeVoided));
    assert_eq!(w.step, Step::Confirm);
    assert_eq!(w.code.unwrap().tries_left, 5);
    let (w, effects) = run(w, Event::ResendCode { fresh_code: Code::from_number(5), key: key() }, t0() + secs(61));
    let (_, effects_after) = run(w, confirm(&mailed(&effects).unwrap()), t0() + secs(62));
    assert!(refusal(&effects_after).is_none(), "{effects_after:?}");
}

#[test]
fn cancelling_needs_the_password_and_a_fresh_code() {
    let w = Wizard::new(AccountId(1), Purpose::Cancel, 5, None);
    let (w, _) = run(w, Event::PasswordChecked { correct: true }, t0());
    assert_eq!(w.step, Step::Summary);
    let (w, effects) = run(w, Event::SummaryAccepted { fresh_code: Code::from_number(777_777), key: key() }, t0());
    assert_eq!(mailed(&effects).as_deref(), Some("777777"));
    let event = Event::Confirm {
        code: "777777".into(),
        typed_email: String::new(),
        registered_email: EMAIL.into(),
        phrase: String::new(),
        still_ready: false,
        key: key(),
    };
    let (w, effects) = run(w, event, t0());
    assert!(effects.iter().any(|e| matches!(e, Effect::Cancel)));
    assert_eq!(w.step, Step::Done);
}

#[test]
fn an_assisted_closure_skips_the_password_and_is_confirmed_by_the_customers_code() {
    let w = Wizard::assisted(AccountId(1), Purpose::Close, 3, None);
    let (w, _) = run(w, Event::ReadinessChecked { can_close: true, has_warnings: false }, t0());
    assert_eq!(w.step, Step::Reason);
    let (w, effects) = run(w, Event::PasswordChecked { correct: true }, t0());
    assert_eq!(refusal(&effects), Some(Refusal::OutOfOrder), "no password in an assisted closure");
    let (w, _) = run(w, Event::ReasonChosen { reason: Reason::AnotherAccount, note: None }, t0());
    let (w, _) = run(w, Event::BackupDecided { taken: false }, t0());
    let (w, effects) = run(w, Event::SummaryAccepted { fresh_code: Code::from_number(246_810), key: key() }, t0());
    let code = mailed(&effects).unwrap();
    let (w, effects) = run(w, confirm("000000"), t0());
    assert_eq!(refusal(&effects), Some(Refusal::WrongCode { tries_left: 4 }));
    let (w, effects) = run(w, confirm(&code), t0());
    assert!(effects.iter().any(|e| matches!(e, Effect::Close { .. })));
    assert_eq!(w.step, Step::Done);
}

#[test]
fn an_agent_cancels_with_the_customers_code_only() {
    let w = Wizard::assisted(AccountId(1), Purpose::Cancel, 4, None);
    assert_eq!(w.step, Step::Summary);
    let (w, effects) = run(w, Event::SummaryAccepted { fresh_code: Code::from_number(135_791), key: key() }, t0());
    let code = mailed(&effects).unwrap();
    let (_, effects) = run(
        w,
        Event::Confirm {
            code,
            typed_email: String::new(),
            registered_email: EMAIL.into(),
            phrase: String::new(),
            still_ready: false,
            key: key(),
        },
        t0(),
    );
    assert!(effects.iter().any(|e| matches!(e, Effect::Cancel)));
}

#[test]
fn refusals_name_their_instant_in_the_form_the_caller_chooses() {
    let until = t0();
    let locked = Refusal::Locked { until };
    assert_eq!(locked.to_string(), locked.message(crate::core::time::utc_minute));
    assert_eq!(locked.message(|_| "noon".to_owned()), "Closure is locked after too many wrong entries until noon.");
    assert_eq!(Refusal::CodeExpired.message(|_| String::new()), Refusal::CodeExpired.to_string());
}

#[test]
fn the_tries_left_are_counted_in_words() {
    assert_eq!(Refusal::WrongPassword { tries_left: 1 }.to_string(), "The password is wrong (1 try left).");
    assert_eq!(Refusal::WrongPassword { tries_left: 4 }.to_string(), "The password is wrong (4 tries left).");
    assert_eq!(Refusal::WrongCode { tries_left: 1 }.to_string(), "The code is wrong (1 try left).");
    assert_eq!(Refusal::WrongCode { tries_left: 2 }.to_string(), "The code is wrong (2 tries left).");
}

#[test]
fn the_wizard_survives_a_round_trip_through_json() {
    let (w, _) = at_confirm(t0());
    let text = serde_json::to_string(&w).unwrap();
    assert!(!text.contains("123456"), "only the hash is kept");
    assert_eq!(serde_json::from_str::<Wizard>(&text).unwrap(), w);
}

fn any_event() -> impl Strategy<Value = Event> {
    prop_oneof![
        (any::<bool>(), any::<bool>())
            .prop_map(|(can_close, has_warnings)| Event::ReadinessChecked { can_close, has_warnings }),
        Just(Event::WarningsAcknowledged),
        any::<bool>().prop_map(|correct| Event::PasswordChecked { correct }),
        Just(Event::ReasonChosen { reason: Reason::Other, note: None }),
        any::<bool>().prop_map(|taken| Event::BackupDecided { taken }),
        (0_u32..3).prop_map(|n| Event::SummaryAccepted { fresh_code: Code::from_number(n), key: key() }),
        (0_u32..3).prop_map(|n| Event::ResendCode { fresh_code: Code::from_number(n), key: key() }),
        (0_u32..3, any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(n, email_ok, phrase_ok, still_ready)| {
            Event::Confirm {
                code: format!("{n:06}"),
                typed_email: if email_ok { EMAIL.into() } else { "x@y.z".into() },
                registered_email: EMAIL.into(),
                phrase: if phrase_ok { CONFIRM_PHRASE.into() } else { "nope".into() },
                still_ready,
                key: key(),
            }
        }),
        Just(Event::Back),
    ]
}

proptest! {
    /// Whatever the order of clicks, verdicts and typed values, a closure is committed only
    /// after: a readiness check without blockers, acknowledged warnings, a correct password
    /// (unless an agent assists, when the customer's code is the proof),
    /// a reason, a backup decision, and the last mailed code typed in time with the right
    /// email and phrase while still ready.
    #[test]
    fn no_sequence_of_events_closes_without_every_check(
        events in proptest::collection::vec((any_event(), 0_i64..400), 1..60),
        assisted in any::<bool>(),
    ) {
        let policy = Policy::default();
        let mut wizard = if assisted {
            Wizard::assisted(AccountId(1), Purpose::Close, 42, None)
        } else {
            Wizard::new(AccountId(1), Purpose::Close, 42, None)
        };
        let mut now = t0();
        let mut ready = false;
        let mut acknowledged = false;
        let mut verified = false;
        let mut last_code: Option<(String, Timestamp)> = None;
        for (event, advance) in events {
            now += secs(advance);
            let before = wizard.clone();
            let (next, effects) = apply(wizard, event.clone(), now, &policy);
            let refused = refusal(&effects).is_some();
            if !refused {
                match &event {
                    Event::ReadinessChecked { can_close, has_warnings } => {
                        ready = *can_close;
                        acknowledged = !*has_warnings;
                    }
                    Event::WarningsAcknowledged => acknowledged = true,
                    Event::PasswordChecked { correct: true } => verified = true,
                    _ => {}
                }
            }
            if let Some(code) = mailed(&effects) {
                last_code = Some((code, now + secs(policy.code_ttl_secs)));
            }
            if effects.iter().any(|e| matches!(e, Effect::Close { .. })) {
                // An assisted closure proves identity by the code alone, checked below.
                prop_assert!(ready && acknowledged && (verified || assisted));
                prop_assert!(before.reason.is_some() && before.backup_taken.is_some());
                let Event::Confirm { code, typed_email, phrase, still_ready, .. } = &event else {
                    return Err(TestCaseError::fail("closed on an event other than Confirm"));
                };
                let (mailed_code, expires) = last_code.clone().expect("a code was mailed");
                prop_assert_eq!(code, &mailed_code);
                prop_assert!(now < expires);
                prop_assert!(typed_email == EMAIL && phrase == CONFIRM_PHRASE && *still_ready);
                prop_assert!(before.locked_at(now).is_none());
                prop_assert_eq!(next.step, Step::Done);
            }
            if next.step == Step::Done {
                prop_assert!(next.purge_after.is_some());
            }
            wizard = next;
        }
    }
}

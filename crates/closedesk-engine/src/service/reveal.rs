//! Showing a customer's personal data to a support agent, unmasked, for a recorded reason.

use std::path::Path;

use jiff::Timestamp;

use super::ServiceResult;
use super::access::{authorize_agent, staff_only};
use crate::core::AccountId;
use crate::core::permissions::{Action, Principal};
use crate::store;

pub use crate::store::reveal::RevealReason;

/// Records that the session's agent reveals `account`'s personal data for `reason`; the
/// window then reads the account unmasked. Nothing is recorded when the agent may not.
pub fn reveal(
    db: &Path,
    session: Principal,
    account: AccountId,
    reason: RevealReason,
    now: Timestamp,
) -> ServiceResult<()> {
    staff_only(session, Action::RevealPersonalData(account))?;
    let mut conn = store::open_existing(db)?;
    let agent = authorize_agent(&conn, session, Action::RevealPersonalData(account))?;
    Ok(store::reveal::record_reveal(&mut conn, agent, account, reason, now)?)
}

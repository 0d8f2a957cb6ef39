//! The audit viewer's filter as typed, and the query it means.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::core::{AccountId, AgentId};
use crate::service::staff::{AuditFilter, AuditQuery};

/// The filter as typed: text, checked when the query is built.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilterInput {
    /// An account id, or nothing.
    pub account: String,
    /// An agent's id or sign-in name, or nothing.
    pub agent: String,
    /// One action, or any.
    pub action: Option<String>,
    /// The first local day, `YYYY-MM-DD`, or nothing.
    pub from: String,
    /// The last local day (included), `YYYY-MM-DD`, or nothing.
    pub to: String,
}

impl AuditFilterInput {
    /// The query the typed filter means, or what is wrong with it. Days are local: "from"
    /// starts at that day's first instant, "to" ends at the next day's.
    pub fn parse(&self) -> Result<AuditQuery, String> {
        self.parse_in(&TimeZone::system())
    }

    fn parse_in(&self, tz: &TimeZone) -> Result<AuditQuery, String> {
        let account = match self.account.trim() {
            "" => None,
            text => Some(AccountId(text.parse().map_err(|_| "The account id is a number.".to_owned())?)),
        };
        let (agent, agent_name) = match self.agent.trim() {
            "" => (None, None),
            text => match text.parse() {
                Ok(id) => (Some(AgentId(id)), None),
                Err(_) => (None, Some(text.to_owned())),
            },
        };
        let day_start = |text: &str, what: &str, next: bool| -> Result<Option<Timestamp>, String> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            let bad = || format!("Type the {what} day as YYYY-MM-DD.");
            let mut date: Date = text.parse().map_err(|_| bad())?;
            if next {
                date = date.tomorrow().map_err(|_| bad())?;
            }
            let zoned = date.to_zoned_datetime(tz.clone()).map_err(|_| bad())?;
            Ok(Some(zoned.timestamp()))
        };
        let from = day_start(&self.from, "first", false)?;
        let until = day_start(&self.to, "last", true)?;
        if let (Some(from), Some(until)) = (from, until)
            && until <= from
        {
            return Err("The last day comes before the first.".to_owned());
        }
        let filter = AuditFilter { account, agent, action: self.action.clone(), from, until };
        Ok(AuditQuery { filter, agent_name })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests {
    use super::*;

    #[test]
    fn the_typed_filter_becomes_a_query_in_local_days() {
        let input = AuditFilterInput {
            account: " 7 ".into(),
            agent: "sam".into(),
            action: Some("purge".into()),
            from: "2026-11-29".into(),
            to: "2026-11-29".into(),
        };
        let query = input.parse_in(&TimeZone::UTC).unwrap();
        assert_eq!(query.filter.account, Some(AccountId(7)));
        assert_eq!(query.agent_name.as_deref(), Some("sam"));
        assert_eq!(query.filter.from, Some("2026-11-29T00:00:00Z".parse().unwrap()));
        assert_eq!(query.filter.until, Some("2026-11-30T00:00:00Z".parse().unwrap()), "the last day is included");

        let by_id = AuditFilterInput { agent: "3".into(), ..AuditFilterInput::default() };
        assert_eq!(by_id.parse_in(&TimeZone::UTC).unwrap().filter.agent, Some(AgentId(3)));
    }

    #[test]
    fn a_bad_filter_says_what_is_wrong() {
        let bad_day = AuditFilterInput { from: "29.11.2026".into(), ..AuditFilterInput::default() };
        assert!(bad_day.parse_in(&TimeZone::UTC).unwrap_err().contains("YYYY-MM-DD"));
        let bad_id = AuditFilterInput { account: "x".into(), ..AuditFilterInput::default() };
        assert!(bad_id.parse_in(&TimeZone::UTC).is_err());
        let reversed =
            AuditFilterInput { from: "2026-11-30".into(), to: "2026-11-29".into(), ..AuditFilterInput::default() };
        assert!(reversed.parse_in(&TimeZone::UTC).is_err());
    }
}

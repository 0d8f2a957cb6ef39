use std::fmt;

/// The numeric id of a customer account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct AccountId(pub i64);

/// The numeric id of a support agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct AgentId(pub i64);

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for AgentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// How a person names an account on the command line: its number or its email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountRef {
    /// A numeric account id.
    Id(AccountId),
    /// A registered email address (matched case-insensitively).
    Email(String),
}

impl std::str::FromStr for AccountRef {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if let Ok(id) = text.parse::<i64>() {
            Ok(Self::Id(AccountId(id)))
        } else if text.contains('@') {
            Ok(Self::Email(text.to_owned()))
        } else {
            Err("expected an account id (a number) or an email address".to_owned())
        }
    }
}

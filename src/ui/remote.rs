//! Data that a worker thread fetches for a screen.

/// The state of data loaded in the background: a screen shows progress, the data, or the error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Remote<T> {
    /// A worker is fetching it (or is about to).
    #[default]
    Loading,
    /// The data arrived.
    Ready(T),
    /// Loading failed; the message names what went wrong, without personal data.
    Failed(String),
}

impl<T> Remote<T> {
    /// The data, once it has arrived.
    pub fn ready(&self) -> Option<&T> {
        match self {
            Self::Ready(value) => Some(value),
            Self::Loading | Self::Failed(_) => None,
        }
    }

    /// Whether a worker is still fetching it.
    pub fn is_loading(&self) -> bool {
        matches!(self, Self::Loading)
    }
}

impl<T, E: std::fmt::Display> From<Result<T, E>> for Remote<T> {
    fn from(result: Result<T, E>) -> Self {
        match result {
            Ok(value) => Self::Ready(value),
            Err(err) => Self::Failed(err.to_string()),
        }
    }
}

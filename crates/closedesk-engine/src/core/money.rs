use std::fmt;

/// An ISO 4217 currency code such as `EUR`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses a three-letter code; lower case is accepted and upper-cased.
    pub fn new(code: &str) -> Option<Self> {
        let bytes = code.as_bytes();
        (bytes.len() == 3 && bytes.iter().all(u8::is_ascii_alphabetic)).then(|| {
            Self([bytes[0].to_ascii_uppercase(), bytes[1].to_ascii_uppercase(), bytes[2].to_ascii_uppercase()])
        })
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// How many decimal places the currency's minor unit has.
    pub fn minor_digits(self) -> u32 {
        match self.as_str() {
            "JPY" | "KRW" | "CLP" | "VND" | "ISK" => 0,
            _ => 2,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount in a currency's minor units (cents), never a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    /// The amount in minor units; negative for withdrawals.
    pub amount_minor: i64,
    /// The currency of the amount.
    pub currency: Currency,
}

impl Money {
    /// An amount of `amount_minor` minor units of `currency`.
    pub fn new(amount_minor: i64, currency: Currency) -> Self {
        Self { amount_minor, currency }
    }
}

impl fmt::Display for Money {
    /// `EUR 1,234.50`, with thousands separators and the currency's own decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.currency.minor_digits();
        let scale = 10_i64.pow(digits);
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let magnitude = self.amount_minor.unsigned_abs();
        let whole = group_thousands(magnitude / scale as u64);
        if digits == 0 {
            write!(f, "{sign}{} {whole}", self.currency)
        } else {
            let frac = magnitude % scale as u64;
            write!(f, "{sign}{} {whole}.{frac:0width$}", self.currency, width = digits as usize)
        }
    }
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, ch) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_shows_currency_decimals_and_grouping() {
        let eur = Currency::new("eur").unwrap();
        assert_eq!(Money::new(123_450, eur).to_string(), "EUR 1,234.50");
        assert_eq!(Money::new(-5, eur).to_string(), "-EUR 0.05");
        assert_eq!(Money::new(1_500, Currency::new("JPY").unwrap()).to_string(), "JPY 1,500");
        assert!(Currency::new("EURO").is_none());
    }
}

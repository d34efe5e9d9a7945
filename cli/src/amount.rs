//! Human amounts: `1.5LPT`, `0.1ETH`, `250gwei`, `1000wei`, or a bare number in the
//! command's natural unit.

use alloy::primitives::{
    utils::{format_units, parse_units},
    U256,
};

/// The unit a bare number is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// LPT, 18 decimals.
    Lpt,
    /// ETH, 18 decimals.
    Eth,
}

impl Unit {
    fn symbol(self) -> &'static str {
        match self {
            Unit::Lpt => "LPT",
            Unit::Eth => "ETH",
        }
    }
}

/// Parses `text` into base units; a suffix, if any, must match `unit` (or be `wei`/`gwei`).
pub fn parse(text: &str, unit: Unit) -> Result<U256, String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let split = lower.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(lower.len());
    let (number, suffix) = (lower[..split].trim(), lower[split..].trim());
    let decimals = match suffix {
        "" => 18,
        "wei" => 0,
        "gwei" => 9,
        s if s == unit.symbol().to_ascii_lowercase() => 18,
        s => return Err(format!("amount {t:?}: unit {s:?} does not fit here, use {}", unit.symbol())),
    };
    if number.is_empty() {
        return Err(format!("amount {t:?} has no number"));
    }
    parse_units(number, decimals).map(Into::into).map_err(|e| format!("amount {t:?} is not a valid number: {e}"))
}

/// Formats base units as `1.5 LPT`, trimming trailing zeros.
pub fn format(amount: U256, unit: Unit) -> String {
    let s = format_units(amount, 18).unwrap_or_else(|_| amount.to_string());
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    format!("{s} {}", unit.symbol())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e18(n: u64) -> U256 {
        U256::from(n) * U256::from(10u64).pow(U256::from(18))
    }

    #[test]
    fn parses_human_amounts() {
        assert_eq!(parse("1.5LPT", Unit::Lpt).unwrap(), e18(15) / U256::from(10));
        assert_eq!(parse("2 lpt", Unit::Lpt).unwrap(), e18(2));
        assert_eq!(parse("0.1ETH", Unit::Eth).unwrap(), e18(1) / U256::from(10));
        assert_eq!(parse("3", Unit::Eth).unwrap(), e18(3));
        assert_eq!(parse("1000wei", Unit::Lpt).unwrap(), U256::from(1000));
        assert_eq!(parse("2gwei", Unit::Eth).unwrap(), U256::from(2_000_000_000u64));
    }

    #[test]
    fn rejects_wrong_units_and_garbage() {
        assert!(parse("1ETH", Unit::Lpt).unwrap_err().contains("use LPT"));
        assert!(parse("LPT", Unit::Lpt).unwrap_err().contains("no number"));
        assert!(parse("1.2.3", Unit::Lpt).unwrap_err().contains("not a valid number"));
    }

    #[test]
    fn formats_without_trailing_zeros() {
        assert_eq!(format(e18(15) / U256::from(10), Unit::Lpt), "1.5 LPT");
        assert_eq!(format(e18(2), Unit::Eth), "2 ETH");
        assert_eq!(format(U256::ZERO, Unit::Eth), "0 ETH");
    }
}

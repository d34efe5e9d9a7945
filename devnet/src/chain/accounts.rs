//! Dev accounts derived from a mnemonic (anvil's ten, by default).

use std::collections::HashMap;

use alloy::signers::local::{coins_bip39::English, MnemonicBuilder, PrivateKeySigner};
use alloy_primitives::Address;

/// The standard test mnemonic anvil and hardhat use.
pub const DEFAULT_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// A mnemonic that doesn't derive keys.
#[derive(Debug, thiserror::Error)]
#[error("cannot derive dev accounts: {0}")]
pub struct AccountsError(String);

/// Dev signers in derivation order.
#[derive(Clone, Default)]
pub struct Signers {
    order: Vec<Address>,
    keys: HashMap<Address, PrivateKeySigner>,
}

impl Signers {
    /// Derives `count` keys at m/44'/60'/0'/0/i.
    pub fn from_mnemonic(phrase: &str, count: u32) -> Result<Self, AccountsError> {
        let mut s = Self::default();
        for i in 0..count {
            let signer = MnemonicBuilder::<English>::default().phrase(phrase).index(i).and_then(|b| b.build()).map_err(|e| AccountsError(e.to_string()))?;
            s.order.push(signer.address());
            s.keys.insert(signer.address(), signer);
        }
        Ok(s)
    }

    /// Addresses in order.
    pub fn addresses(&self) -> Vec<Address> {
        self.order.clone()
    }

    /// The signer for `address`.
    pub fn get(&self, address: &Address) -> Option<&PrivateKeySigner> {
        self.keys.get(address)
    }

    /// Signers in order (for printing the startup banner).
    pub fn iter(&self) -> impl Iterator<Item = &PrivateKeySigner> {
        self.order.iter().filter_map(|a| self.keys.get(a))
    }
}

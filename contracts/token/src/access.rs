//! OpenZeppelin 4.x AccessControl: roles with admin roles and its exact revert message.

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{hex, Address, FixedBytes, B256};
use lpx_abi::token::ILivepeerToken;
use lpx_contracts_common::revert::{err, Revert};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageB256, StorageBool, StorageMap};

use crate::LivepeerToken;

/// The admin of every role unless changed (zero).
pub const DEFAULT_ADMIN_ROLE: B256 = B256::ZERO;
/// `keccak256("MINTER_ROLE")`.
pub const MINTER_ROLE: B256 = role("MINTER_ROLE");
/// `keccak256("BURNER_ROLE")`.
pub const BURNER_ROLE: B256 = role("BURNER_ROLE");
/// ERC-165 id of IAccessControl.
pub const IACCESS_CONTROL_ID: FixedBytes<4> = FixedBytes([0x79, 0x65, 0xdb, 0x0b]);
/// ERC-165 id of IERC165.
pub const IERC165_ID: FixedBytes<4> = FixedBytes([0x01, 0xff, 0xc9, 0xa7]);

const fn role(name: &str) -> B256 {
    B256::new(stylus_sdk::keccak_const::Keccak256::new().update(name.as_bytes()).finalize())
}

/// One role: its members and its admin role.
#[storage]
pub struct RoleData {
    /// account → holds the role.
    pub members: StorageMap<Address, StorageBool>,
    /// The role whose holders grant and revoke this one.
    pub admin_role: StorageB256,
}

/// OZ 4.x: "AccessControl: account 0x… is missing role 0x…" (lowercase hex, 20 and 32 bytes).
pub fn missing_role(account: Address, role: B256) -> Revert {
    let mut msg = String::with_capacity(150);
    msg.push_str("AccessControl: account 0x");
    msg.push_str(&hex::encode(account));
    msg.push_str(" is missing role 0x");
    msg.push_str(&hex::encode(role));
    err(&msg)
}

impl LivepeerToken {
    pub(crate) fn has_role_impl(&self, role: B256, account: Address) -> bool {
        self.roles.get(role).members.get(account)
    }

    /// Reverts unless the caller holds `role`.
    pub(crate) fn check_role(&self, role: B256) -> Result<(), Revert> {
        let sender = self.vm().msg_sender();
        if self.has_role_impl(role, sender) {
            Ok(())
        } else {
            Err(missing_role(sender, role))
        }
    }

    pub(crate) fn grant_role_impl(&mut self, role: B256, account: Address) {
        if !self.has_role_impl(role, account) {
            self.roles.setter(role).members.setter(account).set(true);
            let sender = self.vm().msg_sender();
            self.vm().log(ILivepeerToken::RoleGranted { role, account, sender });
        }
    }

    pub(crate) fn revoke_role_impl(&mut self, role: B256, account: Address) {
        if self.has_role_impl(role, account) {
            self.roles.setter(role).members.setter(account).set(false);
            let sender = self.vm().msg_sender();
            self.vm().log(ILivepeerToken::RoleRevoked { role, account, sender });
        }
    }
}

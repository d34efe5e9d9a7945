//! OpenZeppelin 4.9 AccessControl as the timelock uses it: roles with admin roles, the
//! executor role that `address(0)` opens to everyone, and the revert message naming the
//! account and the role in lower-case hex (OZ's `Strings.toHexString`).

use alloc::string::String;

use alloy_primitives::{Address, B256};
use alloy_sol_types::SolCall;
use lpx_abi::treasury::ITreasury;
use lpx_contracts_common::revert::{err, Revert};
use stylus_sdk::prelude::*;

use crate::Treasury;

const fn id(name: &str) -> B256 {
    B256::new(stylus_sdk::keccak_const::Keccak256::new().update(name.as_bytes()).finalize())
}

/// `keccak256("TIMELOCK_ADMIN_ROLE")`: administers every role, held by the timelock itself.
pub const TIMELOCK_ADMIN_ROLE: B256 = id("TIMELOCK_ADMIN_ROLE");
/// `keccak256("PROPOSER_ROLE")`.
pub const PROPOSER_ROLE: B256 = id("PROPOSER_ROLE");
/// `keccak256("EXECUTOR_ROLE")`.
pub const EXECUTOR_ROLE: B256 = id("EXECUTOR_ROLE");
/// `keccak256("CANCELLER_ROLE")`.
pub const CANCELLER_ROLE: B256 = id("CANCELLER_ROLE");

/// `renounceRole` for another account.
pub const ERR_RENOUNCE: &str = "AccessControl: can only renounce roles for self";

/// ERC-165 ids OZ 4.9's TimelockController reports: IERC165, IAccessControl,
/// IERC1155Receiver.
const INTERFACES: [[u8; 4]; 3] = [[0x01, 0xff, 0xc9, 0xa7], [0x79, 0x65, 0xdb, 0x0b], [0x4e, 0x23, 0x12, 0xe0]];

/// ERC-165 `supportsInterface`.
pub fn supports_interface(interface_id: [u8; 4]) -> bool {
    INTERFACES.contains(&interface_id)
}

/// Selectors of the token receiver hooks, each of which returns its own selector.
const RECEIVER_HOOKS: [[u8; 4]; 3] =
    [ITreasury::onERC721ReceivedCall::SELECTOR, ITreasury::onERC1155ReceivedCall::SELECTOR, ITreasury::onERC1155BatchReceivedCall::SELECTOR];

/// Whether `selector` is one of the ERC-721/ERC-1155 receiver hooks.
pub fn is_receiver_hook(selector: [u8; 4]) -> bool {
    RECEIVER_HOOKS.contains(&selector)
}

/// "AccessControl: account 0x… is missing role 0x…", as OZ 4.9 builds it.
pub fn missing_role(account: Address, role: B256) -> String {
    let mut msg = String::with_capacity(128);
    msg.push_str("AccessControl: account 0x");
    crate::enc::hex_into(&mut msg, account.as_slice());
    msg.push_str(" is missing role 0x");
    crate::enc::hex_into(&mut msg, role.as_slice());
    msg
}

impl Treasury {
    /// `hasRole`.
    pub(crate) fn holds(&self, role: B256, account: Address) -> bool {
        self.roles.get(role).members.get(account)
    }

    /// `_checkRole(role, account)`.
    pub(crate) fn check_role(&self, role: B256, account: Address) -> Result<(), Revert> {
        if self.holds(role, account) {
            Ok(())
        } else {
            Err(err(&missing_role(account, role)))
        }
    }

    /// `onlyRoleOrOpenRole`: the role granted to `address(0)` lets everyone through.
    pub(crate) fn check_role_or_open(&self, role: B256) -> Result<(), Revert> {
        if self.holds(role, Address::ZERO) {
            return Ok(());
        }
        self.check_role(role, self.vm().msg_sender())
    }

    /// `_grantRole`: emits `RoleGranted` when `account` did not hold `role`.
    pub(crate) fn grant(&mut self, role: B256, account: Address) {
        if self.holds(role, account) {
            return;
        }
        self.roles.setter(role).members.setter(account).set(true);
        let sender = self.vm().msg_sender();
        self.vm().log(ITreasury::RoleGranted { role, account, sender });
    }

    /// `_revokeRole`: emits `RoleRevoked` when `account` held `role`.
    pub(crate) fn revoke(&mut self, role: B256, account: Address) {
        if !self.holds(role, account) {
            return;
        }
        self.roles.setter(role).members.setter(account).set(false);
        let sender = self.vm().msg_sender();
        self.vm().log(ITreasury::RoleRevoked { role, account, sender });
    }

    /// `_setRoleAdmin`: emits `RoleAdminChanged`.
    pub(crate) fn set_role_admin(&mut self, role: B256, admin: B256) {
        let previous = self.roles.get(role).admin_role.get();
        self.roles.setter(role).admin_role.set(admin);
        self.vm().log(ITreasury::RoleAdminChanged { role, previousAdminRole: previous, newAdminRole: admin });
    }
}

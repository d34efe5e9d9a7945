//! A proposal's actions (`targets`, `values`, `calldatas`), read from the first three
//! arguments of `propose`, `queue`, `execute`, `cancel` and `hashProposal`, and what is
//! derived from them: the proposal id and the Treasury's batch calls.

use alloc::vec::Vec;
use alloy_primitives::{keccak256, Address, B256, U256};

use crate::calldata::Calldata;
use crate::encode::{self, Tok};
use lpx_contracts_common::revert::Revert;

/// A proposal's actions.
pub struct Actions<'a> {
    /// Call targets, as ABI words.
    pub targets: Vec<U256>,
    /// ETH sent with each call.
    pub values: Vec<U256>,
    /// Calldata of each call.
    pub calldatas: Vec<&'a [u8]>,
}

impl<'a> Actions<'a> {
    /// Reads arguments 0-2 (`address[]`, `uint256[]`, `bytes[]`).
    pub fn read(c: &Calldata<'a>) -> Result<Self, Revert> {
        Ok(Self { targets: c.address_array(0)?, values: c.uint_array(1)?, calldatas: c.bytes_array(2)? })
    }

    /// `abi.encode(targets, values, calldatas, tail...)`.
    fn encode_with(&self, tail: &[U256]) -> Vec<u8> {
        let mut toks = alloc::vec![Tok::Words(&self.targets), Tok::Words(&self.values), Tok::BytesArray(&self.calldatas)];
        toks.extend(tail.iter().map(|w| Tok::Word(*w)));
        encode::encode(&toks)
    }

    /// `hashProposal`: `uint256(keccak256(abi.encode(targets, values, calldatas,
    /// descriptionHash)))`.
    pub fn id(&self, description_hash: B256) -> U256 {
        keccak256(self.encode_with(&[description_hash.into()])).into()
    }

    /// The timelock operation id: `keccak256(abi.encode(targets, values, payloads,
    /// predecessor = 0, salt))`, what `Treasury.hashOperationBatch` returns.
    pub fn operation_id(&self, salt: B256) -> B256 {
        keccak256(self.encode_with(&[U256::ZERO, salt.into()]))
    }

    /// Calldata of a Treasury batch call: `selector(targets, values, payloads, 0, salt,
    /// extra...)`.
    pub fn batch_call(&self, selector: [u8; 4], salt: B256, extra: &[U256]) -> Vec<u8> {
        let mut tail = alloc::vec![U256::ZERO, salt.into()];
        tail.extend_from_slice(extra);
        let mut out = selector.to_vec();
        out.extend_from_slice(&self.encode_with(&tail));
        out
    }

    /// The calldata of the actions whose target is `this`.
    pub fn calls_to(&self, this: Address) -> impl Iterator<Item = &&'a [u8]> {
        let this = U256::from_be_slice(this.as_slice());
        self.targets.iter().zip(self.calldatas.iter()).filter(move |(t, _)| **t == this).map(|(_, c)| c)
    }
}

/// GovernorTimelockControl's salt: `bytes20(governor) ^ descriptionHash` (the governor's
/// address in the high 20 bytes, so two governors sharing a timelock never collide).
pub fn timelock_salt(governor: Address, description_hash: B256) -> B256 {
    let mut salt = description_hash;
    for (s, a) in salt.0.iter_mut().zip(governor.0.iter()) {
        *s ^= a;
    }
    salt
}

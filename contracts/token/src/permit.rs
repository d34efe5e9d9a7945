//! EIP-2612 permit with OpenZeppelin 4.x's EIP-712 domain and ECDSA checks.

use alloc::vec::Vec;

use alloy_primitives::{address, keccak256, Address, B256, U256};
use lpx_contracts_common::revert::{add, err, require, Revert};
use stylus_sdk::prelude::*;

use crate::{LivepeerToken, NAME};

/// `keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")`.
const DOMAIN_TYPEHASH: B256 = hash("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
/// `keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)")`.
const PERMIT_TYPEHASH: B256 = hash("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
/// `keccak256("Livepeer Token")`.
const NAME_HASH: B256 = hash(NAME);
/// `keccak256("1")`.
const VERSION_HASH: B256 = hash("1");
/// secp256k1 n/2: OZ rejects signatures with a larger `s` (malleability).
const HALF_ORDER: U256 = U256::from_be_bytes([
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9,
    0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
]);
/// The ecrecover precompile.
const ECRECOVER: Address = address!("0000000000000000000000000000000000000001");

const fn hash(s: &str) -> B256 {
    B256::new(stylus_sdk::keccak_const::Keccak256::new().update(s.as_bytes()).finalize())
}

fn words(items: &[[u8; 32]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(items.len() * 32);
    for item in items {
        out.extend_from_slice(item);
    }
    out
}

impl LivepeerToken {
    pub(crate) fn domain_separator_impl(&self) -> B256 {
        let chain_id = U256::from(self.vm().chain_id());
        let this = self.vm().contract_address();
        keccak256(words(&[DOMAIN_TYPEHASH.0, NAME_HASH.0, VERSION_HASH.0, chain_id.to_be_bytes(), this.into_word().0]))
    }

    /// OZ `ECDSA.recover(hash, v, r, s)`: rejects high `s` and a failed recovery.
    fn recover(&self, digest: B256, v: u8, r: B256, s: B256) -> Result<Address, Revert> {
        require(U256::from_be_bytes(s.0) <= HALF_ORDER, "ECDSA: invalid signature 's' value")?;
        let input = words(&[digest.0, U256::from(v).to_be_bytes(), r.0, s.0]);
        let reply = static_call(self.vm(), Call::new(), ECRECOVER, &input).map_err(Vec::<u8>::from)?;
        // The precompile returns nothing for an invalid signature.
        let signer = if reply.len() == 32 { Address::from_word(B256::from_slice(&reply)) } else { Address::ZERO };
        require(signer != Address::ZERO, "ECDSA: invalid signature")?;
        Ok(signer)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn permit_impl(&mut self, owner: Address, spender: Address, value: U256, deadline: U256, v: u8, r: B256, s: B256) -> Result<(), Revert> {
        require(U256::from(self.vm().block_timestamp()) <= deadline, "ERC20Permit: expired deadline")?;
        let nonce = self.nonces.get(owner);
        self.nonces.setter(owner).set(add(nonce, U256::from(1))?);
        let struct_hash = keccak256(words(&[
            PERMIT_TYPEHASH.0,
            owner.into_word().0,
            spender.into_word().0,
            value.to_be_bytes(),
            nonce.to_be_bytes(),
            deadline.to_be_bytes(),
        ]));
        let mut preimage = Vec::with_capacity(66);
        preimage.extend_from_slice(&[0x19, 0x01]);
        preimage.extend_from_slice(self.domain_separator_impl().as_slice());
        preimage.extend_from_slice(struct_hash.as_slice());
        let signer = self.recover(keccak256(&preimage), v, r, s)?;
        if signer != owner {
            return Err(err("ERC20Permit: invalid signature"));
        }
        self.approve_impl(owner, spender, value)
    }
}

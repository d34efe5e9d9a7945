//! ArbOwnerPublic (0x6b): the read-only chain-owner queries tools use.

use alloy_primitives::Address;
use alloy_sol_types::SolCall;
use revm::{
    context_interface::Block,
    interpreter::{CallInputs, InterpreterResult},
};

use super::{
    abi::IArbOwnerPublic::{self, IArbOwnerPublicCalls},
    decode, ok, VIEW_GAS,
};
use crate::evm::DevCtx;

/// Most fragments a fragmented program may have (ArbOS 60 default).
pub const MAX_FRAGMENTS: u8 = 2;

/// Handles a call to ArbOwnerPublic.
pub fn call(ctx: &mut DevCtx, inputs: &CallInputs) -> InterpreterResult {
    let call = match decode::<IArbOwnerPublicCalls>(ctx, inputs) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let fee_account: Address = ctx.block.beneficiary();
    let out = match call {
        IArbOwnerPublicCalls::getMaxStylusContractFragments(_) => IArbOwnerPublic::getMaxStylusContractFragmentsCall::abi_encode_returns(&MAX_FRAGMENTS),
        IArbOwnerPublicCalls::getNetworkFeeAccount(_) => IArbOwnerPublic::getNetworkFeeAccountCall::abi_encode_returns(&fee_account),
        IArbOwnerPublicCalls::getInfraFeeAccount(_) => IArbOwnerPublic::getInfraFeeAccountCall::abi_encode_returns(&fee_account),
        IArbOwnerPublicCalls::isChainOwner(c) => IArbOwnerPublic::isChainOwnerCall::abi_encode_returns(&(c.addr == fee_account)),
        IArbOwnerPublicCalls::getAllChainOwners(_) => IArbOwnerPublic::getAllChainOwnersCall::abi_encode_returns(&vec![fee_account]),
        IArbOwnerPublicCalls::getBrotliCompressionLevel(_) => IArbOwnerPublic::getBrotliCompressionLevelCall::abi_encode_returns(&11u64),
    };
    ok(out, inputs.gas_limit, VIEW_GAS)
}

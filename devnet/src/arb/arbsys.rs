//! ArbSys (0x64): block number, block hash, chain id and ArbOS version.

use alloy_primitives::{B256, U256};
use alloy_sol_types::SolCall;
use revm::{
    context_interface::{Block, Cfg, ContextTr, Host, JournalTr},
    interpreter::{CallInputs, InterpreterResult},
};

use super::{
    abi::IArbSys::{self, IArbSysCalls},
    decode, ok, VIEW_GAS,
};
use crate::evm::DevCtx;

/// Handles a call to ArbSys.
pub fn call(ctx: &mut DevCtx, inputs: &CallInputs) -> InterpreterResult {
    let call = match decode::<IArbSysCalls>(ctx, inputs) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let gas = inputs.gas_limit;
    let number: U256 = ctx.block.number();
    let out = match call {
        IArbSysCalls::arbBlockNumber(_) => IArbSys::arbBlockNumberCall::abi_encode_returns(&number),
        IArbSysCalls::arbBlockHash(c) => {
            // Nitro answers for the 256 blocks before the current one and reverts otherwise.
            let requested = c.arbBlockNum;
            if requested >= number || requested + U256::from(256) < number {
                return super::revert(alloy_sol_types::Revert::from("invalid block number for ArbBlockHAsh").abi_encode().into(), gas, VIEW_GAS);
            }
            let hash = ctx.block_hash(requested.saturating_to()).unwrap_or(B256::ZERO);
            IArbSys::arbBlockHashCall::abi_encode_returns(&hash)
        }
        IArbSysCalls::arbChainID(_) => IArbSys::arbChainIDCall::abi_encode_returns(&U256::from(ctx.cfg().chain_id())),
        IArbSysCalls::arbOSVersion(_) => IArbSys::arbOSVersionCall::abi_encode_returns(&U256::from(55 + ctx.chain.params.arbos_version)),
        IArbSysCalls::getStorageGasAvailable(_) => IArbSys::getStorageGasAvailableCall::abi_encode_returns(&U256::ZERO),
        IArbSysCalls::isTopLevelCall(_) => {
            // The precompile frame itself is one level; its caller is top level at depth 2.
            IArbSys::isTopLevelCallCall::abi_encode_returns(&(ctx.journal().depth() <= 2))
        }
        IArbSysCalls::wasMyCallersAddressAliased(_) => IArbSys::wasMyCallersAddressAliasedCall::abi_encode_returns(&false),
        IArbSysCalls::myCallersAddressWithoutAliasing(_) => IArbSys::myCallersAddressWithoutAliasingCall::abi_encode_returns(&inputs.caller),
    };
    ok(out, gas, VIEW_GAS)
}

use alloy_sol_types::SolError as _;

//! A native StylusDeployer with the published ABI and behaviour (spec §3.5): deploy, activate if
//! needed, initialize, refund, all in one transaction.

use alloy_primitives::{keccak256, Address, Bytes, Log, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use revm::{
    context_interface::{Cfg, ContextTr, JournalTr},
    interpreter::{CallInput, CallInputs, CallScheme, CallValue, CreateInputs, CreateScheme, Gas, InterpreterResult},
};

use super::{
    abi::{
        IArbWasm,
        IStylusDeployer::{self, IStylusDeployerCalls},
    },
    arbwasm, decode, ok, revert, revert_with, ARB_WASM, STYLUS_DEPLOYER, VIEW_GAS,
};
use crate::evm::{nested, DevCtx};

/// Handles a call to the StylusDeployer.
pub fn call(ctx: &mut DevCtx, inputs: &CallInputs) -> InterpreterResult {
    let call = match decode::<IStylusDeployerCalls>(ctx, inputs) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let gas = inputs.gas_limit;
    match call {
        IStylusDeployerCalls::deploy(c) => deploy(ctx, inputs, c),
        IStylusDeployerCalls::requiresActivation(c) => {
            let codehash = ctx.journal_mut().code_hash(c.addr).map(|h| h.data).unwrap_or_default();
            let needs = arbwasm::check_active(ctx, codehash).is_err();
            ok(IStylusDeployer::requiresActivationCall::abi_encode_returns(&needs), gas, VIEW_GAS)
        }
        IStylusDeployerCalls::initSalt(c) => {
            let salt = init_salt(c.salt.into(), &c.initData, c.initValue);
            ok(IStylusDeployer::initSaltCall::abi_encode_returns(&salt.into()), gas, VIEW_GAS)
        }
    }
}

fn init_salt(salt: U256, init_data: &[u8], init_value: U256) -> U256 {
    let mut packed = salt.to_be_bytes::<32>().to_vec();
    packed.extend_from_slice(init_data);
    packed.extend_from_slice(&init_value.to_be_bytes::<32>());
    keccak256(packed).into()
}

/// Gas bookkeeping for a native frame that makes sub-calls.
struct Meter(Gas);

impl Meter {
    fn all_but_64th(&self) -> u64 {
        let left = self.0.remaining();
        left - left / 64
    }

    fn spend(&mut self, gas: u64) -> bool {
        self.0.record_regular_cost(gas)
    }

    fn give_back(&mut self, gas: u64) {
        self.0.erase_cost(gas);
    }
}

fn sub_call(ctx: &mut DevCtx, meter: &mut Meter, to: Address, data: Bytes, value: U256) -> InterpreterResult {
    let (bytecode, code_hash) = match ctx.journal_mut().load_account_with_code(to) {
        Ok(acc) => (acc.info.code.clone().unwrap_or_default(), acc.info.code_hash),
        Err(_) => (Default::default(), Default::default()),
    };
    let mut cost = 100;
    if !value.is_zero() {
        cost += ctx.cfg().gas_params().transfer_value_cost();
    }
    meter.spend(cost);
    let mut gas_limit = meter.all_but_64th();
    meter.spend(gas_limit);
    if !value.is_zero() {
        gas_limit += ctx.cfg().gas_params().call_stipend();
    }
    let inputs = CallInputs {
        input: CallInput::Bytes(data),
        return_memory_offset: 0..0,
        gas_limit,
        reservoir: 0,
        bytecode_address: to,
        known_bytecode: (code_hash, bytecode),
        target_address: to,
        caller: STYLUS_DEPLOYER,
        value: CallValue::Transfer(value),
        scheme: CallScheme::Call,
        is_static: false,
        charged_new_account_state_gas: false,
    };
    let result = nested::call(ctx, inputs);
    meter.give_back(result.gas.remaining());
    result
}

fn deploy(ctx: &mut DevCtx, inputs: &CallInputs, c: IStylusDeployer::deployCall) -> InterpreterResult {
    let gas_limit = inputs.gas_limit;
    let mut meter = Meter(Gas::new(gas_limit));
    let value = inputs.value.get();
    let fail = |m: &Meter, data: Vec<u8>| revert(data.into(), gas_limit, m.0.total_gas_spent());
    if c.initData.is_empty() && !c.initValue.is_zero() {
        return revert_with(IStylusDeployer::InitValueButNotInitData {}, gas_limit, VIEW_GAS);
    }
    if c.bytecode.is_empty() {
        return revert_with(IStylusDeployer::EmptyBytecode {}, gas_limit, VIEW_GAS);
    }
    let Some(activation_value) = value.checked_sub(c.initValue) else {
        // Solidity's checked subtraction: Panic(0x11).
        return fail(&meter, alloy_sol_types::Panic::from(0x11).abi_encode());
    };
    meter.spend(VIEW_GAS);

    // 1. Create (CREATE2 with a salt bound to the init call, or CREATE).
    let scheme = if c.salt.is_zero() { CreateScheme::Create } else { CreateScheme::Create2 { salt: init_salt(c.salt.into(), &c.initData, c.initValue) } };
    let params = ctx.cfg().gas_params();
    let mut create_cost = params.create_cost() + params.initcode_cost(c.bytecode.len());
    if !c.salt.is_zero() {
        create_cost += params.create2_cost(c.bytecode.len());
    }
    if !meter.spend(create_cost) {
        return fail(&meter, Vec::new());
    }
    let create_gas = meter.all_but_64th();
    meter.spend(create_gas);
    let create = CreateInputs::new(STYLUS_DEPLOYER, scheme, U256::ZERO, c.bytecode.clone(), create_gas, 0);
    let (result, address) = nested::create(ctx, create);
    meter.give_back(result.gas.remaining());
    let Some(new_contract) = address.filter(|_| result.result.is_ok()) else {
        return fail(&meter, IStylusDeployer::ContractDeploymentError { bytecode: result.output }.abi_encode());
    };

    // 2. Activate when the code isn't active at the current version.
    let codehash = ctx.journal_mut().code_hash(new_contract).map(|h| h.data).unwrap_or_default();
    if arbwasm::check_active(ctx, codehash).is_err() {
        let data = IArbWasm::activateProgramCall { program: new_contract }.abi_encode();
        let r = sub_call(ctx, &mut meter, ARB_WASM, data.into(), activation_value);
        if !r.result.is_ok() {
            return fail(&meter, r.output.to_vec());
        }
    }

    // 3. Initialize.
    if !c.initData.is_empty() {
        let r = sub_call(ctx, &mut meter, new_contract, c.initData.clone(), c.initValue);
        if !r.result.is_ok() {
            return fail(&meter, IStylusDeployer::ContractInitializationError { newContract: new_contract }.abi_encode());
        }
    }

    // 4. Refund whatever is left to the sender.
    let left = ctx.journal_mut().load_account(STYLUS_DEPLOYER).map(|a| a.data.info.balance).unwrap_or_default();
    if !left.is_zero() {
        let r = sub_call(ctx, &mut meter, inputs.caller, Bytes::new(), left);
        if !r.result.is_ok() {
            return fail(&meter, IStylusDeployer::RefundExcessValueError { excessValue: left }.abi_encode());
        }
    }

    let event = IStylusDeployer::ContractDeployed { deployedContract: new_contract };
    ctx.journal_mut().log(Log { address: STYLUS_DEPLOYER, data: event.encode_log_data() });
    meter.spend(375 * 2 + 8 * 32);
    ok(IStylusDeployer::deployCall::abi_encode_returns(&new_contract), gas_limit, meter.0.total_gas_spent())
}

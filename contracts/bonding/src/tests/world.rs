//! A test host: the BondingManager's storage, logs and calls run natively, and every peer
//! it calls (Controller, RoundsManager, Minter, LivepeerToken, BondingVotes, and the
//! extension program via DELEGATECALL) is a small Rust model with Livepeer's behaviour.
//!
//! Transactions revert atomically (the whole world state is restored on `Err`), storage
//! accesses are counted per transaction, and everything else a contract can ask of its
//! host is answered by an inner `TestVM`.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::slice;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;
use lpx_abi::bonding_manager::{IBondingManager as I, IBondingMinter as M, IBondingRounds as R, IBondingToken as T, IBondingVotesHooks as V};
use lpx_abi::controller::IController as C;
use lpx_contracts_common::ids;
use lpx_contracts_common::revert::err;
use stylus_sdk::stylus_core::*;
use stylus_sdk::testing::TestVM;

use crate::router::EXTENSION_ID;
use crate::BondingManager;

pub fn addr(n: u16) -> Address {
    let mut a = [0u8; 20];
    a[0] = 0xee;
    a[18..].copy_from_slice(&n.to_be_bytes());
    Address::from(a)
}

/// Fixed peer addresses.
pub const BM: Address = Address::new([0xb0; 20]);
pub const CONTROLLER: Address = Address::new([0xc0; 20]);
pub const ROUNDS: Address = Address::new([0xa1; 20]);
pub const MINTER: Address = Address::new([0xa2; 20]);
pub const TOKEN: Address = Address::new([0xa3; 20]);
pub const VOTES: Address = Address::new([0xa4; 20]);
pub const TREASURY: Address = Address::new([0xa5; 20]);
pub const BROKER: Address = Address::new([0xa6; 20]);
pub const VERIFIER: Address = Address::new([0xa7; 20]);
pub const MIGRATOR: Address = Address::new([0xa8; 20]);
pub const EXT: Address = Address::new([0xa9; 20]);
pub const OWNER: Address = Address::new([0x0f; 20]);

/// A BondingVotes.checkpointBondingState call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub account: Address,
    pub start_round: U256,
    pub bonded: U256,
    pub delegate: Address,
    pub delegated: U256,
    pub last_claim_round: U256,
    pub last_reward_round: U256,
}

/// Storage access counts of one transaction.
#[derive(Debug, Clone, Default)]
pub struct Counters {
    /// storage_load_bytes32 calls.
    pub loads: u64,
    /// storage_cache_bytes32 calls.
    pub stores: u64,
    /// Distinct slots read (each a cold SLOAD on Arbitrum).
    pub read_slots: HashSet<U256>,
    /// Distinct slots written, with their value before the transaction.
    pub written: HashMap<U256, B256>,
}

/// Everything that is rolled back when a transaction reverts.
#[derive(Clone, Default)]
pub struct State {
    pub storage: HashMap<U256, B256>,
    pub logs: Vec<(Vec<B256>, Vec<u8>)>,
    pub owner: Address,
    pub paused: bool,
    pub registry: HashMap<B256, Address>,
    pub round: U256,
    pub initialized: bool,
    pub locked: bool,
    /// Minter: this round's mintable LPT and how much was minted.
    pub mintable: U256,
    pub minted: U256,
    /// Livepeer's unit tests mock createReward to a fixed amount.
    pub fixed_reward: Option<U256>,
    pub lpt: HashMap<Address, U256>,
    pub supply: U256,
    /// LPT the test handed out (`fund`): the supply that no reward minted.
    pub funded: U256,
    pub burned: U256,
    pub eth: HashMap<Address, U256>,
    pub checkpoints: Vec<Checkpoint>,
    pub total_checkpoints: Vec<(U256, U256)>,
    /// Selectors forced to revert with the given data.
    pub fail: HashMap<[u8; 4], Vec<u8>>,
    /// Selectors answered successfully with the given (possibly malformed) data.
    pub reply: HashMap<[u8; 4], Vec<u8>>,
}

#[derive(Default)]
struct Inner {
    state: State,
    sender: Address,
    value: U256,
    ret: Vec<u8>,
    counters: Counters,
    /// Extension program frames open (its DELEGATECALL runs in our storage).
    depth: u32,
}

/// The test host.
#[derive(Clone)]
pub struct World {
    vm: TestVM,
    inner: Rc<RefCell<Inner>>,
}

fn word(x: U256) -> Vec<u8> {
    x.to_be_bytes::<32>().to_vec()
}

fn arg(data: &[u8], i: usize) -> U256 {
    U256::from_be_slice(&data[4 + 32 * i..4 + 32 * i + 32])
}

fn arg_addr(data: &[u8], i: usize) -> Address {
    Address::from_word(B256::from(arg(data, i)))
}

impl World {
    /// A world with every peer registered, round 100 initialized and the pool size 2
    /// (Livepeer's unit-test setup: NUM_ACTIVE_TRANSCODERS 2, UNBONDING_PERIOD 2).
    pub fn new() -> Self {
        let vm = TestVM::default();
        vm.set_contract_address(BM);
        let w = World { vm, inner: Rc::new(RefCell::new(Inner::default())) };
        {
            let mut i = w.inner.borrow_mut();
            let s = &mut i.state;
            s.owner = OWNER;
            for (id, a) in [
                (ids::ROUNDS_MANAGER, ROUNDS),
                (ids::MINTER, MINTER),
                (ids::LIVEPEER_TOKEN, TOKEN),
                (ids::BONDING_VOTES, VOTES),
                (ids::TREASURY, TREASURY),
                (ids::TICKET_BROKER, BROKER),
                (ids::VERIFIER, VERIFIER),
                (ids::L2_MIGRATOR, MIGRATOR),
                (ids::BONDING_MANAGER, BM),
                (EXTENSION_ID, EXT),
            ] {
                s.registry.insert(id, a);
            }
            s.round = U256::from(100);
            s.initialized = true;
            s.mintable = U256::from(1_000_000_000_000u64);
        }
        w.tx(Address::ZERO, crate::router::CONSTRUCTOR_SELECTOR.to_be_bytes().into_iter().chain(word(U256::from_be_slice(CONTROLLER.as_slice()))).collect())
            .unwrap();
        w.call(OWNER, I::setUnbondingPeriodCall { _unbondingPeriod: 2 }).unwrap();
        w.call(OWNER, I::setNumActiveTranscodersCall { _numActiveTranscoders: U256::from(2) }).unwrap();
        w
    }

    pub fn state(&self) -> std::cell::Ref<'_, State> {
        std::cell::Ref::map(self.inner.borrow(), |i| &i.state)
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.inner.borrow_mut().state)
    }

    pub fn counters(&self) -> Counters {
        self.inner.borrow().counters.clone()
    }

    /// Runs one transaction from `from`; on revert the world is restored.
    pub fn tx(&self, from: Address, data: Vec<u8>) -> Result<Vec<u8>, Vec<u8>> {
        self.tx_with(from, |bm| bm.route(&data))
    }

    /// Runs `f` as one transaction from `from`; on revert the world is restored.
    pub fn tx_with(&self, from: Address, f: impl FnOnce(&mut BondingManager) -> Result<Vec<u8>, Vec<u8>>) -> Result<Vec<u8>, Vec<u8>> {
        let snapshot = {
            let mut i = self.inner.borrow_mut();
            i.sender = from;
            i.counters = Counters::default();
            i.depth = 0;
            i.state.clone()
        };
        let mut bm = BondingManager::from(self);
        let out = f(&mut bm);
        if out.is_err() {
            self.inner.borrow_mut().state = snapshot;
        }
        out
    }

    /// Sends a typed call.
    pub fn call<Cl: SolCall>(&self, from: Address, c: Cl) -> Result<Vec<u8>, Vec<u8>> {
        self.tx(from, c.abi_encode())
    }

    /// Calls a view and decodes its return.
    pub fn view<Cl: SolCall>(&self, c: Cl) -> Cl::Return {
        let out = self.call(Address::ZERO, c).expect("view reverted");
        Cl::abi_decode_returns(&out).expect("view return decodes")
    }

    /// Calls a view without taking the revert snapshot (views write nothing), for the
    /// property tests' many reads. Panics if the view reverts.
    pub fn peek<Cl: SolCall>(&self, c: Cl) -> Cl::Return {
        {
            let mut i = self.inner.borrow_mut();
            i.sender = Address::ZERO;
            i.depth = 0;
        }
        let out = BondingManager::from(self).route(&c.abi_encode()).expect("view reverted");
        Cl::abi_decode_returns(&out).expect("view return decodes")
    }

    /// Sets `value` (wei) for the next transactions.
    pub fn set_value(&self, v: U256) {
        self.inner.borrow_mut().value = v;
    }

    /// A contract instance on this host (for direct calls into internals).
    pub fn contract(&self) -> BondingManager {
        BondingManager::from(self)
    }

    pub fn logs(&self) -> Vec<(Vec<B256>, Vec<u8>)> {
        self.state().logs.clone()
    }

    pub fn clear_logs(&self) {
        self.with(|s| {
            s.logs.clear();
            s.checkpoints.clear();
            s.total_checkpoints.clear();
        });
    }

    fn dispatch(&self, to: Address, data: &[u8], delegate: bool) -> Result<Vec<u8>, Vec<u8>> {
        if delegate {
            if to != EXT {
                return Err(b"delegatecall to unknown program".to_vec());
            }
            self.inner.borrow_mut().depth += 1;
            let out = BondingManager::from(self).route_extension(data);
            self.inner.borrow_mut().depth -= 1;
            return out;
        }
        let caller = self.vm.contract_address();
        let mut i = self.inner.borrow_mut();
        let s = &mut i.state;
        let sel: [u8; 4] = data[..4].try_into().unwrap();
        if let Some(e) = s.fail.get(&sel) {
            return Err(e.clone());
        }
        if let Some(r) = s.reply.get(&sel) {
            return Ok(r.clone());
        }
        let t = |b: bool| Ok(word(U256::from(b as u8)));
        let a = |x: Address| Ok(word(U256::from_be_slice(x.as_slice())));
        match to {
            CONTROLLER => match sel {
                C::getContractCall::SELECTOR => a(*s.registry.get(&B256::from(arg(data, 0))).unwrap_or(&Address::ZERO)),
                C::ownerCall::SELECTOR => a(s.owner),
                C::pausedCall::SELECTOR => t(s.paused),
                _ => Err(b"controller: unknown".to_vec()),
            },
            ROUNDS => match sel {
                R::currentRoundCall::SELECTOR => Ok(word(s.round)),
                R::currentRoundInitializedCall::SELECTOR => t(s.initialized),
                R::currentRoundLockedCall::SELECTOR => t(s.locked),
                _ => Err(b"rounds: unknown".to_vec()),
            },
            MINTER => {
                if sel != M::currentMintableTokensCall::SELECTOR && sel != M::currentMintedTokensCall::SELECTOR && caller != BM {
                    return Err(err("msg.sender not BondingManager"));
                }
                match sel {
                    M::createRewardCall::SELECTOR => {
                        let mint = match s.fixed_reward {
                            Some(f) => f,
                            None => {
                                let (num, den) = (arg(data, 0), arg(data, 1));
                                if den.is_zero() {
                                    return Err(lpx_contracts_common::revert::panic(0x12));
                                }
                                let pd9 = U256::from(1_000_000_000u64);
                                let mint = s.mintable * (num * pd9 / den) / pd9;
                                if s.minted + mint > s.mintable {
                                    return Err(err("minted tokens cannot exceed mintable tokens"));
                                }
                                mint
                            }
                        };
                        s.minted += mint;
                        *s.lpt.entry(MINTER).or_default() += mint;
                        s.supply += mint;
                        Ok(word(mint))
                    }
                    M::trustedTransferTokensCall::SELECTOR => move_lpt(s, MINTER, arg_addr(data, 0), arg(data, 1)).map(|_| vec![]),
                    M::trustedBurnTokensCall::SELECTOR => {
                        let amt = arg(data, 0);
                        let bal = s.lpt.entry(MINTER).or_default();
                        if *bal < amt {
                            return Err(err("ERC20: burn amount exceeds balance"));
                        }
                        *bal -= amt;
                        s.supply -= amt;
                        s.burned += amt;
                        Ok(vec![])
                    }
                    M::trustedWithdrawETHCall::SELECTOR => {
                        let (to, amt) = (arg_addr(data, 0), arg(data, 1));
                        let bal = s.eth.entry(MINTER).or_default();
                        if *bal < amt {
                            return Err(vec![]);
                        }
                        *bal -= amt;
                        *s.eth.entry(to).or_default() += amt;
                        Ok(vec![])
                    }
                    M::currentMintableTokensCall::SELECTOR => Ok(word(s.mintable)),
                    M::currentMintedTokensCall::SELECTOR => Ok(word(s.minted)),
                    _ => Err(b"minter: unknown".to_vec()),
                }
            }
            TOKEN => match sel {
                T::transferFromCall::SELECTOR => move_lpt(s, arg_addr(data, 0), arg_addr(data, 1), arg(data, 2)).map(|_| word(U256::from(1))),
                T::balanceOfCall::SELECTOR => Ok(word(*s.lpt.get(&arg_addr(data, 0)).unwrap_or(&U256::ZERO))),
                _ => Err(b"token: unknown".to_vec()),
            },
            VOTES => {
                if caller != BM {
                    return Err(b"InvalidCaller".to_vec());
                }
                match sel {
                    V::checkpointBondingStateCall::SELECTOR => {
                        let c = V::checkpointBondingStateCall::abi_decode(data).unwrap();
                        // BondingVotes' own checks (spec §9.2).
                        assert_eq!(c._startRound, s.round + U256::from(1), "InvalidStartRound");
                        assert!(c._lastClaimRound < c._startRound, "FutureLastClaimRound");
                        s.checkpoints.push(Checkpoint {
                            account: c._account,
                            start_round: c._startRound,
                            bonded: c._bondedAmount,
                            delegate: c._delegateAddress,
                            delegated: c._delegatedAmount,
                            last_claim_round: c._lastClaimRound,
                            last_reward_round: c._lastRewardRound,
                        });
                        Ok(vec![])
                    }
                    V::checkpointTotalActiveStakeCall::SELECTOR => {
                        s.total_checkpoints.push((arg(data, 0), arg(data, 1)));
                        Ok(vec![])
                    }
                    _ => Err(b"votes: unknown".to_vec()),
                }
            }
            _ => Ok(vec![]),
        }
    }

    fn finish_call(&self, r: Result<Vec<u8>, Vec<u8>>, outs_len: &mut usize) -> u8 {
        let (status, data) = match r {
            Ok(d) => (0, d),
            Err(d) => (1, d),
        };
        *outs_len = data.len();
        self.inner.borrow_mut().ret = data;
        status
    }
}

fn move_lpt(s: &mut State, from: Address, to: Address, amt: U256) -> Result<(), Vec<u8>> {
    let bal = s.lpt.entry(from).or_default();
    if *bal < amt {
        return Err(err("ERC20: transfer amount exceeds balance"));
    }
    *bal -= amt;
    *s.lpt.entry(to).or_default() += amt;
    Ok(())
}

impl Host for World {}

impl CryptographyAccess for World {
    fn native_keccak256(&self, input: &[u8]) -> B256 {
        alloy_primitives::keccak256(input)
    }
}

impl CalldataAccess for World {
    fn read_args(&self, _len: usize) -> Vec<u8> {
        Vec::new()
    }
    fn read_return_data(&self, offset: usize, size: Option<usize>) -> Vec<u8> {
        let i = self.inner.borrow();
        let start = offset.min(i.ret.len());
        let end = size.map_or(i.ret.len(), |s| (start + s).min(i.ret.len()));
        i.ret[start..end].to_vec()
    }
    fn return_data_size(&self) -> usize {
        self.inner.borrow().ret.len()
    }
    fn write_result(&self, _data: &[u8]) {}
}

unsafe impl UnsafeDeploymentAccess for World {
    unsafe fn create1(&self, _code: *const u8, _len: usize, _endowment: *const u8, _contract: *mut u8, _revert_len: *mut usize) {
        unimplemented!("no deployments")
    }
    unsafe fn create2(&self, _code: *const u8, _len: usize, _endowment: *const u8, _salt: *const u8, _contract: *mut u8, _revert_len: *mut usize) {
        unimplemented!("no deployments")
    }
}

impl StorageAccess for World {
    fn storage_load_bytes32(&self, key: U256) -> B256 {
        let mut i = self.inner.borrow_mut();
        i.counters.loads += 1;
        i.counters.read_slots.insert(key);
        i.state.storage.get(&key).copied().unwrap_or_default()
    }
    unsafe fn storage_cache_bytes32(&self, key: U256, value: B256) {
        let mut i = self.inner.borrow_mut();
        i.counters.stores += 1;
        let before = i.state.storage.get(&key).copied().unwrap_or_default();
        i.counters.written.entry(key).or_insert(before);
        i.state.storage.insert(key, value);
    }
    fn flush_cache(&self, _clear: bool) {}
}

unsafe impl UnsafeCallAccess for World {
    unsafe fn call_contract(&self, to: *const u8, data: *const u8, data_len: usize, _value: *const u8, _gas: u64, outs_len: &mut usize) -> u8 {
        // SAFETY: the SDK passes a 20-byte address and `data_len` bytes of calldata.
        let (to, data) = unsafe { (Address::from_slice(slice::from_raw_parts(to, 20)), slice::from_raw_parts(data, data_len).to_vec()) };
        let r = self.dispatch(to, &data, false);
        self.finish_call(r, outs_len)
    }
    unsafe fn static_call_contract(&self, to: *const u8, data: *const u8, data_len: usize, _gas: u64, outs_len: &mut usize) -> u8 {
        // SAFETY: the SDK passes a 20-byte address and `data_len` bytes of calldata.
        let (to, data) = unsafe { (Address::from_slice(slice::from_raw_parts(to, 20)), slice::from_raw_parts(data, data_len).to_vec()) };
        let r = self.dispatch(to, &data, false);
        self.finish_call(r, outs_len)
    }
    unsafe fn delegate_call_contract(&self, to: *const u8, data: *const u8, data_len: usize, _gas: u64, outs_len: &mut usize) -> u8 {
        // SAFETY: the SDK passes a 20-byte address and `data_len` bytes of calldata.
        let (to, data) = unsafe { (Address::from_slice(slice::from_raw_parts(to, 20)), slice::from_raw_parts(data, data_len).to_vec()) };
        let r = self.dispatch(to, &data, true);
        self.finish_call(r, outs_len)
    }
}

impl BlockAccess for World {
    fn block_basefee(&self) -> U256 {
        self.vm.block_basefee()
    }
    fn block_coinbase(&self) -> Address {
        self.vm.block_coinbase()
    }
    fn block_number(&self) -> u64 {
        self.vm.block_number()
    }
    fn block_timestamp(&self) -> u64 {
        self.vm.block_timestamp()
    }
    fn block_gas_limit(&self) -> u64 {
        self.vm.block_gas_limit()
    }
}

impl ChainAccess for World {
    fn chain_id(&self) -> u64 {
        self.vm.chain_id()
    }
}

impl AccountAccess for World {
    fn balance(&self, account: Address) -> U256 {
        *self.state().eth.get(&account).unwrap_or(&U256::ZERO)
    }
    fn contract_address(&self) -> Address {
        BM
    }
    fn code(&self, account: Address) -> Vec<u8> {
        vec![0xfe; self.code_size(account)]
    }
    fn code_size(&self, account: Address) -> usize {
        let peers = [BM, CONTROLLER, ROUNDS, MINTER, TOKEN, VOTES, EXT];
        if peers.contains(&account) {
            1
        } else {
            0
        }
    }
    fn code_hash(&self, _account: Address) -> B256 {
        B256::ZERO
    }
}

impl MemoryAccess for World {
    fn pay_for_memory_grow(&self, _pages: u16) {}
}

impl MessageAccess for World {
    fn msg_sender(&self) -> Address {
        self.inner.borrow().sender
    }
    fn msg_reentrant(&self) -> bool {
        false
    }
    fn msg_value(&self) -> U256 {
        self.inner.borrow().value
    }
    fn tx_origin(&self) -> Address {
        self.inner.borrow().sender
    }
}

impl MeteringAccess for World {
    fn evm_gas_left(&self) -> u64 {
        self.vm.evm_gas_left()
    }
    fn evm_ink_left(&self) -> u64 {
        self.vm.evm_ink_left()
    }
    fn tx_gas_price(&self) -> U256 {
        self.vm.tx_gas_price()
    }
    fn tx_ink_price(&self) -> u32 {
        self.vm.tx_ink_price()
    }
}

impl RawLogAccess for World {
    fn emit_log(&self, input: &[u8], num_topics: usize) {
        let (t, d) = input.split_at(num_topics * 32);
        let topics = t.chunks(32).map(B256::from_slice).collect();
        self.inner.borrow_mut().state.logs.push((topics, d.to_vec()));
    }
    fn raw_log(&self, topics: &[B256], data: &[u8]) -> Result<(), &'static str> {
        self.inner.borrow_mut().state.logs.push((topics.to_vec(), data.to_vec()));
        Ok(())
    }
}

/// Decodes the logs of one event type.
pub fn events<E: alloy_sol_types::SolEvent>(w: &World) -> Vec<E> {
    w.logs()
        .iter()
        .filter(|(t, _)| t.first() == Some(&E::SIGNATURE_HASH))
        .map(|(t, d)| E::decode_raw_log(t.iter().copied(), d).expect("event decodes"))
        .collect()
}

//! The per-call environment: who is calling, the current round, the peers resolved
//! through the Controller, the accounts to checkpoint, and compact helpers for calls and
//! events.
//!
//! Gas: Livepeer looks a peer up in the Controller every time it uses it (50-60k gas per
//! operation). Here each peer is resolved at most once per call and kept in [`Env`]; the
//! registry is still read on every transaction, so upgrades through the Controller keep
//! working.
//!
//! Size: every call the BondingManager makes takes static words only, so calldata is built
//! by one helper from a selector and words instead of a generated encoder per call.

use alloc::vec::Vec;
use alloy_primitives::{Address, B256, U256};
use lpx_contracts_common::controller::{ERR_NOT_CONTROLLER_OWNER, ERR_PAUSED};
use lpx_contracts_common::ids;
use lpx_contracts_common::revert::{err, require, Revert};
use stylus_sdk::call::RawCall;
use stylus_sdk::host::VM;
use stylus_sdk::prelude::*;

/// "current round is not initialized"
pub const ERR_NOT_INITIALIZED: &str = "current round is not initialized";
/// Revert when a peer answers with data that does not decode as the expected word.
pub const ERR_BAD_REPLY: &str = "invalid call response";
/// Revert when a peer to be called has no code (Solidity reverts before such a call too).
pub const ERR_NO_CODE: &str = "call to non-contract";

/// A peer contract found through the Controller; the discriminant indexes [`Env`]'s cache.
#[derive(Clone, Copy)]
pub enum Peer {
    /// "Minter"
    Minter = 0,
    /// "LivepeerToken"
    Token = 1,
    /// "BondingVotes" (optional: checkpoints are skipped while unregistered)
    Votes = 2,
    /// "Treasury"
    Treasury = 3,
    /// "L2Migrator"
    Migrator = 4,
}

const PEER_IDS: [B256; 5] = [ids::MINTER, ids::LIVEPEER_TOKEN, ids::BONDING_VOTES, ids::TREASURY, ids::L2_MIGRATOR];

/// Maximum number of accounts one operation checkpoints (owner, old and new delegate, and
/// transferBond's receiver).
const MAX_TOUCHED: usize = 4;

/// State of one external call into the BondingManager.
pub struct Env {
    vm: VM,
    /// The Controller.
    pub controller: Address,
    /// `msg.sender`.
    pub sender: Address,
    /// The current round (valid once [`Env::load_round`] ran).
    pub round: U256,
    /// The RoundsManager (valid once [`Env::load_round`] ran).
    pub rounds: Address,
    peers: [Option<Address>; 5],
    touched: [Address; MAX_TOUCHED],
    n_touched: usize,
}

impl Env {
    /// A fresh environment for the current call.
    pub fn new(vm: VM, controller: Address) -> Self {
        let sender = vm.msg_sender();
        Self { vm, controller, sender, round: U256::ZERO, rounds: Address::ZERO, peers: [None; 5], touched: [Address::ZERO; MAX_TOUCHED], n_touched: 0 }
    }

    /// The host.
    pub fn vm(&self) -> &VM {
        &self.vm
    }

    /// `controller.getContract(id)`.
    pub fn lookup(&self, id: B256) -> Result<Address, Revert> {
        self.view_addr(self.controller, sel::GET_CONTRACT, &[U256::from_be_bytes(id.0)])
    }

    /// The peer `p`, looked up once per call.
    pub fn peer(&mut self, p: Peer) -> Result<Address, Revert> {
        let i = p as usize;
        if let Some(a) = self.peers[i] {
            return Ok(a);
        }
        let a = self.lookup(PEER_IDS[i])?;
        self.peers[i] = Some(a);
        Ok(a)
    }

    /// `whenSystemNotPaused`: reverts "system is paused".
    pub fn not_paused(&self) -> Result<(), Revert> {
        let paused = self.view_bool(self.controller, sel::PAUSED, &[])?;
        require(!paused, ERR_PAUSED)
    }

    /// `onlyControllerOwner`: reverts "caller must be Controller owner".
    pub fn only_owner(&self) -> Result<(), Revert> {
        let owner = self.view_addr(self.controller, sel::OWNER, &[])?;
        require(self.sender == owner, ERR_NOT_CONTROLLER_OWNER)
    }

    /// Caller must be the contract registered under `id`, else reverts with `msg`.
    pub fn only(&self, id: B256, msg: &str) -> Result<(), Revert> {
        let expected = self.lookup(id)?;
        require(self.sender == expected, msg)
    }

    /// Resolves the RoundsManager and reads the current round; with `initialized`, first
    /// requires the round to be initialized (`currentRoundInitialized` modifier).
    pub fn load_round(&mut self, initialized: bool) -> Result<(), Revert> {
        self.rounds = self.lookup(ids::ROUNDS_MANAGER)?;
        if initialized {
            let ok = self.view_bool(self.rounds, sel::CURRENT_ROUND_INITIALIZED, &[])?;
            require(ok, ERR_NOT_INITIALIZED)?;
        }
        self.round = self.view(self.rounds, sel::CURRENT_ROUND, &[])?;
        Ok(())
    }

    /// `whenSystemNotPaused` + `currentRoundInitialized`, the guard of most operations.
    pub fn begin(&mut self) -> Result<(), Revert> {
        self.not_paused()?;
        self.load_round(true)
    }

    /// Static call returning one uint256 word; reverts bubble up verbatim.
    pub fn view(&self, to: Address, selector: [u8; 4], args: &[U256]) -> Result<U256, Revert> {
        // SAFETY: the storage cache is flushed (kept valid) before the call; a static call
        // cannot write our storage.
        let reply = unsafe { RawCall::new_static(&self.vm).flush_storage_cache().call(to, &calldata(selector, args))? };
        first_word(&reply)
    }

    /// Static call returning an address (upper 12 bytes must be zero, as Solidity decodes).
    pub fn view_addr(&self, to: Address, selector: [u8; 4], args: &[U256]) -> Result<Address, Revert> {
        let v = self.view(to, selector, args)?;
        require(v >> 160 == U256::ZERO, ERR_BAD_REPLY)?;
        Ok(crate::store::to_addr(v))
    }

    /// Static call returning a bool (strictly 0 or 1, as Solidity's decoder requires).
    pub fn view_bool(&self, to: Address, selector: [u8; 4], args: &[U256]) -> Result<bool, Revert> {
        let w = self.view(to, selector, args)?;
        require(w <= U256::from(1u8), ERR_BAD_REPLY)?;
        Ok(w == U256::from(1u8))
    }

    /// State-changing call; reverts bubble up verbatim. Like Solidity, refuses to call an
    /// address without code (a missing registration would otherwise "succeed" silently).
    pub fn send(&self, to: Address, selector: [u8; 4], args: &[U256]) -> Result<Vec<u8>, Revert> {
        require(self.vm.code_size(to) > 0, ERR_NO_CODE)?;
        // SAFETY: the storage cache is flushed and cleared before the call, so no storage
        // value read before it is reused afterwards, and no storage guard is held across it.
        unsafe { RawCall::new(&self.vm).clear_storage_cache().call(to, &calldata(selector, args)) }
    }

    /// Emits a log with `topics` (topic0 first) and static `data` words.
    pub fn log(&self, topics: &[B256], data: &[U256]) {
        let mut bytes = Vec::with_capacity(data.len() * 32);
        for w in data {
            bytes.extend_from_slice(&w.to_be_bytes::<32>());
        }
        // raw_log only fails for more than 4 topics, which no event here has.
        let _ = self.vm.raw_log(topics, &bytes);
    }

    /// Emits `ParameterUpdate(param)`; `param` is at most 32 bytes.
    pub fn log_parameter(&self, param: &str) {
        let mut bytes = Vec::with_capacity(96);
        bytes.extend_from_slice(&U256::from(32u8).to_be_bytes::<32>());
        bytes.extend_from_slice(&U256::from(param.len()).to_be_bytes::<32>());
        bytes.extend_from_slice(param.as_bytes());
        bytes.resize(64 + param.len().div_ceil(32) * 32, 0);
        let _ = self.vm.raw_log(&[topic::PARAMETER_UPDATE], &bytes);
    }

    /// Marks `account` for a BondingVotes checkpoint at the end of the operation
    /// (each account at most once, spec §16 M-03).
    pub fn touch(&mut self, account: Address) {
        if self.touched[..self.n_touched].contains(&account) {
            return;
        }
        // Operations touch at most MAX_TOUCHED distinct accounts; ignoring an overflow
        // would only skip a checkpoint, never corrupt state.
        if self.n_touched < MAX_TOUCHED {
            self.touched[self.n_touched] = account;
            self.n_touched += 1;
        }
    }

    /// The accounts marked by [`Env::touch`], in order.
    pub fn touched(&self) -> Vec<Address> {
        self.touched[..self.n_touched].to_vec()
    }
}

/// An address as an ABI word.
#[inline]
pub fn w(a: Address) -> U256 {
    U256::from_be_slice(a.as_slice())
}

/// An address as an indexed event topic.
#[inline]
pub fn t(a: Address) -> B256 {
    a.into_word()
}

/// Selector followed by static words.
fn calldata(selector: [u8; 4], args: &[U256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + args.len() * 32);
    out.extend_from_slice(&selector);
    for a in args {
        out.extend_from_slice(&a.to_be_bytes::<32>());
    }
    out
}

/// The first word of return data.
pub fn first_word(data: &[u8]) -> Result<U256, Revert> {
    if data.len() < 32 {
        return Err(err(ERR_BAD_REPLY));
    }
    Ok(U256::from_be_slice(&data[..32]))
}

/// Selectors of the calls the BondingManager makes.
pub mod sel {
    use alloy_sol_types::SolCall;
    use lpx_abi::bonding_manager::{IBondingMinter as M, IBondingRounds as R, IBondingToken as T, IBondingVotesHooks as V};
    use lpx_abi::controller::IController as C;

    /// Controller.getContract(bytes32)
    pub const GET_CONTRACT: [u8; 4] = C::getContractCall::SELECTOR;
    /// Controller.owner()
    pub const OWNER: [u8; 4] = C::ownerCall::SELECTOR;
    /// Controller.paused()
    pub const PAUSED: [u8; 4] = C::pausedCall::SELECTOR;

    /// RoundsManager.currentRound()
    pub const CURRENT_ROUND: [u8; 4] = R::currentRoundCall::SELECTOR;
    /// RoundsManager.currentRoundInitialized()
    pub const CURRENT_ROUND_INITIALIZED: [u8; 4] = R::currentRoundInitializedCall::SELECTOR;
    /// RoundsManager.currentRoundLocked()
    pub const CURRENT_ROUND_LOCKED: [u8; 4] = R::currentRoundLockedCall::SELECTOR;
    /// Minter.createReward(uint256,uint256)
    pub const CREATE_REWARD: [u8; 4] = M::createRewardCall::SELECTOR;
    /// Minter.trustedTransferTokens(address,uint256)
    pub const TRUSTED_TRANSFER_TOKENS: [u8; 4] = M::trustedTransferTokensCall::SELECTOR;
    /// Minter.trustedBurnTokens(uint256)
    pub const TRUSTED_BURN_TOKENS: [u8; 4] = M::trustedBurnTokensCall::SELECTOR;
    /// Minter.trustedWithdrawETH(address,uint256)
    pub const TRUSTED_WITHDRAW_ETH: [u8; 4] = M::trustedWithdrawETHCall::SELECTOR;
    /// Minter.currentMintableTokens()
    pub const CURRENT_MINTABLE_TOKENS: [u8; 4] = M::currentMintableTokensCall::SELECTOR;
    /// Minter.currentMintedTokens()
    pub const CURRENT_MINTED_TOKENS: [u8; 4] = M::currentMintedTokensCall::SELECTOR;
    /// LivepeerToken.transferFrom(address,address,uint256)
    pub const TRANSFER_FROM: [u8; 4] = T::transferFromCall::SELECTOR;
    /// LivepeerToken.balanceOf(address)
    pub const BALANCE_OF: [u8; 4] = T::balanceOfCall::SELECTOR;
    /// BondingVotes.checkpointBondingState(address,uint256,uint256,address,uint256,uint256,uint256)
    pub const CHECKPOINT_BONDING_STATE: [u8; 4] = V::checkpointBondingStateCall::SELECTOR;
    /// BondingVotes.checkpointTotalActiveStake(uint256,uint256)
    pub const CHECKPOINT_TOTAL_ACTIVE_STAKE: [u8; 4] = V::checkpointTotalActiveStakeCall::SELECTOR;
}

/// topic0 of every BondingManager event.
pub mod topic {
    use alloy_primitives::B256;
    use alloy_sol_types::SolEvent;
    use lpx_abi::bonding_manager::IBondingManager as I;

    /// TranscoderUpdate
    pub const TRANSCODER_UPDATE: B256 = I::TranscoderUpdate::SIGNATURE_HASH;
    /// TranscoderActivated
    pub const TRANSCODER_ACTIVATED: B256 = I::TranscoderActivated::SIGNATURE_HASH;
    /// TranscoderDeactivated
    pub const TRANSCODER_DEACTIVATED: B256 = I::TranscoderDeactivated::SIGNATURE_HASH;
    /// TranscoderSlashed
    pub const TRANSCODER_SLASHED: B256 = I::TranscoderSlashed::SIGNATURE_HASH;
    /// Reward
    pub const REWARD: B256 = I::Reward::SIGNATURE_HASH;
    /// TreasuryReward
    pub const TREASURY_REWARD: B256 = I::TreasuryReward::SIGNATURE_HASH;
    /// Bond
    pub const BOND: B256 = I::Bond::SIGNATURE_HASH;
    /// Unbond
    pub const UNBOND: B256 = I::Unbond::SIGNATURE_HASH;
    /// Rebond
    pub const REBOND: B256 = I::Rebond::SIGNATURE_HASH;
    /// TransferBond
    pub const TRANSFER_BOND: B256 = I::TransferBond::SIGNATURE_HASH;
    /// WithdrawStake
    pub const WITHDRAW_STAKE: B256 = I::WithdrawStake::SIGNATURE_HASH;
    /// WithdrawFees
    pub const WITHDRAW_FEES: B256 = I::WithdrawFees::SIGNATURE_HASH;
    /// EarningsClaimed
    pub const EARNINGS_CLAIMED: B256 = I::EarningsClaimed::SIGNATURE_HASH;
    /// RewardCallerSet
    pub const REWARD_CALLER_SET: B256 = I::RewardCallerSet::SIGNATURE_HASH;
    /// SetController
    pub const SET_CONTROLLER: B256 = I::SetController::SIGNATURE_HASH;
    /// ParameterUpdate
    pub const PARAMETER_UPDATE: B256 = I::ParameterUpdate::SIGNATURE_HASH;
}

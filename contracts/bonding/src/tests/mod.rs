//! Native tests of the BondingManager on the [`world::World`] host.

mod fuzz;
mod layout;
mod perf;
mod props;
mod reverts;
mod vectors;
pub mod world;

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use lpx_abi::bonding_manager::IBondingManager as I;
use lpx_contracts_common::revert::err;

use world::*;

/// 10^27.
pub fn e27() -> U256 {
    U256::from(10u8).pow(U256::from(27u8))
}

pub fn u(x: u128) -> U256 {
    U256::from(x)
}

pub const Z: Address = Address::ZERO;

/// Asserts a revert with Livepeer's `Error(msg)`.
#[track_caller]
pub fn assert_revert(r: Result<Vec<u8>, Vec<u8>>, msg: &str) {
    assert_eq!(r.map(|_| ()), Err(err(msg)), "expected revert {msg:?}");
}

impl World {
    /// Gives `a` LPT.
    pub fn fund(&self, a: Address, amount: u128) {
        self.with(|s| {
            *s.lpt.entry(a).or_default() += U256::from(amount);
            s.supply += U256::from(amount);
            s.funded += U256::from(amount);
        });
    }

    pub fn bond(&self, from: Address, amount: u128, to: Address) -> Result<Vec<u8>, Vec<u8>> {
        self.fund(from, amount);
        self.call(from, I::bondCall { _amount: u(amount), _to: to })
    }

    pub fn transcoder(&self, from: Address, cut: u128, share: u128) -> Result<Vec<u8>, Vec<u8>> {
        self.call(from, I::transcoderCall { _rewardCut: u(cut), _feeShare: u(share) })
    }

    pub fn reward(&self, from: Address) -> Result<Vec<u8>, Vec<u8>> {
        self.call(from, I::rewardCall {})
    }

    /// Credits ticket fees to `t` as the TicketBroker (the ETH is deposited in the Minter).
    pub fn fees(&self, t: Address, amount: u128) -> Result<Vec<u8>, Vec<u8>> {
        self.with(|s| *s.eth.entry(MINTER).or_default() += U256::from(amount));
        let r = self.call(BROKER, I::updateTranscoderWithFeesCall { _transcoder: t, _fees: u(amount), _round: U256::ZERO });
        if r.is_err() {
            self.with(|s| *s.eth.entry(MINTER).or_default() -= U256::from(amount));
        }
        r
    }

    pub fn unbond(&self, from: Address, amount: u128) -> Result<Vec<u8>, Vec<u8>> {
        self.call(from, I::unbondCall { _amount: u(amount) })
    }

    pub fn claim(&self, from: Address) -> Result<Vec<u8>, Vec<u8>> {
        self.call(from, I::claimEarningsCall { _endRound: U256::ZERO })
    }

    /// Moves to the next round and initializes it (RoundsManager → BondingManager).
    pub fn next_round(&self) {
        self.skip_round();
        self.call(ROUNDS, I::setCurrentRoundTotalActiveStakeCall {}).unwrap();
    }

    /// Moves to the next round without initializing it.
    pub fn skip_round(&self) {
        self.with(|s| {
            s.round += U256::from(1);
            s.minted = U256::ZERO;
        });
    }

    pub fn round(&self) -> U256 {
        self.state().round
    }

    pub fn delegator(&self, a: Address) -> I::getDelegatorReturn {
        self.view(I::getDelegatorCall { _delegator: a })
    }

    pub fn tinfo(&self, a: Address) -> I::getTranscoderReturn {
        self.view(I::getTranscoderCall { _transcoder: a })
    }

    pub fn epool(&self, a: Address, round: u64) -> I::getTranscoderEarningsPoolForRoundReturn {
        self.view(I::getTranscoderEarningsPoolForRoundCall { _transcoder: a, _round: U256::from(round) })
    }

    pub fn pending_stake(&self, a: Address) -> U256 {
        self.view(I::pendingStakeCall { _delegator: a, _endRound: U256::ZERO })
    }

    pub fn pending_fees(&self, a: Address) -> U256 {
        self.view(I::pendingFeesCall { _delegator: a, _endRound: U256::ZERO })
    }

    pub fn next_total(&self) -> U256 {
        self.view(I::nextRoundTotalActiveStakeCall {})
    }

    pub fn is_active(&self, a: Address) -> bool {
        self.view(I::isActiveTranscoderCall { _transcoder: a })
    }

    /// Pool members from head to tail.
    pub fn pool_order(&self) -> Vec<Address> {
        let mut out = Vec::new();
        let mut a: Address = self.view(I::getFirstTranscoderInPoolCall {});
        while a != Address::ZERO {
            out.push(a);
            a = self.view(I::getNextTranscoderInPoolCall { _transcoder: a });
        }
        out
    }
}

/// The calldata of a call (for raw routing).
pub fn data<Cl: SolCall>(c: Cl) -> Vec<u8> {
    c.abi_encode()
}

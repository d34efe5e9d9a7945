//! The raw slot accessors agree with the typed Solidity layout (spec Appendix B).

use super::*;
use crate::pool::ListStore;
use crate::state::Layout;
use crate::store::{del, ep, slot, tc};
use alloy_primitives::U64;

#[test]
fn raw_accessors_match_the_typed_layout() {
    let w = World::new();
    let mut typed = Layout::from(&w);
    let (a, b) = (addr(1), addr(2));
    let r = u(4242);
    {
        let mut d = typed.delegators.setter(a);
        d.bonded_amount.set(u(11));
        d.fees.set(u(12));
        d.delegate_address.set(b);
        d.delegated_amount.set(u(14));
        d.start_round.set(u(15));
        d.last_claim_round.set(u(16));
        d.next_unbonding_lock_id.set(u(17));
        let mut l = d.unbonding_locks.setter(u(3));
        l.amount.set(u(18));
        l.withdraw_round.set(u(19));
    }
    {
        let mut t = typed.transcoders.setter(a);
        t.last_reward_round.set(u(20));
        t.reward_cut.set(u(21));
        t.fee_share.set(u(22));
        t.last_active_stake_update_round.set(u(24));
        t.activation_round.set(u(25));
        t.deactivation_round.set(u(26));
        t.active_cumulative_rewards.set(u(27));
        t.cumulative_rewards.set(u(28));
        t.cumulative_fees.set(u(29));
        t.last_fee_round.set(u(30));
        let mut p = t.earnings_pool_per_round.setter(r);
        p.total_stake.set(u(31));
        p.transcoder_reward_cut.set(u(32));
        p.transcoder_fee_share.set(u(33));
        p.cumulative_reward_factor.set(u(34));
        p.cumulative_fee_factor.set(u(35));
    }
    typed.unbonding_period.set(U64::from(7));
    typed.current_round_total_active_stake.set(u(40));
    typed.next_round_total_active_stake.set(u(41));
    typed.pool.head.set(a);
    typed.pool.tail.set(b);
    typed.pool.max_size.set(u(42));
    typed.pool.size.set(u(43));
    {
        let mut n = typed.pool.nodes.setter(a);
        n.key.set(u(44));
        n.next_id.set(b);
    }
    typed.treasury_reward_cut_rate.set(u(45));
    typed.next_round_treasury_reward_cut_rate.set(u(46));
    typed.treasury_balance_ceiling.set(u(47));
    typed.transcoder_to_reward_caller.setter(a).set(b);

    let bm = w.contract();
    assert_eq!(bm.manager.controller.get(), CONTROLLER, "Manager head in slot 0");
    assert_eq!(w.state().storage.get(&U256::ZERO).copied(), Some(CONTROLLER.into_word()));
    let dl: Vec<U256> = (0..7).map(|f| bm.del(a, f)).collect();
    assert_eq!(dl, vec![u(11), u(12), w256(b), u(14), u(15), u(16), u(17)]);
    assert_eq!(bm.lock(a, u(3)), (u(18), u(19)));
    let tl: Vec<U256> = [tc::LAST_REWARD_ROUND, tc::REWARD_CUT, tc::FEE_SHARE, 4, 5, 6, 7, 8, 9, tc::LAST_FEE_ROUND].iter().map(|&f| bm.tc(a, f)).collect();
    assert_eq!(tl, [20, 21, 22, 24, 25, 26, 27, 28, 29, 30].map(u).to_vec());
    let pl: Vec<U256> = (0..5).map(|f| bm.ep(a, r, f)).collect();
    assert_eq!(pl, [31, 32, 33, 34, 35].map(u).to_vec());
    assert_eq!(bm.ep(a, r, ep::CFF), u(35));
    assert_eq!(bm.global(slot::UNBONDING_PERIOD), u(7));
    assert_eq!(bm.global(slot::CURRENT_ROUND_TOTAL_ACTIVE_STAKE), u(40));
    assert_eq!(bm.global(slot::NEXT_ROUND_TOTAL_ACTIVE_STAKE), u(41));
    assert_eq!((bm.head(), bm.tail(), bm.max_size(), bm.size()), (a, b, u(42), u(43)));
    assert_eq!((bm.key(a), bm.next(a)), (u(44), b));
    assert_eq!(bm.global(slot::TREASURY_REWARD_CUT_RATE), u(45));
    assert_eq!(bm.global(slot::NEXT_ROUND_TREASURY_REWARD_CUT_RATE), u(46));
    assert_eq!(bm.global(slot::TREASURY_BALANCE_CEILING), u(47));
    assert_eq!(bm.reward_caller(a), b);
    assert_eq!(bm.delegate_of(a), b);
    let _ = del::LOCKS;
}

fn w256(a: Address) -> U256 {
    crate::env::w(a)
}

/// The pool algorithm on contract storage gives the Solidity test's orders (V46).
#[test]
fn pool_on_contract_storage() {
    let w = World::new();
    let mut bm = w.contract();
    crate::pool::set_max_size(&mut bm, u(10)).unwrap();
    for (i, key) in [13u128, 11, 9, 7, 5, 3].iter().enumerate() {
        let prev = if i == 0 { Z } else { addr(i as u16) };
        crate::pool::insert(&mut bm, addr(i as u16 + 1), u(*key), prev, Z).unwrap();
    }
    crate::pool::update_key(&mut bm, addr(4), u(10), Z, Z).unwrap();
    assert_eq!(w.pool_order(), [1, 2, 4, 3, 5, 6].map(addr).to_vec());
    crate::pool::update_key(&mut bm, addr(4), u(4), Z, Z).unwrap();
    assert_eq!(w.pool_order(), [1, 2, 3, 5, 4, 6].map(addr).to_vec());
}

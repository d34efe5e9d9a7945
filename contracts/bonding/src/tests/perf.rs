//! Storage reads and writes of reward, bond, unbond and claimEarnings at pool sizes 1, 10
//! and 100, counted on the test host (docs/PERFORMANCE-bonding.md quotes the table this
//! prints with `cargo test -p lpx-bonding storage_ops -- --nocapture`).

use super::*;
use lpx_abi::bonding_manager::IBondingManager as I;

/// One measured transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ops {
    loads: u64,
    stores: u64,
    slots_read: usize,
    slots_written: usize,
    slots_new: usize,
    slots_changed: usize,
}

impl Ops {
    /// Rough EVM-schedule storage gas: a cold SLOAD (2,100) per distinct slot read, 20,000
    /// per slot set from zero, 2,900 per other changed slot, 100 per slot written back
    /// unchanged, +2,100 for a written slot that was not read first. Stylus' write cache
    /// coalesces repeated writes, so each slot is stored at most once per call.
    fn gas(&self, written_unread: usize) -> u64 {
        2100 * self.slots_read as u64
            + 20_000 * self.slots_new as u64
            + 2_900 * (self.slots_changed - self.slots_new) as u64
            + 100 * (self.slots_written - self.slots_changed) as u64
            + 2_100 * written_unread as u64
    }
}

fn measure(w: &World, from: Address, c: impl alloy_sol_types::SolCall) -> (Ops, u64) {
    w.call(from, c).expect("measured call succeeds");
    let k = w.counters();
    let after = |slot: &U256| w.state().storage.get(slot).copied().unwrap_or_default();
    let new = k.written.iter().filter(|(slot, before)| before.is_zero() && !after(slot).is_zero()).count();
    let changed = k.written.iter().filter(|(slot, before)| **before != after(slot)).count();
    let unread = k.written.keys().filter(|s| !k.read_slots.contains(s)).count();
    let ops = Ops { loads: k.loads, stores: k.stores, slots_read: k.read_slots.len(), slots_written: k.written.len(), slots_new: new, slots_changed: changed };
    (ops, ops.gas(unread))
}

/// `n` transcoders with stakes n*1000 .. 1000 (descending), a delegator D of the middle
/// one, two rounds of rewards; returns (world, middle transcoder, D).
fn pool_world(n: u16) -> (World, Address, Address) {
    let w = World::new();
    w.call(OWNER, I::setNumActiveTranscodersCall { _numActiveTranscoders: U256::from(n.max(3)) }).unwrap();
    w.with(|s| s.fixed_reward = Some(U256::from(1)));
    let mut last = Z;
    for i in 1..=n {
        let t = addr(i);
        let amount = U256::from(n - i + 1) * U256::from(1000);
        w.fund(t, amount.to::<u128>());
        w.call(
            t,
            I::bondWithHintCall {
                _amount: amount,
                _to: t,
                _oldDelegateNewPosPrev: Z,
                _oldDelegateNewPosNext: Z,
                _currDelegateNewPosPrev: last,
                _currDelegateNewPosNext: Z,
            },
        )
        .unwrap();
        w.transcoder(t, 500_000, 500_000).unwrap();
        last = t;
    }
    let mid = addr(n.div_ceil(2));
    let d = addr(500);
    w.fund(d, 10);
    let (p, q) = neighbours(&w, mid);
    w.call(
        d,
        I::bondWithHintCall {
            _amount: U256::from(10),
            _to: mid,
            _oldDelegateNewPosPrev: Z,
            _oldDelegateNewPosNext: Z,
            _currDelegateNewPosPrev: p,
            _currDelegateNewPosNext: q,
        },
    )
    .unwrap();
    for _ in 0..2 {
        w.next_round();
        for i in 1..=n {
            let (p, q) = neighbours(&w, addr(i));
            w.call(addr(i), I::rewardWithHintCall { _newPosPrev: p, _newPosNext: q }).unwrap();
        }
        w.fees(mid, 1000).unwrap();
        w.claim(d).unwrap();
    }
    w.next_round();
    (w, mid, d)
}

/// The pool neighbours of `t` (its position does not change by a 1-wei reward or bond).
fn neighbours(w: &World, t: Address) -> (Address, Address) {
    let order = w.pool_order();
    let i = order.iter().position(|&x| x == t).unwrap();
    (if i == 0 { Z } else { order[i - 1] }, order.get(i + 1).copied().unwrap_or(Z))
}

#[test]
fn storage_ops() {
    println!("| operation | pool size | load calls | store calls | slots read | slots written | changed (new) | est. storage gas |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut hinted = Vec::new();
    for n in [1u16, 10, 100] {
        let (w, mid, d) = pool_world(n);
        let (p, q) = neighbours(&w, mid);
        let mut rows = Vec::new();
        rows.push(("rewardWithHint (correct hints)", measure(&w, mid, I::rewardWithHintCall { _newPosPrev: p, _newPosNext: q })));
        let e = addr(600);
        w.fund(e, 5);
        rows.push((
            "bondWithHint (new delegator, correct hints)",
            measure(
                &w,
                e,
                I::bondWithHintCall {
                    _amount: U256::from(5),
                    _to: mid,
                    _oldDelegateNewPosPrev: Z,
                    _oldDelegateNewPosNext: Z,
                    _currDelegateNewPosPrev: p,
                    _currDelegateNewPosNext: q,
                },
            ),
        ));
        rows.push((
            "unbondWithHint (partial, incl. 1-round claim)",
            measure(&w, d, I::unbondWithHintCall { _amount: U256::from(1), _newPosPrev: p, _newPosNext: q }),
        ));
        w.next_round();
        for i in 1..=n {
            if addr(i) != mid {
                let (p, q) = neighbours(&w, addr(i));
                w.call(addr(i), I::rewardWithHintCall { _newPosPrev: p, _newPosNext: q }).unwrap();
            }
        }
        rows.push(("claimEarnings (delegator, 1 round)", measure(&w, d, I::claimEarningsCall { _endRound: U256::ZERO })));
        rows.push(("reward (no hints)", measure(&w, mid, I::rewardCall {})));
        for (name, (ops, gas)) in &rows {
            println!(
                "| {name} | {n} | {} | {} | {} | {} | {} ({}) | {gas} |",
                ops.loads, ops.stores, ops.slots_read, ops.slots_written, ops.slots_changed, ops.slots_new
            );
        }
        hinted.push(rows);
    }
    // With correct hints the cost does not depend on the pool size (no list walk).
    for (at10, at100) in hinted[1].iter().zip(&hinted[2]).take(4) {
        assert_eq!(at10.1 .0.slots_read, at100.1 .0.slots_read, "{} grows with the pool", at10.0);
        assert_eq!(at10.1 .0.slots_written, at100.1 .0.slots_written);
    }
    // Without hints the walk from the head reads more nodes in a larger pool.
    assert!(hinted[2][4].1 .0.slots_read > hinted[1][4].1 .0.slots_read);
}

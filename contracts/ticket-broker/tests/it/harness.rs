//! The test world: a TicketBroker instance on a `TestHost` whose outgoing calls are
//! answered from shared state, plus signing helpers built on `lpx-pm`.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
    rc::Rc,
};

use alloy::{
    primitives::{address, keccak256, Address, Bytes, Signature, B256, U256},
    signers::{local::PrivateKeySigner, SignerSync},
    sol_types::{SolCall, SolError, SolValue},
};
use lpx_abi::{
    bonding_manager::IBondingManager,
    controller::IController,
    minter::IMinter,
    rounds_manager::IRoundsManager,
    ticket_broker::{encode_aux_data, recipient_rand_hash, ticket_hash, ITicketBroker, Ticket},
};
use lpx_contracts_common::{
    ids,
    testing::{RecordedCall, TestHost},
};
use lpx_pm::{ChainState, SenderFunds};
use lpx_ticket_broker::{router::CONSTRUCTOR_SELECTOR, TicketBroker};

pub const CONTROLLER: Address = address!("00000000000000000000000000000000000c0111");
pub const OWNER: Address = address!("000000000000000000000000000000000000a11c");
pub const ROUNDS: Address = address!("0000000000000000000000000000000000000e01");
pub const BONDING: Address = address!("0000000000000000000000000000000000000e02");
pub const MINTER: Address = address!("0000000000000000000000000000000000000e03");
pub const RECIPIENT: Address = address!("0000000000000000000000000000000000000f01");
pub const ECRECOVER: Address = address!("0000000000000000000000000000000000000001");

/// Spec §15.8 defaults: current round 10, validity 2, unlock period 20.
pub const CURRENT_ROUND: u64 = 10;

/// State the mocked peers answer from.
#[derive(Debug, Default)]
pub struct World {
    pub paused: bool,
    pub round: U256,
    pub initialized: bool,
    pub block_hashes: HashMap<U256, B256>,
    pub active: HashSet<Address>,
    pub pool_size: U256,
    /// `(transcoder, fees, round)` per `updateTranscoderWithFees`.
    pub fees: Vec<(Address, U256, U256)>,
    /// When set, `updateTranscoderWithFees` reverts with this data.
    pub fee_revert: Option<Vec<u8>>,
    /// Values received by `depositETH`.
    pub deposits: Vec<U256>,
    /// `(to, amount)` per `trustedWithdrawETH`.
    pub withdrawals: Vec<(Address, U256)>,
}

fn sel(data: &[u8]) -> [u8; 4] {
    let mut s = [0u8; 4];
    if data.len() >= 4 {
        s.copy_from_slice(&data[..4]);
    }
    s
}

/// What the real ecrecover precompile returns: 32-byte address word, or nothing.
pub fn ecrecover_precompile(input: &[u8]) -> Vec<u8> {
    let mut buf = [0u8; 128];
    let n = input.len().min(128);
    buf[..n].copy_from_slice(&input[..n]);
    let digest = B256::from_slice(&buf[..32]);
    let v = U256::from_be_slice(&buf[32..64]);
    let r = U256::from_be_slice(&buf[64..96]);
    let s = U256::from_be_slice(&buf[96..128]);
    let parity = if v == U256::from(27) {
        false
    } else if v == U256::from(28) {
        true
    } else {
        return Vec::new();
    };
    match Signature::new(r, s, parity).recover_address_from_prehash(&digest) {
        Ok(a) => a.into_word().to_vec(),
        Err(_) => Vec::new(),
    }
}

fn answer(w: &mut World, c: &RecordedCall) -> Option<Result<Vec<u8>, Vec<u8>>> {
    let d = &c.data;
    let s = sel(d);
    let ok = |v: Vec<u8>| Some(Ok(v));
    match c.to {
        ECRECOVER => ok(ecrecover_precompile(d)),
        CONTROLLER if s == IController::getContractCall::SELECTOR => {
            let id = IController::getContractCall::abi_decode(d).ok()?._id;
            let a = match id {
                x if x == ids::ROUNDS_MANAGER => ROUNDS,
                x if x == ids::BONDING_MANAGER => BONDING,
                x if x == ids::MINTER => MINTER,
                _ => Address::ZERO,
            };
            ok(a.abi_encode())
        }
        CONTROLLER if s == IController::pausedCall::SELECTOR => ok(w.paused.abi_encode()),
        CONTROLLER if s == IController::ownerCall::SELECTOR => ok(OWNER.abi_encode()),
        ROUNDS if s == IRoundsManager::currentRoundCall::SELECTOR => ok(w.round.abi_encode()),
        ROUNDS if s == IRoundsManager::currentRoundInitializedCall::SELECTOR => ok(w.initialized.abi_encode()),
        ROUNDS if s == IRoundsManager::blockHashForRoundCall::SELECTOR => {
            let r = IRoundsManager::blockHashForRoundCall::abi_decode(d).ok()?._round;
            ok(w.block_hashes.get(&r).copied().unwrap_or_default().abi_encode())
        }
        BONDING if s == IBondingManager::isActiveTranscoderCall::SELECTOR => {
            let t = IBondingManager::isActiveTranscoderCall::abi_decode(d).ok()?._transcoder;
            ok(w.active.contains(&t).abi_encode())
        }
        BONDING if s == IBondingManager::getTranscoderPoolSizeCall::SELECTOR => ok(w.pool_size.abi_encode()),
        BONDING if s == IBondingManager::updateTranscoderWithFeesCall::SELECTOR => {
            if let Some(e) = &w.fee_revert {
                return Some(Err(e.clone()));
            }
            let c = IBondingManager::updateTranscoderWithFeesCall::abi_decode(d).ok()?;
            w.fees.push((c._transcoder, c._fees, c._round));
            ok(Vec::new())
        }
        MINTER if s == IMinter::depositETHCall::SELECTOR => {
            w.deposits.push(c.value);
            ok(true.abi_encode())
        }
        MINTER if s == IMinter::trustedWithdrawETHCall::SELECTOR => {
            let c = IMinter::trustedWithdrawETHCall::abi_decode(d).ok()?;
            w.withdrawals.push((c._to, c._amount));
            ok(Vec::new())
        }
        _ => None,
    }
}

/// A broker with the §15.8 setup: round 10 initialized with hash keccak("foo"), validity
/// 2, unlock period 20, recipient active in a pool of 1.
pub struct Harness {
    pub host: TestHost,
    pub world: Rc<RefCell<World>>,
    pub broker: TicketBroker,
    /// Logs emitted during setup, hidden from `logs()`.
    setup_logs: usize,
}

impl Harness {
    pub fn new() -> Self {
        let host = TestHost::new();
        let world = Rc::new(RefCell::new(World { round: U256::from(CURRENT_ROUND), initialized: true, pool_size: U256::from(1), ..Default::default() }));
        world.borrow_mut().block_hashes.insert(U256::from(CURRENT_ROUND), keccak256("foo"));
        world.borrow_mut().active.insert(RECIPIENT);
        let w = world.clone();
        host.set_router(Box::new(move |c| answer(&mut w.borrow_mut(), c)));
        for a in [BONDING, MINTER] {
            host.vm().set_code(a, vec![0xfe]);
        }
        let broker = TicketBroker::from(&host);
        let mut h = Self { host, world, broker, setup_logs: 0 };
        let mut deploy = CONSTRUCTOR_SELECTOR.to_be_bytes().to_vec();
        deploy.extend_from_slice(&CONTROLLER.abi_encode());
        h.call(OWNER, U256::ZERO, &deploy).unwrap();
        h.as_owner(|b| {
            b.set_unlock_period(U256::from(20)).unwrap();
            b.set_ticket_validity_period(U256::from(2)).unwrap();
        });
        h.host.clear_calls();
        h.setup_logs = h.host.logs().len();
        h
    }

    /// Runs `f` with `OWNER` as caller.
    pub fn as_owner<R>(&mut self, f: impl FnOnce(&mut TicketBroker) -> R) -> R {
        self.as_sender(OWNER, U256::ZERO, f)
    }

    /// Runs `f` as `sender` with `value`.
    pub fn as_sender<R>(&mut self, sender: Address, value: U256, f: impl FnOnce(&mut TicketBroker) -> R) -> R {
        self.host.vm().set_sender(sender);
        self.host.vm().set_value(value);
        let r = f(&mut self.broker);
        self.host.vm().set_value(U256::ZERO);
        r
    }

    /// Funds `sender` with a deposit and a reserve.
    pub fn fund(&mut self, sender: Address, deposit: u64, reserve: u64) {
        let (d, r) = (U256::from(deposit), U256::from(reserve));
        self.as_sender(sender, d + r, |b| b.fund_deposit_and_reserve(d, r)).unwrap();
    }

    pub fn set_round(&self, round: u64) {
        self.world.borrow_mut().round = U256::from(round);
    }

    /// Decoded `Error(string)` of a revert, or a description of other data.
    pub fn reason(revert: &[u8]) -> String {
        match alloy::sol_types::Revert::abi_decode(revert) {
            Ok(r) => r.reason,
            Err(_) => format!("<non-string revert 0x{}>", alloy::hex::encode(revert)),
        }
    }

    /// Routes `calldata` as the contract's entry point would, from `sender` with `value`.
    pub fn call(&mut self, sender: Address, value: U256, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        self.as_sender(sender, value, |b| b.route(calldata))
    }

    /// `redeemWinningTicket` as the recipient; `Err(reason)` on revert.
    pub fn redeem(&mut self, t: &Ticket, sig: &Bytes, rand: U256) -> Result<(), String> {
        self.redeem_as(RECIPIENT, t, sig, rand)
    }

    /// `redeemWinningTicket` through the router as `caller`; `Err(reason)` on revert.
    pub fn redeem_as(&mut self, caller: Address, t: &Ticket, sig: &Bytes, rand: U256) -> Result<(), String> {
        let call = ITicketBroker::redeemWinningTicketCall { _ticket: t.clone(), _sig: sig.clone(), _recipientRand: rand };
        let out = self.call(caller, U256::ZERO, &call.abi_encode()).map_err(|e| Self::reason(&e))?;
        assert!(out.is_empty(), "redeemWinningTicket returns nothing");
        Ok(())
    }

    /// `batchRedeemWinningTickets` through the router as the recipient; `Err(reason)` on
    /// revert.
    pub fn batch(&mut self, tickets: &[Ticket], sigs: &[Bytes], rands: &[U256]) -> Result<(), String> {
        let call = ITicketBroker::batchRedeemWinningTicketsCall { _tickets: tickets.to_vec(), _sigs: sigs.to_vec(), _recipientRands: rands.to_vec() };
        let out = self.call(RECIPIENT, U256::ZERO, &call.abi_encode()).map_err(|e| Self::reason(&e))?;
        assert!(out.is_empty(), "batchRedeemWinningTickets returns nothing");
        Ok(())
    }

    /// Logs emitted since setup.
    pub fn logs(&self) -> Vec<(Vec<B256>, Vec<u8>)> {
        self.host.logs().split_off(self.setup_logs)
    }
}

/// A [`ChainState`] reading the same world and broker the contract sees.
pub struct View<'a>(pub &'a Harness);

impl ChainState for View<'_> {
    fn current_round(&self) -> U256 {
        self.0.world.borrow().round
    }
    fn ticket_validity_period(&self) -> U256 {
        self.0.broker.ticket_validity_period()
    }
    fn block_hash_for_round(&self, round: U256) -> B256 {
        self.0.world.borrow().block_hashes.get(&round).copied().unwrap_or_default()
    }
    fn is_used(&self, h: &B256) -> bool {
        self.0.broker.used_tickets(*h)
    }
    fn sender_funds(&self, s: &Address) -> SenderFunds {
        let ((deposit, withdraw_round), (reserve, _)) = self.0.broker.get_sender_info(*s).unwrap();
        SenderFunds { deposit, reserve, withdraw_round }
    }
    fn claimable_reserve(&self, s: &Address, r: &Address) -> U256 {
        self.0.broker.claimable_reserve(*s, *r).unwrap()
    }
    fn is_active(&self, r: &Address) -> bool {
        self.0.world.borrow().active.contains(r)
    }
}

/// The deterministic sender key used across tests.
pub fn sender_key() -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&B256::repeat_byte(0x42)).unwrap()
}

/// Spec §15.8 winning ticket: winProb 2^256 − 1, rand 5, creation round 10.
pub fn winning_ticket(sender: Address, face_value: u64, nonce: u64) -> Ticket {
    Ticket {
        recipient: RECIPIENT,
        sender,
        faceValue: U256::from(face_value),
        winProb: U256::MAX,
        senderNonce: U256::from(nonce),
        recipientRandHash: recipient_rand_hash(U256::from(5)),
        auxData: encode_aux_data(U256::from(CURRENT_ROUND), keccak256("foo")),
    }
}

/// EIP-191 signature of the ticket hash by `key`, 65 bytes.
pub fn sign(key: &PrivateKeySigner, t: &Ticket) -> Bytes {
    let sig = key.sign_message_sync(ticket_hash(t).as_slice()).unwrap();
    Bytes::copy_from_slice(&sig.as_bytes())
}

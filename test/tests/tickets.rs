//! Probabilistic micropayments end to end on real WASM (issue 4): a broadcaster pays an
//! orchestrator with tickets built and signed by `lpx-pm`, the orchestrator checks them with
//! `lpx-pm` against the live chain, and the deployed TicketBroker redeems the winners into the
//! orchestrator's fee pool, from which they are claimed and withdrawn in ETH.
//!
//! Which tickets win is decided by the recipient's pricing, not by luck: the "winner" tier
//! prices tickets at EV = faceValue − 1 wei (each loses with probability ~1/faceValue,
//! 10⁻¹⁶), the "loser" tier at EV = 1 wei (each wins with probability ~10⁻¹⁶). The sender
//! refuses EV ≥ faceValue, so a certain win (winProb 2²⁵⁶ − 1) cannot come out of `lpx-pm`.
//! Every outcome is still asserted from `lpx-pm`'s own win check and compared with the chain.

use alloy::{
    primitives::{keccak256, utils::parse_ether, Address, Bytes, B256, U256},
    providers::Provider,
    rpc::types::TransactionReceipt,
    signers::{local::PrivateKeySigner, SignerSync},
    sol_types::{SolCall, SolEvent},
};
use lpx_abi::{bonding_manager::IBondingManager, rounds_manager::IRoundsManager, ticket_broker::ITicketBroker, token::ILivepeerToken};
use lpx_e2e::{anvil_signers, Failure, Protocol};
use lpx_pm::{
    check_redemption, reasons, ChainState, ExpirationParams, FaceValueConfig, PricePerPixel, ReceivedTicket, Recipient, RecipientConfig, RecipientSecret,
    Redemption, Sender, SenderConfig, SenderError, SenderFunds, SenderView, Ticket, TicketError, TicketParams,
};

/// Face value of a winning-tier ticket: 0.01 ETH, well above a redemption's cost.
fn face() -> U256 {
    parse_ether("0.01").unwrap()
}

const PRICE: PricePerPixel = PricePerPixel { num: 1_000, den: 1 };

// ---- chain access for lpx-pm ----

/// `lpx-pm`'s view of the chain, read live from the devnet for every check (the validator
/// is synchronous; the test runs on a multi-threaded runtime, so blocking here is fine).
struct LiveChain<'a>(&'a Protocol);

impl LiveChain<'_> {
    fn view<C: SolCall>(&self, to: &str, call: C) -> C::Return {
        tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(self.0.view(to, call)))
    }
}

impl ChainState for LiveChain<'_> {
    fn current_round(&self) -> U256 {
        self.view("RoundsManager", IRoundsManager::currentRoundCall {})
    }
    fn ticket_validity_period(&self) -> U256 {
        self.view("TicketBroker", ITicketBroker::ticketValidityPeriodCall {})
    }
    fn block_hash_for_round(&self, round: U256) -> B256 {
        self.view("RoundsManager", IRoundsManager::blockHashForRoundCall { _round: round })
    }
    fn is_used(&self, ticket_hash: &B256) -> bool {
        self.view("TicketBroker", ITicketBroker::usedTicketsCall { _ticketHash: *ticket_hash })
    }
    fn sender_funds(&self, sender: &Address) -> SenderFunds {
        let info = self.view("TicketBroker", ITicketBroker::getSenderInfoCall { _sender: *sender });
        SenderFunds { deposit: info.sender.deposit, reserve: info.reserve.fundsRemaining, withdraw_round: info.sender.withdrawRound }
    }
    fn claimable_reserve(&self, sender: &Address, recipient: &Address) -> U256 {
        self.view("TicketBroker", ITicketBroker::claimableReserveCall { _reserveHolder: *sender, _claimant: *recipient })
    }
    fn is_active(&self, recipient: &Address) -> bool {
        self.view("BondingManager", IBondingManager::isActiveTranscoderCall { _transcoder: *recipient })
    }
}

// ---- protocol helpers ----

/// Deploys the protocol with one orchestrator (accounts[1], 1000 LPT self-bonded, 50% fee
/// share) active in the current round, and a broadcaster (accounts[2]) funded with
/// `deposit` and `reserve`. Returns (protocol, orchestrator, broadcaster's signer).
async fn setup(deposit: U256, reserve: U256) -> (Protocol, Address, PrivateKeySigner) {
    let p = Protocol::deploy().await;
    let t = p.accounts[1];
    let signer = anvil_signers().swap_remove(2);
    let b = signer.address();
    p.next_round().await;
    let stake = parse_ether("1000").unwrap();
    let bm = p.address("BondingManager");
    p.send(t, "LivepeerToken", ILivepeerToken::approveCall { spender: bm, amount: stake }).await;
    p.send(t, "BondingManager", IBondingManager::bondCall { _amount: stake, _to: t }).await;
    p.send(t, "BondingManager", IBondingManager::transcoderCall { _rewardCut: U256::from(500_000), _feeShare: U256::from(500_000) }).await;
    p.next_round().await;
    assert!(p.view("BondingManager", IBondingManager::isActiveTranscoderCall { _transcoder: t }).await);

    let minter0 = eth(&p, p.address("Minter")).await;
    let b0 = eth(&p, b).await;
    let call = ITicketBroker::fundDepositAndReserveCall { _depositAmount: deposit, _reserveAmount: reserve };
    let receipt = p.try_send(b, "TicketBroker", call, deposit + reserve).await.expect("fundDepositAndReserve");
    assert_eq!(eth(&p, b).await, b0 - deposit - reserve - fee_paid(&receipt), "the broadcaster paid deposit + reserve + gas");
    assert_eq!(eth(&p, p.address("Minter")).await, minter0 + deposit + reserve, "the Minter holds the ETH");
    let funded = events::<ITicketBroker::DepositFunded>(&p, &receipt);
    assert_eq!((funded[0].sender, funded[0].amount), (b, deposit));
    let info = p.view("TicketBroker", ITicketBroker::getSenderInfoCall { _sender: b }).await;
    assert_eq!((info.sender.deposit, info.reserve.fundsRemaining, info.sender.withdrawRound), (deposit, reserve, U256::ZERO));
    (p, t, signer)
}

async fn eth(p: &Protocol, who: Address) -> U256 {
    p.provider.get_balance(who).await.expect("balance")
}

/// Wei a transaction's sender paid for gas.
fn fee_paid(r: &TransactionReceipt) -> U256 {
    U256::from(r.gas_used) * U256::from(r.effective_gas_price)
}

/// The TicketBroker events of type `E` in a receipt, in order.
fn events<E: SolEvent>(p: &Protocol, r: &TransactionReceipt) -> Vec<E> {
    let broker = p.address("TicketBroker");
    r.inner.logs().iter().filter(|l| l.address() == broker).filter_map(|l| E::decode_log_data(l.data()).ok()).collect()
}

/// The creation round tag a recipient puts in its params: the last initialized round and
/// its block hash, as go-livepeer does.
async fn expiration(p: &Protocol) -> ExpirationParams {
    let round = p.view("RoundsManager", IRoundsManager::lastInitializedRoundCall {}).await;
    let hash = p.view("RoundsManager", IRoundsManager::blockHashForRoundCall { _round: round }).await;
    assert_ne!(hash, B256::ZERO, "an initialized round has a block hash");
    ExpirationParams { creation_round: round, creation_round_block_hash: hash }
}

async fn block(p: &Protocol) -> U256 {
    U256::from(p.provider.get_block_number().await.expect("block number"))
}

/// What the broadcaster knows of the chain before paying.
async fn sender_view(p: &Protocol, b: Address) -> SenderView {
    let info = p.view("TicketBroker", ITicketBroker::getSenderInfoCall { _sender: b }).await;
    SenderView {
        last_block: block(p).await,
        last_initialized_round: p.view("RoundsManager", IRoundsManager::lastInitializedRoundCall {}).await,
        deposit: info.sender.deposit,
        reserve: info.reserve.fundsRemaining,
        withdraw_round: info.sender.withdrawRound,
    }
}

/// A recipient at `t` pricing tickets at `ev` wei with face value `face()` (see the module
/// docs for the two tiers).
fn recipient(t: Address, secret: &RecipientSecret, ev: U256) -> Recipient {
    let face_value = FaceValueConfig { ticket_ev: ev, max_face_value: Some(face()), ..FaceValueConfig::default() };
    Recipient::new(t, secret.clone(), RecipientConfig { face_value, ..RecipientConfig::default() })
}

/// Params for `b` from `r`, priced at the devnet's gas price and capped by what `b`'s
/// reserve guarantees `r` (spec/node.md §3.5), tagged with `exp`.
async fn issue(p: &Protocol, r: &Recipient, b: Address, exp: ExpirationParams) -> TicketParams {
    let gas_price = U256::from(p.provider.get_gas_price().await.expect("gas price"));
    let claimable = p.view("TicketBroker", ITicketBroker::claimableReserveCall { _reserveHolder: b, _claimant: r.address() }).await;
    let deposit = p.view("TicketBroker", ITicketBroker::getSenderInfoCall { _sender: b }).await.sender.deposit;
    let max_float = lpx_pm::params::max_float(claimable, deposit, U256::ZERO);
    r.ticket_params(b, PRICE, gas_price, max_float, block(p).await, exp).expect("ticket params")
}

/// Signs `n` tickets of `params` with the broadcaster's `lpx-pm` sender.
async fn pay(p: &Protocol, s: &Sender<PrivateKeySigner>, params: &TicketParams, n: u32) -> Vec<(Ticket, Bytes)> {
    let key = s.start_session(params.clone());
    let batch = s.create_ticket_batch(&key, n, &sender_view(p, s.address()).await).expect("ticket batch");
    batch.signed_tickets().map(|t| (t.ticket, t.sig)).collect()
}

fn sender_config() -> SenderConfig {
    SenderConfig { max_ticket_ev: face(), max_total_ev: face() * U256::from(100), deposit_multiplier: U256::from(1) }
}

fn redeem_call(t: &Ticket, sig: &Bytes, rand: U256) -> ITicketBroker::redeemWinningTicketCall {
    ITicketBroker::redeemWinningTicketCall { _ticket: t.clone(), _sig: sig.clone(), _recipientRand: rand }
}

fn batch_call(ts: &[&ReceivedTicket]) -> ITicketBroker::batchRedeemWinningTicketsCall {
    ITicketBroker::batchRedeemWinningTicketsCall {
        _tickets: ts.iter().map(|r| r.ticket.clone()).collect(),
        _sigs: ts.iter().map(|r| r.sig.clone()).collect(),
        _recipientRands: ts.iter().map(|r| r.recipient_rand).collect(),
    }
}

async fn used(p: &Protocol, hash: B256) -> bool {
    p.view("TicketBroker", ITicketBroker::usedTicketsCall { _ticketHash: hash }).await
}

async fn contract_hash(p: &Protocol, t: &Ticket) -> B256 {
    p.view("TicketBroker", ITicketBroker::getTicketHashCall { _ticket: t.clone() }).await
}

/// A rejection seen from both sides: `lpx-pm`'s error names the same check as the
/// contract's revert string (`TicketError::reason` is the mapping).
fn assert_same_reason(off_chain: &TicketError, expected: &TicketError, on_chain: Result<TransactionReceipt, Failure>) {
    assert_eq!(off_chain, expected);
    let reason = off_chain.reason().unwrap_or_else(|| panic!("{off_chain} has no on-chain counterpart"));
    let err = on_chain.expect_err("the contract accepted a ticket lpx-pm rejects");
    assert_eq!(revert_reason(&err), reason, "contract and lpx-pm disagree");
}

/// The `Error(string)` message of a revert (alloy prints it as "revert: <message>").
fn revert_reason(f: &Failure) -> &str {
    f.0.strip_prefix("revert: ").unwrap_or_else(|| panic!("not a revert with a message: {f}"))
}

// ---- tests ----

/// Fund → params → signed stream → validation → single, batch and reserve-backed
/// redemptions → fees claimed and withdrawn in ETH → unlock, wait, withdraw.
#[tokio::test(flavor = "multi_thread")]
async fn ticket_stream_pays_the_orchestrator_and_the_broadcaster_withdraws_the_rest() {
    let f = face();
    let (deposit, reserve) = (f * U256::from(12), f * U256::from(3));
    let (p, t, signer) = setup(deposit, reserve).await;
    let b = signer.address();
    let minter0 = eth(&p, p.address("Minter")).await - deposit - reserve;
    // A fresh round: every redemption below happens in it (rounds are 20 blocks).
    let round = p.next_round().await;

    // The orchestrator issues params in two tiers; the broadcaster signs 14 + 3 tickets.
    let secret = RecipientSecret::random();
    let (win_tier, lose_tier) = (recipient(t, &secret, f - U256::from(1)), recipient(t, &secret, U256::from(1)));
    let exp = expiration(&p).await;
    assert_eq!(exp.creation_round, round);
    let (hi, lo) = (issue(&p, &win_tier, b, exp).await, issue(&p, &lose_tier, b, exp).await);
    assert_eq!(hi.face_value, f, "winner tier: capped at the face value");
    let sender = Sender::new(signer, sender_config());
    let hi_tickets = pay(&p, &sender, &hi, 14).await;
    let lo_tickets = pay(&p, &sender, &lo, 3).await;

    // The orchestrator takes every ticket in, checking it against the live chain.
    let chain = LiveChain(&p);
    let now = block(&p).await;
    let take = |r: &Recipient, params: &TicketParams, (tk, sig): &(Ticket, Bytes)| {
        let nonce = u32::try_from(tk.senderNonce).unwrap();
        r.receive_ticket(params, b, nonce, sig, now, &chain).unwrap_or_else(|e| panic!("ticket {nonce}: {e}"))
    };
    let winners: Vec<ReceivedTicket> = hi_tickets.iter().map(|x| take(&win_tier, &hi, x)).collect();
    let losers: Vec<ReceivedTicket> = lo_tickets.iter().map(|x| take(&lose_tier, &lo, x)).collect();
    assert!(winners.iter().all(|r| r.won) && losers.iter().all(|r| !r.won), "tiers decide the outcome");
    // Exact EV credit per sender.
    let sum = |rs: &[ReceivedTicket]| rs.iter().map(|r| r.ev.clone()).reduce(|a, c| a + c).unwrap();
    assert_eq!(win_tier.balance(&b), sum(&winners));
    assert_eq!(lose_tier.balance(&b), sum(&losers));
    // Same ticket hash on both sides, for every ticket of the stream.
    for r in winners.iter().chain(&losers) {
        assert_eq!(contract_hash(&p, &r.ticket).await, r.hash);
    }

    // 1. One winner, paid from the deposit: the round's first fee for this orchestrator
    //    (its fee records go from zero to non-zero). lpx-pm predicts the payment.
    let w0 = &winners[0];
    assert_eq!(check_redemption(&w0.ticket, &w0.sig, w0.recipient_rand, &chain), Ok(Redemption { hash: w0.hash, amount: f, from_reserve: U256::ZERO }));
    let single = p.send(t, "TicketBroker", redeem_call(&w0.ticket, &w0.sig, w0.recipient_rand)).await;
    let paid = events::<ITicketBroker::WinningTicketTransfer>(&p, &single);
    assert_eq!(paid.iter().map(|e| (e.sender, e.recipient, e.amount)).collect::<Vec<_>>(), [(b, t, f)]);
    assert!(used(&p, w0.hash).await);

    // 2. A batch of ten winners, all from the deposit.
    let ten: Vec<&ReceivedTicket> = winners[1..11].iter().collect();
    for r in &ten {
        assert_eq!(check_redemption(&r.ticket, &r.sig, r.recipient_rand, &chain).map(|x| x.amount), Ok(f));
    }
    let batch = p.send(t, "TicketBroker", batch_call(&ten)).await;
    assert_eq!(events::<ITicketBroker::WinningTicketTransfer>(&p, &batch).len(), 10);
    assert_eq!(events::<ITicketBroker::WinningTicketRedeemed>(&p, &batch).len(), 10);
    for r in &ten {
        assert!(used(&p, r.hash).await);
    }
    assert_eq!(chain.sender_funds(&b).deposit, f);

    // 3. Another single winner from the deposit, which it empties: the warm case.
    let w11 = &winners[11];
    assert_eq!(check_redemption(&w11.ticket, &w11.sig, w11.recipient_rand, &chain).map(|x| (x.amount, x.from_reserve)), Ok((f, U256::ZERO)));
    let warm = p.send(t, "TicketBroker", redeem_call(&w11.ticket, &w11.sig, w11.recipient_rand)).await;
    assert_eq!(events::<ITicketBroker::WinningTicketTransfer>(&p, &warm).len(), 1);
    assert_eq!(chain.sender_funds(&b).deposit, U256::ZERO);

    // 4. A winner paid from the reserve (the orchestrator is the only pool member, so all
    //    of it is claimable).
    let w12 = &winners[12];
    assert_eq!(check_redemption(&w12.ticket, &w12.sig, w12.recipient_rand, &chain), Ok(Redemption { hash: w12.hash, amount: f, from_reserve: f }));
    let from_reserve = p.send(t, "TicketBroker", redeem_call(&w12.ticket, &w12.sig, w12.recipient_rand)).await;
    let claimed = events::<ITicketBroker::ReserveClaimed>(&p, &from_reserve);
    assert_eq!(claimed.iter().map(|e| (e.reserveHolder, e.claimant, e.amount)).collect::<Vec<_>>(), [(b, t, f)]);
    assert_eq!(chain.sender_funds(&b).reserve, f * U256::from(2));

    // 5. A loser: lpx-pm and the contract both say it did not win.
    let l0 = &losers[0];
    let err = check_redemption(&l0.ticket, &l0.sig, l0.recipient_rand, &chain).unwrap_err();
    let sent = p.try_send(t, "TicketBroker", redeem_call(&l0.ticket, &l0.sig, l0.recipient_rand), U256::ZERO).await;
    assert_same_reason(&err, &TicketError::DidNotWin, sent);

    // 6. A mixed batch: a winner, two losers and the winner again. Only the first copy of
    //    the winner pays; the others are skipped without trace, as lpx-pm predicts.
    let w13 = &winners[13];
    assert!(check_redemption(&w13.ticket, &w13.sig, w13.recipient_rand, &chain).is_ok());
    let mixed = p.send(t, "TicketBroker", batch_call(&[w13, &losers[1], w13, &losers[2]])).await;
    let redeemed = events::<ITicketBroker::WinningTicketRedeemed>(&p, &mixed);
    assert_eq!(redeemed.iter().map(|e| e.senderNonce).collect::<Vec<_>>(), [w13.ticket.senderNonce]);
    assert!(used(&p, w13.hash).await);
    assert!(!used(&p, losers[1].hash).await && !used(&p, losers[2].hash).await);
    assert_eq!(check_redemption(&w13.ticket, &w13.sig, w13.recipient_rand, &chain), Err(TicketError::Used));
    for l in &losers {
        assert_eq!(check_redemption(&l.ticket, &l.sig, l.recipient_rand, &chain), Err(TicketError::DidNotWin));
    }
    let funds = chain.sender_funds(&b);
    assert_eq!((funds.deposit, funds.reserve), (U256::ZERO, f));

    println!(
        "gas: redeemWinningTicket from deposit first {} / warm {}, from reserve {}; batch of 10 {} ({} per ticket)",
        single.gas_used,
        warm.gas_used,
        from_reserve.gas_used,
        batch.gas_used,
        batch.gas_used / 10
    );

    // Fees: 14 winners reached the orchestrator's earnings pool for this round.
    let fees = f * U256::from(14);
    let pool = p.view("BondingManager", IBondingManager::getTranscoderEarningsPoolForRoundCall { _transcoder: t, _round: round }).await;
    assert_eq!(pool.transcoderFeeShare, U256::from(500_000));
    assert!(pool.cumulativeFeeFactor > U256::ZERO, "the delegators' half raised the fee factor");
    let tr = p.view("BondingManager", IBondingManager::getTranscoderCall { _transcoder: t }).await;
    assert_eq!(tr.lastFeeRound, round);
    assert_eq!(tr.cumulativeFees, fees / U256::from(2), "the orchestrator's commission is half of every ticket");
    let pending = p.view("BondingManager", IBondingManager::pendingFeesCall { _delegator: t, _endRound: round }).await;
    // As the only delegator it also earns the delegators' half, less fixed-point dust.
    assert!(pending <= fees && fees - pending < U256::from(1_000), "pending fees {pending} of {fees}");

    // Claim, then withdraw the fees in ETH.
    p.send(t, "BondingManager", IBondingManager::claimEarningsCall { _endRound: round }).await;
    assert_eq!(p.view("BondingManager", IBondingManager::getDelegatorCall { _delegator: t }).await.fees, pending);
    let t0 = eth(&p, t).await;
    let withdrawn = p.send(t, "BondingManager", IBondingManager::withdrawFeesCall { _recipient: t, _amount: pending }).await;
    assert_eq!(eth(&p, t).await, t0 + pending - fee_paid(&withdrawn));
    assert_eq!(p.view("BondingManager", IBondingManager::getDelegatorCall { _delegator: t }).await.fees, U256::ZERO);

    // The broadcaster unlocks and cannot withdraw yet.
    let unlock = p.send(b, "TicketBroker", ITicketBroker::unlockCall {}).await;
    let u = &events::<ITicketBroker::Unlock>(&p, &unlock)[0];
    let unlock_period = p.view("TicketBroker", ITicketBroker::unlockPeriodCall {}).await;
    assert_eq!(unlock_period, U256::from(2), "devnet.toml");
    assert_eq!((u.sender, u.startRound, u.endRound), (b, round, round + unlock_period));
    let early = p.try_send(b, "TicketBroker", ITicketBroker::withdrawCall {}, U256::ZERO).await;
    assert_eq!(revert_reason(&early.unwrap_err()), reasons::LOCKED);
    // Once the funds unlock at the next round, its lpx-pm sender refuses to pay.
    p.next_round().await;
    let key = sender.start_session(hi.clone());
    assert_eq!(sender.create_ticket_batch(&key, 1, &sender_view(&p, b).await), Err(SenderError::Unlocking { withdraw_round: u.endRound }));
    while p.view("RoundsManager", IRoundsManager::currentRoundCall {}).await < u.endRound {
        p.next_round().await;
    }
    let b0 = eth(&p, b).await;
    let withdrawal = p.send(b, "TicketBroker", ITicketBroker::withdrawCall {}).await;
    let w = &events::<ITicketBroker::Withdrawal>(&p, &withdrawal)[0];
    assert_eq!((w.sender, w.deposit, w.reserve), (b, U256::ZERO, f));
    assert_eq!(eth(&p, b).await, b0 + f - fee_paid(&withdrawal));
    let funds = chain.sender_funds(&b);
    assert_eq!((funds.deposit, funds.reserve), (U256::ZERO, U256::ZERO));
    // Every wei the Minter took in went out again: 14 tickets' fees and the unused reserve.
    assert_eq!(eth(&p, p.address("Minter")).await, minter0);
}

/// pm's encoding is the contract's (spec V56 and a live stream), and each kind of bad
/// ticket is refused off-chain and on-chain for the same reason.
#[tokio::test(flavor = "multi_thread")]
async fn pm_and_contract_agree_on_hashes_and_on_every_rejection() {
    let f = face();
    let (p, t, signer) = setup(f * U256::from(10), f).await;
    let b = signer.address();
    let chain = LiveChain(&p);

    // Spec V56, through lpx-pm and the deployed getTicketHash.
    let aux = lpx_abi::ticket_broker::encode_aux_data(U256::from(10), keccak256("foo"));
    let zero = Ticket { auxData: aux.clone(), ..Ticket::default() };
    let small = Ticket { faceValue: U256::from(777), winProb: U256::from(666), ..zero.clone() };
    let full = Ticket {
        recipient: Address::repeat_byte(0x11),
        sender: Address::repeat_byte(0x22),
        faceValue: U256::from(10u64).pow(U256::from(15)),
        winProb: U256::from(1) << 255,
        senderNonce: U256::from(1),
        recipientRandHash: lpx_pm::recipient_rand_hash(U256::from(5)),
        auxData: aux,
    };
    let v56: [(&Ticket, B256); 3] = [
        (&zero, "0xe502907c16036ab3d11b78c5a2e93c20f3d6415c67f91de4ed01348182b3b2e2".parse().unwrap()),
        (&small, "0x9e25084fdd8bf26c3014eb2742a5b6e4f6d9a00ac075c702aac2a0e5919e5ebd".parse().unwrap()),
        (&full, "0x0612e86dca6247b3d9d114c8eda34c434b095918591b14d6a65640cb5c16de3c".parse().unwrap()),
    ];
    for (ticket, expected) in v56 {
        assert_eq!(lpx_pm::ticket_hash(ticket), expected, "lpx-pm");
        assert_eq!(contract_hash(&p, ticket).await, expected, "TicketBroker.getTicketHash");
    }
    let digest: B256 = "0x3b562fdf9150fd209a6813d99380f57cc8b8cd97aa9f0c518b8db8f2c119ae9c".parse().unwrap();
    assert_eq!(lpx_pm::eth_signed_message_hash(&lpx_pm::ticket_hash(&full)), digest);

    // A fresh round; params from the winner tier, and params whose tag pairs this round
    // with the previous round's block hash.
    let round = p.next_round().await;
    let secret = RecipientSecret::random();
    let r = recipient(t, &secret, f - U256::from(1));
    let exp = expiration(&p).await;
    let params = issue(&p, &r, b, exp).await;
    let prev_hash = p.view("RoundsManager", IRoundsManager::blockHashForRoundCall { _round: round - U256::from(1) }).await;
    assert!(prev_hash != B256::ZERO && prev_hash != exp.creation_round_block_hash);
    let wrong_tag = ExpirationParams { creation_round: round, creation_round_block_hash: prev_hash };
    let bad_params = issue(&p, &r, b, wrong_tag).await;
    let sender = Sender::new(signer, sender_config());
    let tickets = pay(&p, &sender, &params, 3).await;
    let bad = pay(&p, &sender, &bad_params, 1).await;
    for (tk, _) in tickets.iter().chain(&bad) {
        assert_eq!(contract_hash(&p, tk).await, lpx_pm::ticket_hash(tk));
    }
    let rand = r.recipient_rand(&params, b);
    let now = block(&p).await;
    let receive = |ps: &TicketParams, tk: &Ticket, sig: &Bytes| r.receive_ticket(ps, b, u32::try_from(tk.senderNonce).unwrap(), sig, now, &chain);
    let redeem = |tk: &Ticket, sig: &Bytes, rand: U256| p.try_send(t, "TicketBroker", redeem_call(tk, sig, rand), U256::ZERO);
    // Control: an untouched ticket passes both sides (simulated on-chain, nothing mined).
    let simulate = |tk: &Ticket, sig: &Bytes| p.try_call(t, "TicketBroker", redeem_call(tk, sig, rand));
    for (tk, sig) in &tickets {
        assert!(check_redemption(tk, sig, rand, &chain).is_ok());
        simulate(tk, sig).await.expect("a good ticket redeems");
    }

    // Replayed: received and redeemed once, then offered again.
    let (t1, s1) = &tickets[0];
    let got = receive(&params, t1, s1).expect("first receipt");
    assert!(got.won);
    p.send(t, "TicketBroker", redeem_call(t1, s1, rand)).await;
    let guard = receive(&params, t1, s1).unwrap_err();
    assert_eq!(guard, TicketError::Used, "the recipient's replay guard");
    assert_same_reason(&check_redemption(t1, s1, rand, &chain).unwrap_err(), &TicketError::Used, redeem(t1, s1, rand).await);

    // Forged: the broadcaster's ticket signed by someone else.
    let forger = anvil_signers().swap_remove(3);
    let forged_ticket = params.ticket(b, 1_000);
    let forged = Bytes::from(forger.sign_message_sync(lpx_pm::ticket_hash(&forged_ticket).as_slice()).unwrap().as_bytes().to_vec());
    let err = receive(&params, &forged_ticket, &forged).unwrap_err();
    assert_same_reason(&err, &TicketError::WrongSigner, redeem(&forged_ticket, &forged, rand).await);

    // 64-byte signature: a good signature without its v byte.
    let (t2, s2) = &tickets[1];
    let short = Bytes::copy_from_slice(&s2[..64]);
    let err = receive(&params, t2, &short).unwrap_err();
    assert_same_reason(&err, &TicketError::SignatureLength, redeem(t2, &short, rand).await);

    // Wrong-round tag: the creation round with another round's block hash.
    let (tb, sb) = &bad[0];
    let err = receive(&bad_params, tb, sb).unwrap_err();
    let bad_rand = r.recipient_rand(&bad_params, b);
    assert_same_reason(&err, &TicketError::BlockHashInvalid, redeem(tb, sb, bad_rand).await);

    // Expired: a good ticket held until its creation round is ticketValidityPeriod old.
    let validity = chain.ticket_validity_period();
    while chain.current_round() < round + validity {
        p.next_round().await;
    }
    let (t3, s3) = &tickets[2];
    let now = block(&p).await;
    let err = r.receive_ticket(&params, b, u32::try_from(t3.senderNonce).unwrap(), s3, now, &chain).unwrap_err();
    assert_same_reason(&err, &TicketError::Expired, redeem(t3, s3, rand).await);
    // The rejected tickets left the broadcaster's deposit alone: only the replayed ticket paid.
    assert_eq!(chain.sender_funds(&b).deposit, f * U256::from(9));
}

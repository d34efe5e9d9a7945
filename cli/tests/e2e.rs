//! The `lpx` binary end to end against one devnet with the protocol deployed from the real
//! WASM: every staking and broadcaster command, `status` as text and JSON, the poll
//! lifecycle with delegator override, and the one-line errors of bad input; a signer from an
//! encrypted keystore with the RPC URL from a foundry.toml alias; and `lpx deploy` itself.
//! Each effect is checked with alloy reads of the chain, not with the CLI's own output.
//!
//! One devnet serves every step of `every_command_end_to_end` (they run in order), which
//! keeps the binary fast; `deploy_through_the_binary` starts its own empty devnet.

mod support;

use alloy::{
    network::TransactionBuilder,
    primitives::{utils::parse_ether, Address, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
    sol_types::{Revert, SolCall, SolError, SolEvent},
};
use lpx_abi::{
    bonding_manager::IBondingManager,
    controller::IController,
    poll::{IPoll, IPollCreator},
    rounds_manager::IRoundsManager,
    ticket_broker::ITicketBroker,
    token::ILivepeerToken,
};
use lpx_deployer::AddressBook;
use lpx_e2e::{anvil_signers, bare_devnet, repo_root, Protocol};
use support::{lpx_command, Lpx};

fn lpt(n: &str) -> U256 {
    parse_ether(n).unwrap()
}

/// A view of a contract the address book does not name (a poll), or of a deployment with no
/// `Protocol` around it.
async fn view_at<C: SolCall>(provider: &impl Provider, to: Address, call: C) -> C::Return {
    let tx = TransactionRequest::default().with_to(to).with_input(call.abi_encode());
    C::abi_decode_returns(&provider.call(tx).await.expect("view")).expect("view reply")
}

async fn poll_view<C: SolCall>(p: &Protocol, poll: Address, call: C) -> C::Return {
    view_at(&p.provider, poll, call).await
}

async fn delegator(p: &Protocol, who: Address) -> IBondingManager::getDelegatorReturn {
    p.view("BondingManager", IBondingManager::getDelegatorCall { _delegator: who }).await
}

async fn round(p: &Protocol) -> U256 {
    p.view("RoundsManager", IRoundsManager::currentRoundCall {}).await
}

async fn pending_stake(p: &Protocol, who: Address) -> U256 {
    p.view("BondingManager", IBondingManager::pendingStakeCall { _delegator: who, _endRound: U256::ZERO }).await
}

async fn sender_info(p: &Protocol, who: Address) -> ITicketBroker::getSenderInfoReturn {
    p.view("TicketBroker", ITicketBroker::getSenderInfoCall { _sender: who }).await
}

async fn eth(p: &Protocol, who: Address) -> U256 {
    p.provider.get_balance(who).await.expect("balance")
}

/// Mines until the current round is locked (its last `roundLockAmount` share of blocks).
async fn mine_into_lock(p: &Protocol) {
    let start = p.view("RoundsManager", IRoundsManager::currentRoundStartBlockCall {}).await.to::<u64>();
    let length = p.view("RoundsManager", IRoundsManager::roundLengthCall {}).await.to::<u64>();
    let head = p.provider.get_block_number().await.unwrap();
    let target = start + length - 2;
    if head < target {
        p.mine(target - head).await;
    }
    assert!(p.view("RoundsManager", IRoundsManager::currentRoundLockedCall {}).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_command_end_to_end() {
    let started = std::time::Instant::now();
    let p = Protocol::deploy().await;
    let lpx = Lpx::new(&p, "e2e");
    let (o, d, d2, b, caller) = (1, 2, 3, 4, 5);
    let addr = |i: usize| p.accounts[i];
    let s = |a: Address| a.to_string();

    // status without a key: the round and an empty pool, as JSON and as text.
    let st = lpx.json(None, &["status"]).await;
    assert_eq!(st["round"], round(&p).await.to_string());
    assert_eq!(st["pool"].as_array().unwrap().len(), 0);
    assert!(st.get("account").is_none());
    assert!(lpx.ok(None, &["status"]).await.contains("(no orchestrators)"));

    // Bad inputs: one clear line each, nothing sent.
    let e = lpx.fails(Some(o), &["bond", "1.5XYZ"]).await;
    assert!(e.contains("1.5XYZ") && e.contains("LPT"), "{e}");
    let e = lpx.fails(Some(o), &["bond", "1000LPT"]).await;
    assert!(e.contains("allowance too low") && e.contains("--approve"), "{e}");
    let e = lpx.fails(None, &["bond", "1LPT"]).await;
    assert!(e.contains("LPX_PRIVATE_KEY"), "{e}");

    // The orchestrator bonds to itself and registers.
    p.next_round().await;
    lpx.ok(Some(o), &["bond", "1000LPT", "--approve"]).await;
    let od = delegator(&p, addr(o)).await;
    assert_eq!((od.bondedAmount, od.delegateAddress), (lpt("1000"), addr(o)));
    lpx.ok(Some(o), &["transcoder", "--reward-cut", "10%", "--fee-share", "50%"]).await;
    let t = p.view("BondingManager", IBondingManager::getTranscoderCall { _transcoder: addr(o) }).await;
    assert_eq!((t.rewardCut, t.feeShare), (U256::from(100_000), U256::from(500_000)));
    assert!(p.view("BondingManager", IBondingManager::isRegisteredTranscoderCall { _transcoder: addr(o) }).await);

    // A locked round refuses an update, in words.
    mine_into_lock(&p).await;
    let e = lpx.fails(Some(o), &["transcoder", "--reward-cut", "5%", "--fee-share", "50%"]).await;
    assert!(e.contains("locked"), "{e}");

    // Delegators bond to it; the orchestrator names a reward caller, who calls reward for it.
    p.next_round().await;
    lpx.ok(Some(d), &["bond", "500LPT", "--to", &s(addr(o)), "--approve"]).await;
    lpx.ok(Some(d2), &["bond", "200LPT", "--to", &s(addr(o)), "--approve"]).await;
    assert_eq!(delegator(&p, addr(d)).await.delegateAddress, addr(o));
    let total = p.view("BondingManager", IBondingManager::transcoderTotalStakeCall { _transcoder: addr(o) }).await;
    assert_eq!(total, lpt("1700"));
    lpx.ok(Some(o), &["reward-caller", &s(addr(caller))]).await;
    let rc = p.view("BondingManager", IBondingManager::transcoderToRewardCallerCall { _transcoder: addr(o) }).await;
    assert_eq!(rc, addr(caller));
    p.next_round().await;
    lpx.ok(Some(caller), &["reward", "--for", &s(addr(o))]).await;
    let t = p.view("BondingManager", IBondingManager::getTranscoderCall { _transcoder: addr(o) }).await;
    assert_eq!(t.lastRewardRound, round(&p).await);
    // A revert string, decoded, on one line.
    let e = lpx.fails(Some(o), &["reward"]).await;
    assert!(e.contains("BondingManager.reward reverted: caller has already called reward for the current round"), "{e}");
    p.next_round().await;
    // An active orchestrator changes its rates only after this round's reward (spec V32).
    let e = lpx.fails(Some(o), &["transcoder", "--reward-cut", "5%", "--fee-share", "50%"]).await;
    assert!(e.contains("caller can't be active or must have already called reward for the current round"), "{e}");
    lpx.ok(Some(o), &["reward"]).await;
    let t = p.view("BondingManager", IBondingManager::getTranscoderCall { _transcoder: addr(o) }).await;
    assert_eq!(t.lastRewardRound, round(&p).await);
    lpx.ok(Some(o), &["transcoder", "--reward-cut", "5%", "--fee-share", "50%"]).await;
    let t = p.view("BondingManager", IBondingManager::getTranscoderCall { _transcoder: addr(o) }).await;
    assert_eq!((t.rewardCut, t.feeShare), (U256::from(50_000), U256::from(500_000)));

    // The delegator claims its rewards, unbonds, rebonds, unbonds again and withdraws.
    lpx.ok(Some(d), &["claim"]).await;
    let dd = delegator(&p, addr(d)).await;
    assert_eq!(dd.lastClaimRound, round(&p).await);
    assert!(dd.bondedAmount > lpt("500"), "rewards were claimed into the bond: {}", dd.bondedAmount);
    let bonded = dd.bondedAmount;
    lpx.ok(Some(d), &["unbond", "100LPT"]).await;
    let lock = p.view("BondingManager", IBondingManager::getDelegatorUnbondingLockCall { _delegator: addr(d), _unbondingLockId: U256::ZERO }).await;
    assert_eq!(lock.amount, lpt("100"));
    assert_eq!(delegator(&p, addr(d)).await.bondedAmount, bonded - lpt("100"));
    lpx.ok(Some(d), &["rebond", "0"]).await;
    assert_eq!(delegator(&p, addr(d)).await.bondedAmount, bonded);
    lpx.ok(Some(d), &["unbond", "50LPT"]).await;
    let lock = p.view("BondingManager", IBondingManager::getDelegatorUnbondingLockCall { _delegator: addr(d), _unbondingLockId: U256::from(1) }).await;
    assert_eq!(lock.amount, lpt("50"));
    let e = lpx.fails(Some(d), &["withdraw-stake", "1"]).await;
    assert!(e.contains("withdraw round must be before or equal to the current round"), "{e}");
    while round(&p).await < lock.withdrawRound {
        p.next_round().await;
    }
    let before = p.view("LivepeerToken", ILivepeerToken::balanceOfCall { account: addr(d) }).await;
    lpx.ok(Some(d), &["withdraw-stake", "1"]).await;
    let after = p.view("LivepeerToken", ILivepeerToken::balanceOfCall { account: addr(d) }).await;
    assert_eq!(after, before + lpt("50"));

    // d2 unbonds everything it has (rewards included), then rebonds that lock to the
    // orchestrator from the unbonded state (rebondFromUnbonded).
    lpx.ok(Some(d2), &["claim"]).await;
    let all = delegator(&p, addr(d2)).await.bondedAmount;
    assert!(all > lpt("200"), "d2's rewards were claimed into its bond: {all}");
    lpx.ok(Some(d2), &["unbond", &format!("{all}wei")]).await;
    let dd2 = delegator(&p, addr(d2)).await;
    assert_eq!((dd2.bondedAmount, dd2.delegateAddress), (U256::ZERO, Address::ZERO));
    lpx.ok(Some(d2), &["rebond", "0", "--to", &s(addr(o))]).await;
    let dd2 = delegator(&p, addr(d2)).await;
    assert_eq!((dd2.bondedAmount, dd2.delegateAddress), (all, addr(o)));

    // The broadcaster funds a deposit and a reserve; one winning ticket pays the orchestrator,
    // who withdraws part of its fees.
    lpx.ok(Some(b), &["deposit", "1ETH"]).await;
    lpx.ok(Some(b), &["reserve", "0.5ETH"]).await;
    let info = sender_info(&p, addr(b)).await;
    assert_eq!((info.sender.deposit, info.reserve.fundsRemaining), (lpt("1"), lpt("0.5")));
    p.pay_winning_ticket(b, addr(o), lpt("0.2")).await;
    let fees = p.view("BondingManager", IBondingManager::pendingFeesCall { _delegator: addr(o), _endRound: U256::ZERO }).await;
    assert!(fees >= lpt("0.1"), "the orchestrator keeps at least half of 0.2 ETH: {fees}");
    let eth_before = eth(&p, addr(caller)).await;
    lpx.ok(Some(o), &["withdraw-fees", "0.05ETH", "--recipient", &s(addr(caller))]).await;
    assert_eq!(eth(&p, addr(caller)).await, eth_before + lpt("0.05"));
    let e = lpx.fails(Some(o), &["withdraw-fees", "1000ETH"]).await;
    assert!(e.contains("BondingManager.withdrawFees reverted"), "{e}");

    // Unlock, cancel, unlock again, and withdraw what is left after the unlock period.
    lpx.ok(Some(b), &["unlock"]).await;
    let unlock_round = sender_info(&p, addr(b)).await.sender.withdrawRound;
    assert_eq!(unlock_round, round(&p).await + U256::from(2));
    lpx.ok(Some(b), &["cancel-unlock"]).await;
    assert_eq!(sender_info(&p, addr(b)).await.sender.withdrawRound, U256::ZERO);
    let e = lpx.fails(Some(b), &["withdraw"]).await;
    assert!(e.contains("TicketBroker.withdraw reverted"), "{e}");
    lpx.ok(Some(b), &["unlock"]).await;
    let unlock_round = sender_info(&p, addr(b)).await.sender.withdrawRound;
    while round(&p).await < unlock_round {
        p.next_round().await;
    }
    let eth_before = eth(&p, addr(b)).await;
    let out = lpx.json(Some(b), &["withdraw"]).await;
    assert_eq!(out["status"], true);
    let info = sender_info(&p, addr(b)).await;
    assert_eq!((info.sender.deposit, info.reserve.fundsRemaining), (U256::ZERO, U256::ZERO));
    assert!(eth(&p, addr(b)).await > eth_before + lpt("1.2"), "deposit 0.8 and reserve 0.5 came back, less gas");

    // status with a key: the pool and the account, as JSON and text.
    let st = lpx.json(Some(d), &["status"]).await;
    let pool = st["pool"].as_array().unwrap();
    assert_eq!(pool.len(), 1);
    assert_eq!(pool[0]["address"].as_str().unwrap().to_lowercase(), s(addr(o)).to_lowercase());
    let total = p.view("BondingManager", IBondingManager::transcoderTotalStakeCall { _transcoder: addr(o) }).await;
    assert_eq!(pool[0]["stake"], total.to_string());
    assert_eq!(st["account"]["bondedAmount"], delegator(&p, addr(d)).await.bondedAmount.to_string());
    assert_eq!(st["account"]["pendingStake"], pending_stake(&p, addr(d)).await.to_string());
    let text = lpx.ok(Some(d), &["status"]).await;
    assert!(text.contains(&format!("account {}", addr(d))) && text.contains("pending stake"), "{text}");

    polls(&p, &lpx).await;
    keystore_and_alias(&p).await;
    eprintln!("cli e2e: {:.1} s", started.elapsed().as_secs_f64());
}

/// The poll lifecycle: create with enough stake (not without), vote by the orchestrator and
/// one of its delegators, tally with delegator override, and the end of voting.
async fn polls(p: &Protocol, lpx: &Lpx<'_>) {
    let (o, d, d2, nobody) = (1, 2, 3, 6);
    let addr = |i: usize| p.accounts[i];

    let e = lpx.fails(Some(nobody), &["poll", "create", "QmNoStake"]).await;
    assert!(e.contains("PollCreator#createPoll: INSUFFICIENT_STAKE"), "{e}");
    let hash = "QmWBPdeDCi8uxQrUyTV38xwaeYxgmjQmx1Zkiw4vgQhj7x";
    let created = lpx.json(Some(d2), &["poll", "create", hash]).await;
    let poll: Address = created["poll"].as_str().unwrap().parse().unwrap();
    let creation_block = created["blockNumber"].as_u64().unwrap();
    let end: U256 = created["endBlock"].as_str().unwrap().parse().unwrap();
    let period = p.view("PollCreator", IPollCreator::POLL_PERIODCall {}).await;
    assert_eq!(end, U256::from(creation_block) + period);

    // The poll is an EIP-1167 clone of the Poll program, initialized by the PollCreator.
    let code = p.provider.get_code_at(poll).await.unwrap();
    assert_eq!(code.len(), 45);
    assert_eq!(&code[10..30], p.address("Poll").as_slice());
    assert_eq!(poll_view(p, poll, IPoll::endBlockCall {}).await, end);
    assert_eq!(poll_view(p, poll, IPoll::creatorCall {}).await, p.address("PollCreator"));
    let init = IPoll::initializeCall { _endBlock: U256::from(1) }.abi_encode();
    let tx = TransactionRequest::default().with_from(addr(o)).with_to(poll).with_input(init);
    let again = p.provider.call(tx).await.unwrap_err();
    let reason = again.as_error_resp().and_then(|e| e.as_revert_data()).and_then(|d| Revert::abi_decode(&d).ok());
    assert_eq!(reason.map(|r| r.reason).as_deref(), Some("Poll: caller is not the creator"));

    // The orchestrator votes yes, its delegator d no (moving its stake), d2 abstains.
    lpx.ok(Some(o), &["poll", "vote", &poll.to_string(), "yes"]).await;
    lpx.ok(Some(d), &["poll", "vote", &poll.to_string(), "no"]).await;
    let logs = p.provider.get_logs(&alloy::rpc::types::Filter::new().address(poll).from_block(0)).await.unwrap();
    let votes: Vec<_> = logs.iter().filter_map(|l| IPoll::Vote::decode_log_data(l.data()).ok()).map(|v| (v.voter, v.choiceID)).collect();
    assert_eq!(votes, vec![(addr(o), U256::ZERO), (addr(d), U256::from(1))]);

    let total_o = p.view("BondingManager", IBondingManager::transcoderTotalStakeCall { _transcoder: addr(o) }).await;
    let stake_d = pending_stake(p, addr(d)).await;
    let bonded = p.view("BondingManager", IBondingManager::getTotalBondedCall {}).await;
    let t = lpx.json(None, &["poll", "tally", &poll.to_string()]).await;
    assert_eq!(t["yes"], (total_o - stake_d).to_string(), "{t}");
    assert_eq!(t["no"], stake_d.to_string(), "{t}");
    assert_eq!(t["voters"][0]["overridden"], stake_d.to_string());
    assert_eq!(t["totalStake"], bonded.to_string());
    assert_eq!(t["proposal"], hash);
    assert_eq!(t["open"], true);
    assert_eq!(t["result"], "open");
    // Everything bonded is with the orchestrator, so every stake voted: quorum is reached.
    assert_eq!(t["quorumReached"], (total_o * U256::from(1_000_000) >= bonded * U256::from(333_300)));
    let yes_wins = (total_o - stake_d) * U256::from(1_000_000) > total_o * U256::from(500_000);
    assert_eq!(t["quotaMet"], yes_wins);
    let text = lpx.ok(None, &["poll", "tally", &poll.to_string()]).await;
    assert!(text.contains("overridden by its delegators") && text.contains("quorum 33.33%"), "{text}");

    // After the end block, votes are refused and the tally is final.
    let head = p.provider.get_block_number().await.unwrap();
    p.mine(end.to::<u64>() + 1 - head).await;
    let e = lpx.fails(Some(d2), &["poll", "vote", &poll.to_string(), "yes"]).await;
    assert!(e.contains("poll is over"), "{e}");
    let t = lpx.json(None, &["poll", "tally", &poll.to_string()]).await;
    assert_eq!(t["open"], false);
    assert_eq!(t["result"], if yes_wins { "passed" } else { "rejected" });
    // The devnet answers every block number with its latest state, and the tally says so.
    assert_eq!(t["stateAt"], "latest block (the node does not serve historical state)");
}

/// A signer from an encrypted keystore (password in a file), and the RPC URL from an alias
/// in the nearest foundry.toml with a `${VAR}` in it: the address book then defaults to
/// `deployments/<alias>.json` beside that foundry.toml. A deposit proves all three.
async fn keystore_and_alias(p: &Protocol) {
    let who = 7;
    let dir = std::env::temp_dir().join(format!("lpx-cli-keystore-{}", std::process::id()));
    let nested = dir.join("work/here");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(dir.join("foundry.toml"), "[rpc_endpoints]\nlocal_net = \"${LPX_E2E_NODE}\"\n").unwrap();
    p.book.save(&dir.join("deployments/local-net.json")).expect("address book");
    let key = anvil_signers()[who].to_bytes();
    alloy::signers::local::PrivateKeySigner::encrypt_keystore(&dir, &mut rand::thread_rng(), key, "correct horse", Some("key.json")).expect("keystore");
    std::fs::write(dir.join("password"), "correct horse\n").unwrap();

    let lpx = |args: &[&str]| {
        lpx_command()
            .current_dir(&nested)
            .args(["--rpc-url", "local_net", "--keystore"])
            .arg(dir.join("key.json"))
            .arg("--password-file")
            .arg(dir.join("password"))
            .args(args)
            .env("LPX_E2E_NODE", p.devnet.url())
            .output()
            .expect("lpx runs")
    };
    let out = lpx(&["deposit", "0.01ETH"]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "lpx deposit with a keystore failed:\n{stderr}\n{stdout}");
    assert_eq!(sender_info(p, p.accounts[who]).await.sender.deposit, lpt("0.01"));

    std::fs::write(dir.join("password"), "tr0ub4dor\n").unwrap();
    let out = lpx(&["deposit", "0.01ETH"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("wrong password"), "{stderr}");
    assert!(!stderr.contains("tr0ub4dor"), "the password is never printed: {stderr}");
    assert_eq!(sender_info(p, p.accounts[who]).await.sender.deposit, lpt("0.01"), "nothing was sent");
    std::fs::remove_dir_all(&dir).ok();
}

/// `lpx deploy` on an empty devnet: the protocol lands, the Treasury owns the Controller,
/// the address book is written, the key is never printed, and a second run sends nothing.
#[tokio::test(flavor = "multi_thread")]
async fn deploy_through_the_binary() {
    let (devnet, provider, _) = bare_devnet().await;
    let book_path = std::env::temp_dir().join(format!("lpx-cli-deploy-{}.json", std::process::id()));
    let key = alloy::hex::encode_prefixed(anvil_signers()[0].to_bytes());
    let deploy = || {
        let out = lpx_command()
            .current_dir(repo_root())
            .args(["--rpc-url", &devnet.url(), "--deployments"])
            .arg(&book_path)
            .args(["deploy", "--config", "deployments/devnet.toml"])
            .env("LPX_PRIVATE_KEY", &key)
            .output()
            .expect("lpx runs");
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
        assert!(out.status.success(), "lpx deploy failed:\n{stderr}\n{stdout}");
        let bare_key = key.trim_start_matches("0x");
        assert!(!stdout.contains(bare_key) && !stderr.contains(bare_key), "the key is never printed");
        stdout
    };

    let first = deploy();
    let book = AddressBook::load(&book_path).expect("readable book").expect("book written");
    for name in ["Controller", "LivepeerToken", "Minter", "RoundsManager", "BondingManager", "TicketBroker", "LivepeerGovernor", "Treasury"] {
        let address = book.address(name).unwrap_or_else(|| panic!("{name} missing from the book"));
        assert!(first.contains(&address.to_string()), "{name} printed with its address:\n{first}");
        assert!(!provider.get_code_at(address).await.unwrap().is_empty(), "{name} has code");
    }
    let owner = view_at(&provider, book.address("Controller").unwrap(), IController::ownerCall {}).await;
    assert_eq!(owner, book.address("Treasury").unwrap());
    let period = view_at(&provider, book.address("BondingManager").unwrap(), IBondingManager::unbondingPeriodCall {}).await;
    assert_eq!(period, 2, "devnet.toml's unbonding period");

    let nonce = provider.get_transaction_count(anvil_signers()[0].address()).await.unwrap();
    let second = deploy();
    assert!(second.contains("nothing to do"), "{second}");
    assert_eq!(provider.get_transaction_count(anvil_signers()[0].address()).await.unwrap(), nonce, "no transaction sent");
    std::fs::remove_file(&book_path).ok();
}

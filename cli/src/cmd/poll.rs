//! `lpx poll`: signalling polls (PollCreator/Poll) and their stake-weighted tally.

use std::collections::BTreeMap;

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
    rpc::types::Filter,
    sol_types::SolEvent,
};
use anyhow::{anyhow, bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use lpx_abi::{
    bonding_manager::IBondingManager,
    poll::{IPoll, IPollCreator},
};
use serde_json::json;

use crate::{
    amount::{format, Unit},
    client::Client,
    report,
    tally::{self, Choice, Voter},
};

/// A yes/no vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum YesNo {
    /// choiceID 0.
    Yes,
    /// choiceID 1.
    No,
}

/// Poll subcommands.
#[derive(Debug, Subcommand)]
pub enum PollCmd {
    /// Open a poll on a proposal (needs 100 LPT of stake); prints the poll's address.
    Create {
        /// The proposal: an IPFS hash of its text (as Livepeer's explorer uses), or any text;
        /// sent as its UTF-8 bytes.
        proposal: String,
    },
    /// Vote on an open poll.
    Vote {
        /// The poll's address (from `poll create` or the PollCreated event).
        poll: Address,
        /// Your choice.
        choice: YesNo,
    },
    /// Count a poll's votes by stake, with delegator override, against quorum and quota.
    Tally {
        /// The poll's address.
        poll: Address,
        /// First block to search for votes and the poll's creation (default: 0). Narrow it
        /// on nodes that limit eth_getLogs ranges.
        #[arg(long, default_value_t = 0)]
        from_block: u64,
    },
}

impl PollCmd {
    /// Runs the command.
    pub async fn run(self, c: &Client, json: bool) -> Result<()> {
        match self {
            Self::Create { proposal } => create(c, proposal, json).await,
            Self::Vote { poll, choice } => {
                let id = U256::from(matches!(choice, YesNo::No) as u8);
                let receipt = c.send_at(poll, "Poll", IPoll::voteCall { _choiceID: id }, U256::ZERO).await?;
                report::receipt(&receipt, json);
                Ok(())
            }
            Self::Tally { poll, from_block } => print_tally(&tally_poll(c, poll, from_block).await?, json),
        }
    }
}

async fn create(c: &Client, proposal: String, json: bool) -> Result<()> {
    if proposal.trim().is_empty() {
        bail!("the proposal is empty: pass an IPFS hash or a text");
    }
    let call = IPollCreator::createPollCall { _proposal: proposal.into_bytes().into() };
    let receipt = c.send("PollCreator", call, U256::ZERO).await?;
    let created = receipt
        .inner
        .logs()
        .iter()
        .find_map(|l| IPollCreator::PollCreated::decode_log_data(l.data()).ok())
        .ok_or_else(|| anyhow!("PollCreator.createPoll succeeded but emitted no PollCreated event"))?;
    if json {
        let v = json!({
            "poll": created.poll, "endBlock": created.endBlock.to_string(), "quorum": created.quorum.to_string(),
            "quota": created.quota.to_string(), "transactionHash": receipt.transaction_hash,
            "blockNumber": receipt.block_number,
        });
        println!("{v}");
    } else {
        println!("poll {} open until block {} (transaction {})", created.poll, created.endBlock, receipt.transaction_hash);
    }
    Ok(())
}

/// Where the bonding state was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateAt {
    /// At the poll's end block (the node serves historical state).
    EndBlock(u64),
    /// At the latest block, with the reason.
    Latest(u64, &'static str),
}

/// A poll's result.
#[derive(Debug)]
pub struct PollTally {
    poll: Address,
    proposal: String,
    end_block: U256,
    head: u64,
    state: StateAt,
    total_stake: U256,
    quorum: U256,
    quota: U256,
    count: tally::Count,
}

async fn tally_poll(c: &Client, poll: Address, from_block: u64) -> Result<PollTally> {
    let creator = c.address("PollCreator")?;
    let p = c.provider();
    let end_block = c.view_at(poll, "Poll", IPoll::endBlockCall {}, None).await?;
    if end_block.is_zero() {
        bail!("{poll} is not an initialized poll (its endBlock is 0)");
    }
    let head = p.get_block_number().await.context("eth_blockNumber")?;

    let created = Filter::new().address(creator).event_signature(IPollCreator::PollCreated::SIGNATURE_HASH).topic1(poll.into_word()).from_block(from_block);
    let logs = p.get_logs(&created).await.context("reading PollCreated events")?;
    let log = logs.first().ok_or_else(|| anyhow!("{poll} was not created by the PollCreator {creator}"))?;
    let ev = IPollCreator::PollCreated::decode_log_data(log.data()).context("decoding PollCreated")?;
    let creation_block = log.block_number.unwrap_or(from_block);
    let proposal = String::from_utf8(ev.proposal.to_vec()).unwrap_or_else(|_| ev.proposal.to_string());

    let votes = Filter::new().address(poll).event_signature(IPoll::Vote::SIGNATURE_HASH).from_block(creation_block);
    let mut last: BTreeMap<Address, (usize, Choice)> = BTreeMap::new();
    for (i, log) in p.get_logs(&votes).await.context("reading Vote events")?.iter().enumerate() {
        let v = IPoll::Vote::decode_log_data(log.data()).context("decoding Vote")?;
        last.insert(v.voter, (i, Choice::from_id(v.choiceID)));
    }

    let state = state_block(c, poll, creation_block, end_block, head).await;
    let at = match state {
        StateAt::EndBlock(b) => Some(b),
        StateAt::Latest(..) => None,
    };
    let mut voters: Vec<(usize, Voter)> = Vec::new();
    for (address, (order, choice)) in last {
        let d = c.view_at(c.address("BondingManager")?, "BondingManager", IBondingManager::getDelegatorCall { _delegator: address }, at).await?;
        let stake = bm_view(c, IBondingManager::pendingStakeCall { _delegator: address, _endRound: U256::ZERO }, at).await?;
        let registered = bm_view(c, IBondingManager::isRegisteredTranscoderCall { _transcoder: address }, at).await?;
        let orchestrator = registered && d.delegateAddress == address;
        let total_stake = if orchestrator { bm_view(c, IBondingManager::transcoderTotalStakeCall { _transcoder: address }, at).await? } else { U256::ZERO };
        voters.push((order, Voter { address, choice, delegate: d.delegateAddress, stake, orchestrator, total_stake }));
    }
    voters.sort_by_key(|(order, _)| *order);
    let voters: Vec<Voter> = voters.into_iter().map(|(_, v)| v).collect();
    let total_stake = bm_view(c, IBondingManager::getTotalBondedCall {}, at).await?;
    Ok(PollTally { poll, proposal, end_block, head, state, total_stake, quorum: ev.quorum, quota: ev.quota, count: tally::count(&voters) })
}

async fn bm_view<C: alloy::sol_types::SolCall>(c: &Client, call: C, at: Option<u64>) -> Result<C::Return> {
    c.view_at(c.address("BondingManager")?, "BondingManager", call, at).await
}

/// Reads at the end block when the chain has passed it and the node serves historical
/// state. The probe: the poll had no code before its creation block, so a node that answers
/// `eth_getCode` there with code ignores block numbers (the devnet does).
async fn state_block(c: &Client, poll: Address, creation_block: u64, end_block: U256, head: u64) -> StateAt {
    let Ok(end) = u64::try_from(end_block) else { return StateAt::Latest(head, "the end block is out of range") };
    if head <= end {
        return StateAt::Latest(head, "the poll is still open");
    }
    let Some(before) = creation_block.checked_sub(1) else {
        return StateAt::Latest(head, "the poll was created in block 0");
    };
    match c.provider().get_code_at(poll).number(before).await {
        Ok(code) if code.is_empty() => StateAt::EndBlock(end),
        Ok(_) => StateAt::Latest(head, "the node does not serve historical state"),
        Err(_) => StateAt::Latest(head, "the node refused a historical query"),
    }
}

fn print_tally(t: &PollTally, json_out: bool) -> Result<()> {
    let c = &t.count;
    let cast = c.yes.saturating_add(c.no);
    let participation = tally::ppm_of(cast, t.total_stake);
    let quorum_reached = tally::quorum_reached(c.yes, c.no, t.total_stake, t.quorum);
    let quota_met = tally::quota_met(c.yes, c.no, t.quota);
    let open = U256::from(t.head) <= t.end_block;
    let result = if open {
        "open"
    } else if quorum_reached && quota_met {
        "passed"
    } else if quorum_reached {
        "rejected"
    } else {
        "no quorum"
    };
    let (state_block, state_note) = match &t.state {
        StateAt::EndBlock(b) => (*b, "end block".to_string()),
        StateAt::Latest(b, why) => (*b, format!("latest block ({why})")),
    };
    if json_out {
        let voters: Vec<_> = c
            .voters
            .iter()
            .map(|v| json!({"voter": v.address, "choice": v.choice.name(), "weight": v.weight.to_string(), "overridden": v.overridden.to_string()}))
            .collect();
        let v = json!({
            "poll": t.poll, "proposal": t.proposal, "endBlock": t.end_block.to_string(), "open": open,
            "stateBlock": state_block, "stateAt": state_note, "totalStake": t.total_stake.to_string(),
            "yes": c.yes.to_string(), "no": c.no.to_string(), "participationPpm": participation.to_string(),
            "quorumPpm": t.quorum.to_string(), "quorumReached": quorum_reached, "quotaPpm": t.quota.to_string(),
            "yesPpm": tally::ppm_of(c.yes, cast).to_string(), "quotaMet": quota_met, "result": result, "voters": voters,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    let pct = |ppm: U256| format!("{:.2}%", ppm.saturating_to::<u64>() as f64 / 10_000.0);
    println!("poll {} on {:?}", t.poll, t.proposal);
    println!("ends at block {} ({}), stake read at block {state_block}: {state_note}", t.end_block, if open { "open" } else { "closed" });
    println!("  yes            {}", format(c.yes, Unit::Lpt));
    println!("  no             {}", format(c.no, Unit::Lpt));
    println!(
        "  participation  {} of {} total stake; quorum {} {}",
        pct(participation),
        format(t.total_stake, Unit::Lpt),
        pct(t.quorum),
        if quorum_reached { "reached" } else { "not reached" }
    );
    println!("  yes share      {} of votes cast; quota {} {}", pct(tally::ppm_of(c.yes, cast)), pct(t.quota), if quota_met { "met" } else { "not met" });
    println!("  result         {result}");
    for v in &c.voters {
        let note = if v.overridden.is_zero() { String::new() } else { format!(" ({} overridden by its delegators)", format(v.overridden, Unit::Lpt)) };
        println!("  {} {:<5} {}{note}", v.address, v.choice.name(), format(v.weight, Unit::Lpt));
    }
    Ok(())
}

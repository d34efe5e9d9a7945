//! `lpx gov`: proposals through the LivepeerGovernor, from idea to execution.
//!
//! A proposal is the list of calls the Treasury (the Controller's owner) makes when it
//! executes. The ProposalCreated event carries them, so every later step (`show`, `queue`,
//! `execute`, `cancel`) needs only the proposal id: the calls are read back from the chain.

use alloy::{
    primitives::{keccak256, Address, Bytes, U256},
    providers::Provider,
    rpc::types::Filter,
    sol_types::SolEvent,
};
use anyhow::{anyhow, bail, Context, Result};
use clap::{ArgAction, Subcommand, ValueEnum};
use lpx_abi::{
    governor::{proposal_state, ILivepeerGovernor as G},
    rounds_manager::IRoundsManager,
};
use serde_json::json;

use crate::{
    actions::{self, Action},
    amount::{format, Unit},
    client::Client,
    report,
};

const GOVERNOR: &str = "LivepeerGovernor";

/// How a vote counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Support {
    /// Against the proposal.
    Against,
    /// For the proposal.
    For,
    /// Counts toward quorum only.
    Abstain,
}

impl Support {
    fn code(self) -> u8 {
        match self {
            Self::Against => 0,
            Self::For => 1,
            Self::Abstain => 2,
        }
    }
}

/// Governance subcommands.
#[derive(Debug, Subcommand)]
pub enum GovCmd {
    /// Propose calls for the Treasury to make; they are shown decoded before sending.
    Propose {
        /// What the proposal is and why (the first line is its title).
        #[arg(long, required_unless_present = "description_file")]
        description: Option<String>,
        /// Read the description from a file.
        #[arg(long, conflicts_with = "description")]
        description_file: Option<std::path::PathBuf>,
        /// Change a parameter: `bonding.unbondingPeriod=10`, `rounds.roundLength=6000`,
        /// `governor.proposalThreshold=50LPT`, `treasury.minDelay=0` (repeatable).
        #[arg(long, action = ArgAction::Append, value_name = "CONTRACT.PARAM=VALUE")]
        set: Vec<String>,
        /// Upgrade a proxied contract to a new implementation: `BondingManager=0x…`
        /// (repeatable).
        #[arg(long, action = ArgAction::Append, value_name = "CONTRACT=ADDRESS")]
        upgrade: Vec<String>,
        /// Any call: `--call <contract-or-address> '<signature>' [args…]` (repeatable).
        #[arg(long, num_args = 2.., action = ArgAction::Append, value_name = "TARGET SIG ARGS")]
        call: Vec<String>,
        /// `--call`'s values, one list per occurrence (see [`call_groups`]).
        #[arg(skip)]
        calls: Vec<Vec<String>>,
        /// Show the encoded proposal without sending it.
        #[arg(long)]
        dry_run: bool,
    },
    /// Every proposal, newest last, with its state.
    List,
    /// One proposal: its calls, state, tally, quorum and deadlines.
    Show {
        /// Proposal id (decimal or 0x-hex).
        id: U256,
    },
    /// Vote on an active proposal with your stake at its snapshot round.
    Vote {
        /// Proposal id.
        id: U256,
        /// for, against or abstain.
        support: Support,
        /// A reason recorded on-chain with the vote.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Queue a succeeded proposal in the Treasury timelock.
    Queue {
        /// Proposal id.
        id: U256,
    },
    /// Execute a queued proposal whose delay has passed.
    Execute {
        /// Proposal id.
        id: U256,
    },
    /// Cancel your own proposal while it is still pending.
    Cancel {
        /// Proposal id.
        id: U256,
    },
}

/// Each `--call` occurrence's values: clap's derive flattens repeated multi-value options
/// into one list, so `lpx gov propose` reads the occurrences from the raw matches.
pub fn call_groups(matches: &clap::ArgMatches) -> Vec<Vec<String>> {
    matches
        .subcommand_matches("gov")
        .and_then(|m| m.subcommand_matches("propose"))
        .and_then(|m| m.get_occurrences::<String>("call"))
        .map(|occurrences| occurrences.map(|o| o.cloned().collect()).collect())
        .unwrap_or_default()
}

/// A proposal as created on-chain.
struct Proposal {
    id: U256,
    proposer: Address,
    actions: Vec<Action>,
    description: String,
    snapshot: U256,
    deadline: U256,
}

impl Proposal {
    fn from_event(e: G::ProposalCreated) -> Self {
        let actions = e
            .targets
            .iter()
            .zip(&e.values)
            .zip(&e.calldatas)
            .map(|((target, value), calldata)| Action { target: *target, value: *value, calldata: calldata.clone() })
            .collect();
        Self { id: e.proposalId, proposer: e.proposer, actions, description: e.description, snapshot: e.voteStart, deadline: e.voteEnd }
    }

    fn title(&self) -> &str {
        self.description.lines().next().unwrap_or("")
    }

    /// (targets, values, calldatas, descriptionHash): how queue, execute and cancel name it.
    fn parts(&self) -> (Vec<Address>, Vec<U256>, Vec<Bytes>, alloy::primitives::B256) {
        (
            self.actions.iter().map(|a| a.target).collect(),
            self.actions.iter().map(|a| a.value).collect(),
            self.actions.iter().map(|a| a.calldata.clone()).collect(),
            keccak256(self.description.as_bytes()),
        )
    }
}

fn state_name(state: u8) -> &'static str {
    match state {
        proposal_state::PENDING => "Pending",
        proposal_state::ACTIVE => "Active",
        proposal_state::CANCELED => "Canceled",
        proposal_state::DEFEATED => "Defeated",
        proposal_state::SUCCEEDED => "Succeeded",
        proposal_state::QUEUED => "Queued",
        proposal_state::EXPIRED => "Expired",
        proposal_state::EXECUTED => "Executed",
        _ => "Unknown",
    }
}

/// Every ProposalCreated event of the governor, oldest first.
async fn proposals(c: &Client) -> Result<Vec<Proposal>> {
    let governor = c.address(GOVERNOR)?;
    let filter = Filter::new().address(governor).event_signature(G::ProposalCreated::SIGNATURE_HASH).from_block(0);
    let logs = c.provider().get_logs(&filter).await.context("reading ProposalCreated events")?;
    logs.iter().map(|l| G::ProposalCreated::decode_log_data(l.data()).map(Proposal::from_event).context("decoding ProposalCreated")).collect()
}

async fn proposal(c: &Client, id: U256) -> Result<Proposal> {
    proposals(c).await?.into_iter().find(|p| p.id == id).ok_or_else(|| anyhow!("no proposal {id} on this governor (see `lpx gov list`)"))
}

/// "in 3 rounds (~1h 12m)" / "2 rounds ago": a round distance in words, with wall time
/// estimated from the round length and the chain's block time.
fn distance(from: U256, to: U256, round_seconds: Option<f64>) -> String {
    let (n, future) = if to >= from { (to - from, true) } else { (from - to, false) };
    let rounds = format!("{n} round{}", if n == U256::from(1) { "" } else { "s" });
    let wall = round_seconds
        .map(|s| {
            let secs = (n.saturating_to::<u64>() as f64 * s) as u64;
            format!(" (~{}h {:02}m)", secs / 3600, secs % 3600 / 60)
        })
        .unwrap_or_default();
    if future {
        format!("in {rounds}{wall}")
    } else {
        format!("{rounds}{wall} ago")
    }
}

/// Seconds per round: the round length in blocks times the recent average block time
/// (the last 100 blocks), when the chain has enough history to say.
async fn round_seconds(c: &Client) -> Result<Option<f64>> {
    let length = c.view("RoundsManager", IRoundsManager::roundLengthCall {}).await?;
    let latest = c.provider().get_block_number().await?;
    if latest < 2 {
        return Ok(None);
    }
    let earlier = latest.saturating_sub(100);
    let (Some(a), Some(b)) = (c.provider().get_block_by_number(earlier.into()).await?, c.provider().get_block_by_number(latest.into()).await?) else {
        return Ok(None);
    };
    let per_block = (b.header.timestamp.saturating_sub(a.header.timestamp)) as f64 / (latest - earlier) as f64;
    Ok((per_block > 0.0).then(|| per_block * length.saturating_to::<u64>() as f64))
}

impl GovCmd {
    /// Runs the command.
    pub async fn run(self, c: &Client, json_out: bool) -> Result<()> {
        match self {
            Self::Propose { description, description_file, set, upgrade, calls, dry_run, .. } => {
                let description = match (description, description_file) {
                    (Some(d), _) => d,
                    (None, Some(path)) => std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?,
                    (None, None) => bail!("a proposal needs --description or --description-file"),
                };
                let mut list = Vec::new();
                for s in &set {
                    list.push(actions::set(s, c.book())?);
                }
                for u in &upgrade {
                    let (name, implementation) = actions::parse_upgrade(u)?;
                    let code = c.provider().get_code_at(implementation).await?;
                    list.push(actions::upgrade(name, implementation, &code, c.book())?);
                }
                for parts in &calls {
                    list.push(actions::call(parts, c.book())?);
                }
                if list.is_empty() {
                    bail!("a proposal needs at least one action: --set, --upgrade or --call");
                }
                let words: Vec<String> = list.iter().map(|a| actions::describe(a, c.book())).collect();
                if !json_out {
                    println!("Proposal: {}", description.lines().next().unwrap_or(""));
                    for (i, w) in words.iter().enumerate() {
                        println!("  {}. {w}", i + 1);
                    }
                }
                let call = G::proposeCall {
                    targets: list.iter().map(|a| a.target).collect(),
                    values: list.iter().map(|a| a.value).collect(),
                    calldatas: list.iter().map(|a| a.calldata.clone()).collect(),
                    description: description.clone(),
                };
                if dry_run {
                    let encoded = alloy::sol_types::SolCall::abi_encode(&call);
                    if json_out {
                        println!("{}", json!({ "to": c.address(GOVERNOR)?, "data": Bytes::from(encoded), "actions": words }));
                    } else {
                        println!("not sent (--dry-run); calldata for {GOVERNOR}: {}", Bytes::from(encoded));
                    }
                    return Ok(());
                }
                let receipt = c.send(GOVERNOR, call, U256::ZERO).await?;
                let created = receipt
                    .inner
                    .logs()
                    .iter()
                    .find_map(|l| G::ProposalCreated::decode_log_data(l.data()).ok())
                    .ok_or_else(|| anyhow!("the propose transaction emitted no ProposalCreated event"))?;
                if json_out {
                    println!(
                        "{}",
                        json!({ "proposalId": created.proposalId.to_string(), "snapshot": created.voteStart.to_string(),
                                "deadline": created.voteEnd.to_string(), "transactionHash": receipt.transaction_hash })
                    );
                } else {
                    println!(
                        "proposal {} created: voting opens after round {} and closes at the end of round {}",
                        created.proposalId, created.voteStart, created.voteEnd
                    );
                }
                Ok(())
            }
            Self::List => {
                let all = proposals(c).await?;
                let mut rows = Vec::new();
                for p in &all {
                    let state = c.view(GOVERNOR, G::stateCall { proposalId: p.id }).await?;
                    rows.push((p, state));
                }
                if json_out {
                    let v: Vec<_> = rows
                        .iter()
                        .map(|(p, s)| json!({ "id": p.id.to_string(), "state": state_name(*s), "proposer": p.proposer, "title": p.title() }))
                        .collect();
                    println!("{}", serde_json::Value::Array(v));
                } else if rows.is_empty() {
                    println!("no proposals yet");
                } else {
                    for (p, s) in rows {
                        println!("{:<10} {}  {}", state_name(s), p.id, p.title());
                    }
                }
                Ok(())
            }
            Self::Show { id } => show(c, id, json_out).await,
            Self::Vote { id, support, reason } => {
                let state = c.view(GOVERNOR, G::stateCall { proposalId: id }).await?;
                if state != proposal_state::ACTIVE {
                    let p = proposal(c, id).await?;
                    let round = c.view("RoundsManager", IRoundsManager::currentRoundCall {}).await?;
                    if state == proposal_state::PENDING {
                        bail!("proposal {id} is Pending: voting opens in round {} (now round {round})", p.snapshot + U256::from(1));
                    }
                    bail!("proposal {id} is {}: voting is closed", state_name(state));
                }
                let me = c.sender()?;
                if c.view(GOVERNOR, G::hasVotedCall { proposalId: id, account: me }).await? {
                    bail!("{me} already voted on proposal {id}");
                }
                let receipt = match reason {
                    Some(reason) => c.send(GOVERNOR, G::castVoteWithReasonCall { proposalId: id, support: support.code(), reason }, U256::ZERO).await?,
                    None => c.send(GOVERNOR, G::castVoteCall { proposalId: id, support: support.code() }, U256::ZERO).await?,
                };
                let cast = receipt.inner.logs().iter().find_map(|l| G::VoteCast::decode_log_data(l.data()).ok());
                if let (Some(v), false) = (&cast, json_out) {
                    println!("voted {:?} with {}", support, format(v.weight, Unit::Lpt));
                }
                report::receipt(&receipt, json_out);
                Ok(())
            }
            Self::Queue { id } => {
                let (targets, values, calldatas, description_hash) = proposal(c, id).await?.parts();
                let receipt = c.send(GOVERNOR, G::queueCall { targets, values, calldatas, descriptionHash: description_hash }, U256::ZERO).await?;
                report::receipt(&receipt, json_out);
                Ok(())
            }
            Self::Execute { id } => {
                let p = proposal(c, id).await?;
                let value = p.actions.iter().fold(U256::ZERO, |acc, a| acc.saturating_add(a.value));
                let (targets, values, calldatas, description_hash) = p.parts();
                let receipt = c.send(GOVERNOR, G::executeCall { targets, values, calldatas, descriptionHash: description_hash }, value).await?;
                report::receipt(&receipt, json_out);
                Ok(())
            }
            Self::Cancel { id } => {
                let (targets, values, calldatas, description_hash) = proposal(c, id).await?.parts();
                let receipt = c.send(GOVERNOR, G::cancelCall { targets, values, calldatas, descriptionHash: description_hash }, U256::ZERO).await?;
                report::receipt(&receipt, json_out);
                Ok(())
            }
        }
    }
}

/// `lpx gov show`.
async fn show(c: &Client, id: U256, json_out: bool) -> Result<()> {
    let p = proposal(c, id).await?;
    let state = c.view(GOVERNOR, G::stateCall { proposalId: id }).await?;
    let votes = c.view(GOVERNOR, G::proposalVotesCall { proposalId: id }).await?;
    let round = c.view("RoundsManager", IRoundsManager::currentRoundCall {}).await?;
    // The quorum is a share of the stake at the snapshot round, known once that round ends.
    let quorum = if p.snapshot < round { c.view(GOVERNOR, G::quorumCall { timepoint: p.snapshot }).await.ok() } else { None };
    let eta = c.view(GOVERNOR, G::proposalEtaCall { proposalId: id }).await?;
    let counted = votes.forVotes + votes.againstVotes + votes.abstainVotes;
    let per_round = round_seconds(c).await?;
    let words: Vec<String> = p.actions.iter().map(|a| actions::describe(a, c.book())).collect();
    if json_out {
        let v = json!({
            "id": id.to_string(), "state": state_name(state), "proposer": p.proposer, "description": p.description,
            "actions": words, "currentRound": round.to_string(), "snapshot": p.snapshot.to_string(), "deadline": p.deadline.to_string(),
            "votes": { "for": votes.forVotes.to_string(), "against": votes.againstVotes.to_string(), "abstain": votes.abstainVotes.to_string() },
            "quorum": quorum.map(|q| q.to_string()), "eta": eta.to_string(),
        });
        println!("{v}");
        return Ok(());
    }
    println!("proposal {id}: {}", state_name(state));
    println!("  {}", p.title());
    println!("  proposer  {}", p.proposer);
    for (i, w) in words.iter().enumerate() {
        println!("  call {}    {w}", i + 1);
    }
    println!(
        "  round     {round} now; snapshot {} ({}), deadline {} ({})",
        p.snapshot,
        distance(round, p.snapshot, per_round),
        p.deadline,
        distance(round, p.deadline, per_round)
    );
    println!(
        "  votes     for {}, against {}, abstain {}",
        format(votes.forVotes, Unit::Lpt),
        format(votes.againstVotes, Unit::Lpt),
        format(votes.abstainVotes, Unit::Lpt)
    );
    match quorum {
        Some(q) if !q.is_zero() => {
            let pct = (counted * U256::from(10_000) / q).saturating_to::<u64>() as f64 / 100.0;
            println!("  quorum    {} of {} needed ({pct:.2}%)", format(counted, Unit::Lpt), format(q, Unit::Lpt));
        }
        Some(_) => println!("  quorum    0 needed"),
        None => println!("  quorum    fixed when snapshot round {} has ended", p.snapshot),
    }
    if !eta.is_zero() {
        println!("  eta       executable from timestamp {eta}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_read_as_rounds_and_wall_time() {
        assert_eq!(distance(U256::from(10), U256::from(13), Some(1440.0)), "in 3 rounds (~1h 12m)");
        assert_eq!(distance(U256::from(10), U256::from(9), None), "1 round ago");
        assert_eq!(distance(U256::from(5), U256::from(5), Some(60.0)), "in 0 rounds (~0h 00m)");
    }
}

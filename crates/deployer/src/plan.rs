//! The deployment steps, each checking the chain before it writes.

use alloy::{
    primitives::{keccak256, Address, Bytes, FixedBytes, B256, U256},
    sol_types::{SolEvent, SolValue},
};
use lpx_abi::{
    arbitrum::{IArbWasm, IStylusDeployer, ARB_WASM, STYLUS_DEPLOYER},
    bonding_manager::IBondingManager,
    controller::IController,
    governor::ILivepeerGovernor,
    manager::IManagerProxy,
    minter::IMinter,
    poll::IPollCreator,
    rounds_manager::IRoundsManager,
    ticket_broker::ITicketBroker,
    token::ILivepeerToken,
    treasury::ITreasury,
};

use crate::{config::Owner, AddressBook, Chain, ContractRecord, DeployError, NetworkConfig};

/// `keccak256("stylus_constructor()")[..4]`: the selector the SDK routes to `#[constructor]`.
const CONSTRUCTOR_SELECTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];

/// One built program, ready to deploy.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Livepeer's contract name (`"BondingManager"`).
    pub name: String,
    /// The on-chain code: the Stylus prefix and the brotli-compressed WASM.
    pub code: Bytes,
    /// Size of the uncompressed WASM.
    pub wasm_bytes: usize,
}

impl Artifact {
    /// Names built programs after Livepeer's contracts; a crate the deployer does not know
    /// is an error, so a new contract cannot be silently left out of a deployment.
    pub fn from_built(built: Vec<lpx_contract_build::BuiltContract>) -> Result<Vec<Self>, DeployError> {
        built
            .into_iter()
            .map(|c| {
                let name = match c.name.as_str() {
                    "controller" => "Controller",
                    "token" => "LivepeerToken",
                    "minter" => "Minter",
                    "rounds" => "RoundsManager",
                    "bonding" => "BondingManager",
                    "bonding-ext" => "BondingManagerExtension",
                    "ticket-broker" => "TicketBroker",
                    "service-registry" => "ServiceRegistry",
                    "bonding-votes" => "BondingVotes",
                    "governor" => "LivepeerGovernor",
                    "poll-creator" => "PollCreator",
                    "poll" => "Poll",
                    "treasury" => "Treasury",
                    "manager-proxy" => "ManagerProxy",
                    other => return Err(DeployError::Config(format!("contracts/{other} has no place in the deployment plan"))),
                };
                Ok(Artifact { name: name.into(), wasm_bytes: c.wasm.len(), code: c.code.into() })
            })
            .collect()
    }
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The address book to write.
    pub book: AddressBook,
    /// One line per change made; empty when the chain already matched.
    pub actions: Vec<String>,
}

/// Contracts deployed as they are, after the Controller (which the others take). The
/// BondingManager's extension program (the functions the main program forwards by
/// DELEGATECALL to stay under the size limit) has no constructor and no storage of its own.
const DIRECT: [&str; 3] = ["LivepeerToken", "Minter", "BondingManagerExtension"];

/// Managers behind a ManagerProxy (Livepeer's upgrade pattern, spec §2.2): the book and the
/// Controller name the proxy `<Name>` and the implementation `<Name>Target`; a governance
/// proposal upgrades one by re-registering `<Name>Target`, and the state, which lives in
/// the proxy, stays.
pub const PROXIED: [&str; 6] = ["RoundsManager", "BondingManager", "TicketBroker", "ServiceRegistry", "BondingVotes", "LivepeerGovernor"];

/// Programs without a Stylus constructor: the BondingManager's extension, and the Poll
/// program, whose storage only its clones use (see `lpx-poll`).
const WITHOUT_CONSTRUCTOR: [&str; 2] = ["BondingManagerExtension", "Poll"];

struct Run<'a> {
    chain: &'a Chain,
    config: &'a NetworkConfig,
    previous: AddressBook,
    book: AddressBook,
    actions: Vec<String>,
    /// Whether the Controller's owner is the deploying account; when it is the Treasury,
    /// owner-only changes can only be proposed, and are listed in `needs_proposal`.
    owner_is_me: bool,
    needs_proposal: Vec<String>,
}

/// Deploys or updates the protocol so the chain matches `config`; see the crate docs.
pub async fn deploy(chain: &Chain, config: &NetworkConfig, artifacts: &[Artifact], previous: Option<AddressBook>) -> Result<Outcome, DeployError> {
    let chain_id = alloy::providers::Provider::get_chain_id(chain.provider()).await.map_err(|e| DeployError::Chain(format!("eth_chainId: {e}")))?;
    if let Some(expected) = config.chain_id {
        if expected != chain_id {
            return Err(DeployError::WrongChain { expected, actual: chain_id });
        }
    }
    // A book for another chain (a reset devnet with another id) says nothing about this one.
    let previous = previous.filter(|b| b.chain_id == chain_id).unwrap_or_default();
    let mut run = Run {
        chain,
        config,
        previous,
        book: AddressBook { network: config.network.clone(), chain_id, ..Default::default() },
        actions: Vec::new(),
        owner_is_me: true,
        needs_proposal: Vec::new(),
    };

    let controller = run.program(artifact(artifacts, "Controller")?, (chain.from(),).abi_encode_params()).await?;
    run.owner_is_me = chain.view(controller, IController::ownerCall {}).await? == chain.from();
    for name in DIRECT {
        let args = match name {
            "Minter" => {
                (controller, U256::from(config.minter.inflation), U256::from(config.minter.inflation_change), U256::from(config.minter.target_bonding_rate))
                    .abi_encode_params()
            }
            // The token's role admin, like the Controller's first owner, is the deploying account.
            "LivepeerToken" => (chain.from(),).abi_encode_params(),
            _ => Vec::new(),
        };
        run.program(artifact(artifacts, name)?, args).await?;
    }
    for name in PROXIED {
        let target = artifact(artifacts, name)?;
        let init = constructor_call(&(controller,).abi_encode_params());
        run.program_as(&format!("{name}Target"), target, init).await?;
        run.proxy(name, artifact(artifacts, "ManagerProxy")?, controller).await?;
    }
    run.treasury(artifact(artifacts, "Treasury")?).await?;
    run.register(controller).await?;
    run.token_roles().await?;
    run.genesis().await?;
    run.parameters().await?;
    run.governor().await?;
    run.polls(artifacts, controller).await?;
    run.guardian(controller).await?;
    if config.unpause && chain.view(controller, IController::pausedCall {}).await? {
        run.owner_send(controller, IController::unpauseCall {}, "unpause the Controller").await?;
    }
    run.hand_over(controller).await?;
    if !run.needs_proposal.is_empty() {
        return Err(DeployError::Config(format!(
            "the Controller is owned by the Treasury, so these changes need a governance proposal (lpx gov propose): {}",
            run.needs_proposal.join("; ")
        )));
    }
    Ok(Outcome { book: run.book, actions: run.actions })
}

/// Calldata running a program's Stylus constructor with ABI-encoded `args`.
fn constructor_call(args: &[u8]) -> Vec<u8> {
    let mut data = CONSTRUCTOR_SELECTOR.to_vec();
    data.extend_from_slice(args);
    data
}

fn artifact<'a>(artifacts: &'a [Artifact], name: &str) -> Result<&'a Artifact, DeployError> {
    artifacts.iter().find(|a| a.name == name).ok_or_else(|| DeployError::MissingArtifact(name.into()))
}

/// The registry's 20-byte commit field: the head of the code hash (see the crate docs).
fn registry_tag(code_hash: B256) -> FixedBytes<20> {
    FixedBytes::from_slice(&code_hash[..20])
}

impl Run<'_> {
    fn address(&self, name: &str) -> Result<Address, DeployError> {
        self.book.address(name).ok_or_else(|| DeployError::MissingArtifact(name.into()))
    }

    /// Deploys `art` with constructor `args`, unless the previous book's program at its
    /// address still has the same code.
    async fn program(&mut self, art: &Artifact, args: Vec<u8>) -> Result<Address, DeployError> {
        let init = if WITHOUT_CONSTRUCTOR.contains(&art.name.as_str()) { Vec::new() } else { constructor_call(&args) };
        self.program_as(&art.name.clone(), art, init).await
    }

    /// Deploys `art` under the book name `name`, calling it with `init_data` in the deploying
    /// transaction (its constructor, or an initializer), unless the previous book's program
    /// named `name` still has the same code.
    async fn program_as(&mut self, name: &str, art: &Artifact, init_data: Vec<u8>) -> Result<Address, DeployError> {
        let code_hash = keccak256(&art.code);
        if let Some(prev) = self.previous.contracts.get(name).cloned() {
            if prev.code_hash == code_hash && self.chain.code_hash(prev.address).await? == Some(code_hash) {
                self.ensure_active(name, prev.address, code_hash).await?;
                let address = prev.address;
                self.book.contracts.insert(name.to_string(), prev);
                return Ok(address);
            }
        }
        // Arbitrum would reject it after the sender paid for the attempt; say why up front.
        if art.code.len() > lpx_contract_build::MAX_CODE_SIZE {
            return Err(DeployError::Config(format!(
                "{} is {} bytes compressed, over Arbitrum's {}-byte limit",
                art.name,
                art.code.len(),
                lpx_contract_build::MAX_CODE_SIZE
            )));
        }
        let call = IStylusDeployer::deployCall {
            bytecode: lpx_contract_build::create_init_code(&art.code).into(),
            initData: init_data.into(),
            initValue: U256::ZERO,
            salt: B256::ZERO,
        };
        let receipt = self.chain.send(STYLUS_DEPLOYER, call, self.config.max_activation_fee).await?;
        let address = receipt
            .inner
            .logs()
            .iter()
            .find_map(|log| IStylusDeployer::ContractDeployed::decode_log_data(log.data()).ok())
            .map(|ev| ev.deployedContract)
            .ok_or_else(|| DeployError::Chain(format!("deploying {name}: no ContractDeployed event in the receipt")))?;
        self.actions.push(format!("deployed {name} at {address}"));
        self.book.contracts.insert(
            name.to_string(),
            ContractRecord { address, code_hash, wasm_bytes: art.wasm_bytes, compressed_bytes: art.code.len(), deploy_tx: receipt.transaction_hash },
        );
        Ok(address)
    }

    /// Re-activates a reused program whose activation expired or predates the chain's
    /// Stylus version.
    async fn ensure_active(&mut self, name: &str, at: Address, code_hash: B256) -> Result<(), DeployError> {
        if self.chain.view(ARB_WASM, IArbWasm::codehashVersionCall { codehash: code_hash }).await.is_ok() {
            return Ok(());
        }
        self.chain.send(ARB_WASM, IArbWasm::activateProgramCall { program: at }, self.config.max_activation_fee).await?;
        self.actions.push(format!("re-activated {name}"));
        Ok(())
    }

    /// The signalling polls: the Poll program, then a PollCreator pointing at it with the
    /// network file's poll period. Neither is registered in the Controller (Livepeer does not
    /// register its PollCreator). The Poll program is activated by its deployment like any
    /// program; each poll is an EVM minimal proxy delegating to it, and Nitro activates per
    /// code hash, so polls need no activation of their own. A previous PollCreator is kept
    /// only while it still points at this Poll program with this period.
    async fn polls(&mut self, artifacts: &[Artifact], controller: Address) -> Result<(), DeployError> {
        let poll = self.program(artifact(artifacts, "Poll")?, Vec::new()).await?;
        let period = U256::from(self.config.polls.period);
        if let Some(prev) = self.previous.contracts.get("PollCreator").map(|r| r.address) {
            let current = async {
                let imp = self.chain.view(prev, IPollCreator::pollImplementationCall {}).await?;
                let p = self.chain.view(prev, IPollCreator::POLL_PERIODCall {}).await?;
                let c = self.chain.view(prev, IPollCreator::controllerCall {}).await?;
                Ok::<_, DeployError>(imp == poll && p == period && c == controller)
            };
            if !current.await.unwrap_or(false) {
                self.previous.contracts.remove("PollCreator");
            }
        }
        let args = (controller, poll, period).abi_encode_params();
        self.program(artifact(artifacts, "PollCreator")?, args).await?;
        Ok(())
    }

    /// The ManagerProxy `name` in front of `<name>Target`, reusing the previous one while
    /// it still answers to this Controller and id (its state is the protocol's state).
    async fn proxy(&mut self, name: &str, art: &Artifact, controller: Address) -> Result<Address, DeployError> {
        let target_id = keccak256(format!("{name}Target"));
        if let Some(prev) = self.previous.contracts.get(name).map(|r| r.address) {
            let current = async {
                let c = self.chain.view(prev, IManagerProxy::controllerCall {}).await?;
                let id = self.chain.view(prev, IManagerProxy::targetContractIdCall {}).await?;
                Ok::<_, DeployError>(c == controller && id == target_id)
            };
            if !current.await.unwrap_or(false) {
                self.previous.contracts.remove(name);
            }
        }
        self.program_as(name, art, constructor_call(&(controller, target_id).abi_encode_params())).await
    }

    /// The Treasury timelock, initialized in its deploying transaction (so nobody can
    /// initialize it first) with the Governor as proposer, canceller and executor and no
    /// admin but itself (spec §10.4). A previous one is kept while it still has that Governor.
    async fn treasury(&mut self, art: &Artifact) -> Result<Address, DeployError> {
        let governor = self.address("LivepeerGovernor")?;
        if let Some(prev) = self.previous.contracts.get("Treasury").map(|r| r.address) {
            let current = async {
                let role = self.chain.view(prev, ITreasury::PROPOSER_ROLECall {}).await?;
                self.chain.view(prev, ITreasury::hasRoleCall { role, account: governor }).await
            };
            if !current.await.unwrap_or(false) {
                self.previous.contracts.remove("Treasury");
            }
        }
        let init = ITreasury::initializeCall {
            minDelay: U256::from(self.config.governance.timelock_delay),
            proposers: vec![governor],
            executors: vec![governor],
            admin: Address::ZERO,
        };
        self.program_as("Treasury", art, alloy::sol_types::SolCall::abi_encode(&init)).await
    }

    /// Sends an owner-only call, or, when the Treasury owns the Controller, records that
    /// `what` needs a governance proposal.
    async fn owner_send<C: alloy::sol_types::SolCall>(&mut self, to: Address, call: C, what: &str) -> Result<(), DeployError> {
        if self.owner_is_me {
            self.chain.send(to, call, U256::ZERO).await?;
            self.actions.push(what.to_string());
        } else {
            self.needs_proposal.push(what.to_string());
        }
        Ok(())
    }

    /// Points every registry id at its contract, writing only entries that differ.
    async fn register(&mut self, controller: Address) -> Result<(), DeployError> {
        let program = |id: &str, name: &str| {
            let record = &self.book.contracts[name];
            (id.to_string(), record.address, registry_tag(record.code_hash))
        };
        let mut entries: Vec<(String, Address, FixedBytes<20>)> =
            ["Controller", "LivepeerToken", "Minter", "BondingManagerExtension", "Treasury"].iter().map(|n| program(n, n)).collect();
        for name in PROXIED {
            let target = format!("{name}Target");
            entries.push(program(&target, &target));
            entries.push(program(name, name));
        }
        entries.push(program("JobsManager", "TicketBroker"));
        for (id_name, address, tag) in entries {
            let id = keccak256(id_name.as_bytes());
            let current = self.chain.view(controller, IController::getContractInfoCall { _id: id }).await?;
            if current._0 == address && current._1 == tag {
                continue;
            }
            let call = IController::setContractInfoCall { _id: id, _contractAddress: address, _gitCommitHash: tag };
            self.owner_send(controller, call, &format!("register {id_name} -> {address}")).await?;
        }
        Ok(())
    }

    /// Initializes the Governor through its proxy, once; a Governor initialized by someone
    /// else with other settings is reported, since its settings now change only by vote.
    async fn governor(&mut self) -> Result<(), DeployError> {
        let g = &self.config.governance;
        let governor = self.address("LivepeerGovernor")?;
        let want = (U256::from(g.voting_delay), U256::from(g.voting_period), g.proposal_threshold, U256::from(g.quorum), U256::from(g.quota));
        let chain = self.chain;
        let current = (
            chain.view(governor, ILivepeerGovernor::votingDelayCall {}).await?,
            chain.view(governor, ILivepeerGovernor::votingPeriodCall {}).await?,
            chain.view(governor, ILivepeerGovernor::proposalThresholdCall {}).await?,
            chain.view(governor, ILivepeerGovernor::quorumNumerator_0Call {}).await?,
            chain.view(governor, ILivepeerGovernor::quotaCall {}).await?,
        );
        if current == want {
            return Ok(());
        }
        // A Governor that has never been initialized has a zero voting period (OZ requires > 0).
        if !current.1.is_zero() {
            self.needs_proposal
                .push(format!("LivepeerGovernor settings (voting delay, period, threshold, quorum, quota) are {current:?}, the network file wants {want:?}"));
            return Ok(());
        }
        let call = ILivepeerGovernor::initializeCall {
            initialVotingDelay: want.0,
            initialVotingPeriod: want.1,
            initialProposalThreshold: want.2,
            initialQuorum: want.3,
            quota: want.4,
        };
        chain.send(governor, call, U256::ZERO).await?;
        self.actions.push("initialized the LivepeerGovernor".into());
        Ok(())
    }

    /// Names the network file's guardian (or none) in the Controller.
    async fn guardian(&mut self, controller: Address) -> Result<(), DeployError> {
        let want = self.config.governance.guardian.unwrap_or(Address::ZERO);
        if self.chain.view(controller, IController::guardianCall {}).await? != want {
            self.owner_send(controller, IController::setGuardianCall { _guardian: want }, &format!("set the guardian to {want}")).await?;
        }
        Ok(())
    }

    /// Hands the Controller to the Treasury, last, when the network file says governance
    /// owns the protocol; from then on the deployer can only report differences.
    async fn hand_over(&mut self, controller: Address) -> Result<(), DeployError> {
        let treasury = self.address("Treasury")?;
        let owner = self.chain.view(controller, IController::ownerCall {}).await?;
        match self.config.governance.owner {
            Owner::Treasury if owner != treasury => {
                if owner != self.chain.from() {
                    return Err(DeployError::Config(format!("the Controller is owned by {owner}, neither the deploying account nor the Treasury")));
                }
                self.chain.send(controller, IController::transferOwnershipCall { newOwner: treasury }, U256::ZERO).await?;
                self.owner_is_me = false;
                self.actions.push(format!("handed the Controller to the Treasury at {treasury}"));
            }
            Owner::Deployer if owner != self.chain.from() => {
                self.needs_proposal.push(format!("transfer the Controller's ownership from {owner} back to the deploying account"));
            }
            _ => {}
        }
        Ok(())
    }

    /// Gives the Minter the token roles it needs: minting rewards and burning slashed stake.
    async fn token_roles(&mut self) -> Result<(), DeployError> {
        let token = self.address("LivepeerToken")?;
        let minter = self.address("Minter")?;
        for (role, label) in [
            (self.chain.view(token, ILivepeerToken::MINTER_ROLECall {}).await?, "MINTER_ROLE"),
            (self.chain.view(token, ILivepeerToken::BURNER_ROLECall {}).await?, "BURNER_ROLE"),
        ] {
            if !self.chain.view(token, ILivepeerToken::hasRoleCall { role, account: minter }).await? {
                self.chain.send(token, ILivepeerToken::grantRoleCall { role, account: minter }, U256::ZERO).await?;
                self.actions.push(format!("granted {label} to the Minter"));
            }
        }
        Ok(())
    }

    /// Mints the network file's genesis LPT, once: only while the supply is zero. The
    /// deployer holds the minter role only for these transactions.
    async fn genesis(&mut self) -> Result<(), DeployError> {
        if self.config.genesis.is_empty() {
            return Ok(());
        }
        let token = self.address("LivepeerToken")?;
        if self.chain.view(token, ILivepeerToken::totalSupplyCall {}).await? != U256::ZERO {
            return Ok(());
        }
        let role = self.chain.view(token, ILivepeerToken::MINTER_ROLECall {}).await?;
        let me = self.chain.from();
        self.chain.send(token, ILivepeerToken::grantRoleCall { role, account: me }, U256::ZERO).await?;
        for alloc in &self.config.genesis {
            let call = ILivepeerToken::mintCall { _to: alloc.to, _amount: alloc.amount };
            self.chain.send(token, call, U256::ZERO).await?;
        }
        self.chain.send(token, ILivepeerToken::revokeRoleCall { role, account: me }, U256::ZERO).await?;
        self.actions.push(format!("minted genesis LPT to {} accounts", self.config.genesis.len()));
        Ok(())
    }

    /// Sets every parameter whose on-chain value differs from the network file.
    async fn parameters(&mut self) -> Result<(), DeployError> {
        let (c, chain, owner_is_me) = (self.config, self.chain, self.owner_is_me);
        let rounds = self.address("RoundsManager")?;
        let bonding = self.address("BondingManager")?;
        let broker = self.address("TicketBroker")?;
        let mut changed = Vec::new();

        macro_rules! ensure {
            ($to:expr, $get:expr, $want:expr, $set:expr, $label:literal) => {{
                let want = $want;
                if chain.view($to, $get).await? != want {
                    if owner_is_me {
                        chain.send($to, $set(want), U256::ZERO).await?;
                        changed.push($label);
                    } else {
                        self.needs_proposal.push(format!("set {} to {}", $label, want));
                    }
                }
            }};
        }
        let round_length = U256::from(c.rounds.round_length);
        ensure!(rounds, IRoundsManager::roundLengthCall {}, round_length, |v| IRoundsManager::setRoundLengthCall { _roundLength: v }, "roundLength");
        let lock = U256::from(c.rounds.round_lock_amount);
        ensure!(rounds, IRoundsManager::roundLockAmountCall {}, lock, |v| IRoundsManager::setRoundLockAmountCall { _roundLockAmount: v }, "roundLockAmount");
        ensure!(
            bonding,
            IBondingManager::unbondingPeriodCall {},
            c.bonding.unbonding_period,
            |v| IBondingManager::setUnbondingPeriodCall { _unbondingPeriod: v },
            "unbondingPeriod"
        );
        let active = U256::from(c.bonding.num_active_transcoders);
        ensure!(
            bonding,
            IBondingManager::getTranscoderPoolMaxSizeCall {},
            active,
            |v| IBondingManager::setNumActiveTranscodersCall { _numActiveTranscoders: v },
            "numActiveTranscoders"
        );
        ensure!(
            bonding,
            IBondingManager::nextRoundTreasuryRewardCutRateCall {},
            c.bonding.treasury_reward_cut_rate,
            |v| IBondingManager::setTreasuryRewardCutRateCall { _cutRate: v },
            "treasuryRewardCutRate"
        );
        ensure!(
            bonding,
            IBondingManager::treasuryBalanceCeilingCall {},
            c.bonding.treasury_balance_ceiling,
            |v| IBondingManager::setTreasuryBalanceCeilingCall { _ceiling: v },
            "treasuryBalanceCeiling"
        );
        let minter = self.address("Minter")?;
        let change = U256::from(c.minter.inflation_change);
        ensure!(minter, IMinter::inflationChangeCall {}, change, |v| IMinter::setInflationChangeCall { _inflationChange: v }, "inflationChange");
        let target = U256::from(c.minter.target_bonding_rate);
        ensure!(minter, IMinter::targetBondingRateCall {}, target, |v| IMinter::setTargetBondingRateCall { _targetBondingRate: v }, "targetBondingRate");
        let unlock = U256::from(c.ticket_broker.unlock_period);
        ensure!(broker, ITicketBroker::unlockPeriodCall {}, unlock, |v| ITicketBroker::setUnlockPeriodCall { _unlockPeriod: v }, "unlockPeriod");
        let validity = U256::from(c.ticket_broker.ticket_validity_period);
        ensure!(
            broker,
            ITicketBroker::ticketValidityPeriodCall {},
            validity,
            |v| ITicketBroker::setTicketValidityPeriodCall { _ticketValidityPeriod: v },
            "ticketValidityPeriod"
        );
        if !changed.is_empty() {
            self.actions.push(format!("set {}", changed.join(", ")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructor_selector_is_the_sdks() {
        assert_eq!(&keccak256("stylus_constructor()")[..4], &CONSTRUCTOR_SELECTOR);
    }
}

//! The deployment steps, each checking the chain before it writes.

use alloy::{
    primitives::{keccak256, Address, Bytes, FixedBytes, B256, U256},
    sol_types::{SolEvent, SolValue},
};
use lpx_abi::{
    arbitrum::{IArbWasm, IStylusDeployer, ARB_WASM, STYLUS_DEPLOYER},
    bonding_manager::IBondingManager,
    controller::IController,
    minter::IMinter,
    poll::IPollCreator,
    rounds_manager::IRoundsManager,
    ticket_broker::ITicketBroker,
    token::ILivepeerToken,
};

use crate::{AddressBook, Chain, ContractRecord, DeployError, NetworkConfig};

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

/// Contracts in deployment order: the Controller first, since the others take its address.
/// The BondingManager's extension program (the functions the main program forwards by
/// DELEGATECALL to stay under the size limit) has no constructor and no storage of its own.
const PROGRAMS: [&str; 9] = [
    "Controller",
    "LivepeerToken",
    "Minter",
    "RoundsManager",
    "BondingManager",
    "BondingManagerExtension",
    "TicketBroker",
    "ServiceRegistry",
    "BondingVotes",
];

/// Programs without a Stylus constructor: the BondingManager's extension, and the Poll
/// program, whose storage only its clones use (see `lpx-poll`).
const WITHOUT_CONSTRUCTOR: [&str; 2] = ["BondingManagerExtension", "Poll"];

struct Run<'a> {
    chain: &'a Chain,
    config: &'a NetworkConfig,
    previous: AddressBook,
    book: AddressBook,
    actions: Vec<String>,
}

/// Deploys or updates the protocol so the chain matches `config`; see the crate docs.
pub async fn deploy(
    chain: &Chain,
    config: &NetworkConfig,
    artifacts: &[Artifact],
    previous: Option<AddressBook>,
) -> Result<Outcome, DeployError> {
    let chain_id = alloy::providers::Provider::get_chain_id(chain.provider())
        .await
        .map_err(|e| DeployError::Chain(format!("eth_chainId: {e}")))?;
    if let Some(expected) = config.chain_id {
        if expected != chain_id {
            return Err(DeployError::WrongChain { expected, actual: chain_id });
        }
    }
    // BondingManager.reward sends the cut to the registered Treasury; without one every
    // reward would revert with "ERC20: transfer to the zero address".
    if !config.bonding.treasury_reward_cut_rate.is_zero() && config.treasury.is_none() {
        return Err(DeployError::Config(
            "bonding.treasury-reward-cut-rate is not zero but no `treasury` address is set: every reward would revert".into(),
        ));
    }
    // A book for another chain (a reset devnet with another id) says nothing about this one.
    let previous = previous.filter(|b| b.chain_id == chain_id).unwrap_or_default();
    let mut run = Run {
        chain,
        config,
        previous,
        book: AddressBook { network: config.network.clone(), chain_id, ..Default::default() },
        actions: Vec::new(),
    };

    let controller = run.program(artifact(artifacts, "Controller")?, (chain.from(),).abi_encode_params()).await?;
    for name in &PROGRAMS[1..] {
        let args = match *name {
            "Minter" => (
                controller,
                U256::from(config.minter.inflation),
                U256::from(config.minter.inflation_change),
                U256::from(config.minter.target_bonding_rate),
            )
                .abi_encode_params(),
            "BondingManagerExtension" => Vec::new(),
            // The token's role admin, like the Controller's owner, is the deploying account.
            "LivepeerToken" => (chain.from(),).abi_encode_params(),
            _ => (controller,).abi_encode_params(),
        };
        run.program(artifact(artifacts, name)?, args).await?;
    }
    run.register(controller).await?;
    run.token_roles().await?;
    run.genesis().await?;
    run.parameters().await?;
    run.polls(artifacts, controller).await?;
    if config.unpause && chain.view(controller, IController::pausedCall {}).await? {
        chain.send(controller, IController::unpauseCall {}, U256::ZERO).await?;
        run.actions.push("unpaused the Controller".into());
    }
    Ok(Outcome { book: run.book, actions: run.actions })
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
        let code_hash = keccak256(&art.code);
        if let Some(prev) = self.previous.contracts.get(&art.name).cloned() {
            if prev.code_hash == code_hash && self.chain.code_hash(prev.address).await? == Some(code_hash) {
                self.ensure_active(&art.name, prev.address, code_hash).await?;
                let address = prev.address;
                self.book.contracts.insert(art.name.clone(), prev);
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
        let init_data = if WITHOUT_CONSTRUCTOR.contains(&art.name.as_str()) {
            Vec::new()
        } else {
            let mut data = CONSTRUCTOR_SELECTOR.to_vec();
            data.extend_from_slice(&args);
            data
        };
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
            .ok_or_else(|| {
                DeployError::Chain(format!("deploying {}: no ContractDeployed event in the receipt", art.name))
            })?;
        self.actions.push(format!("deployed {} at {address}", art.name));
        self.book.contracts.insert(
            art.name.clone(),
            ContractRecord {
                address,
                code_hash,
                wasm_bytes: art.wasm_bytes,
                compressed_bytes: art.code.len(),
                deploy_tx: receipt.transaction_hash,
            },
        );
        Ok(address)
    }

    /// Re-activates a reused program whose activation expired or predates the chain's
    /// Stylus version.
    async fn ensure_active(&mut self, name: &str, at: Address, code_hash: B256) -> Result<(), DeployError> {
        if self.chain.view(ARB_WASM, IArbWasm::codehashVersionCall { codehash: code_hash }).await.is_ok() {
            return Ok(());
        }
        self.chain
            .send(ARB_WASM, IArbWasm::activateProgramCall { program: at }, self.config.max_activation_fee)
            .await?;
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

    /// Points every registry id at its contract, writing only entries that differ.
    async fn register(&mut self, controller: Address) -> Result<(), DeployError> {
        let program = |id: &str, name: &str| {
            let record = &self.book.contracts[name];
            (id.to_string(), record.address, registry_tag(record.code_hash))
        };
        let mut entries: Vec<(String, Address, FixedBytes<20>)> = PROGRAMS.iter().map(|n| program(n, n)).collect();
        entries.push(program("JobsManager", "TicketBroker"));
        // An account, not a program we built: no code hash to record.
        if let Some(treasury) = self.config.treasury {
            entries.push(("Treasury".into(), treasury, FixedBytes::ZERO));
        }
        for (id_name, address, tag) in entries {
            let id = keccak256(id_name.as_bytes());
            let current = self.chain.view(controller, IController::getContractInfoCall { _id: id }).await?;
            if current._0 == address && current._1 == tag {
                continue;
            }
            let call = IController::setContractInfoCall { _id: id, _contractAddress: address, _gitCommitHash: tag };
            self.chain.send(controller, call, U256::ZERO).await?;
            self.actions.push(format!("registered {id_name} -> {address}"));
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
        let (c, chain) = (self.config, self.chain);
        let rounds = self.address("RoundsManager")?;
        let bonding = self.address("BondingManager")?;
        let broker = self.address("TicketBroker")?;
        let mut changed = Vec::new();

        macro_rules! ensure {
            ($to:expr, $get:expr, $want:expr, $set:expr, $label:literal) => {{
                let want = $want;
                if chain.view($to, $get).await? != want {
                    chain.send($to, $set(want), U256::ZERO).await?;
                    changed.push($label);
                }
            }};
        }
        let round_length = U256::from(c.rounds.round_length);
        ensure!(rounds, IRoundsManager::roundLengthCall {}, round_length, |v| IRoundsManager::setRoundLengthCall { _roundLength: v }, "roundLength");
        let lock = U256::from(c.rounds.round_lock_amount);
        ensure!(rounds, IRoundsManager::roundLockAmountCall {}, lock, |v| IRoundsManager::setRoundLockAmountCall { _roundLockAmount: v }, "roundLockAmount");
        ensure!(bonding, IBondingManager::unbondingPeriodCall {}, c.bonding.unbonding_period, |v| IBondingManager::setUnbondingPeriodCall { _unbondingPeriod: v }, "unbondingPeriod");
        let active = U256::from(c.bonding.num_active_transcoders);
        ensure!(bonding, IBondingManager::getTranscoderPoolMaxSizeCall {}, active, |v| IBondingManager::setNumActiveTranscodersCall { _numActiveTranscoders: v }, "numActiveTranscoders");
        ensure!(bonding, IBondingManager::nextRoundTreasuryRewardCutRateCall {}, c.bonding.treasury_reward_cut_rate, |v| IBondingManager::setTreasuryRewardCutRateCall { _cutRate: v }, "treasuryRewardCutRate");
        ensure!(bonding, IBondingManager::treasuryBalanceCeilingCall {}, c.bonding.treasury_balance_ceiling, |v| IBondingManager::setTreasuryBalanceCeilingCall { _ceiling: v }, "treasuryBalanceCeiling");
        let minter = self.address("Minter")?;
        let change = U256::from(c.minter.inflation_change);
        ensure!(minter, IMinter::inflationChangeCall {}, change, |v| IMinter::setInflationChangeCall { _inflationChange: v }, "inflationChange");
        let target = U256::from(c.minter.target_bonding_rate);
        ensure!(minter, IMinter::targetBondingRateCall {}, target, |v| IMinter::setTargetBondingRateCall { _targetBondingRate: v }, "targetBondingRate");
        let unlock = U256::from(c.ticket_broker.unlock_period);
        ensure!(broker, ITicketBroker::unlockPeriodCall {}, unlock, |v| ITicketBroker::setUnlockPeriodCall { _unlockPeriod: v }, "unlockPeriod");
        let validity = U256::from(c.ticket_broker.ticket_validity_period);
        ensure!(broker, ITicketBroker::ticketValidityPeriodCall {}, validity, |v| ITicketBroker::setTicketValidityPeriodCall { _ticketValidityPeriod: v }, "ticketValidityPeriod");
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

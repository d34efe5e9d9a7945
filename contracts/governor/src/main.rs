//! `export-abi` (`--features export-abi`): prints the Solidity interface of what the
//! router serves, in the format of `cargo stylus export-abi`, for `contracts/governor/abi.sol`.
//! The functions come from the router's table and their signatures and return types from
//! `lpx_abi`, so the contract-build staleness test compares what is routed with what
//! `lpx-abi` declares. Empty otherwise.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

lpx_contracts_common::export_abi_main!(print!("{}", interface::render()););

#[cfg(feature = "export-abi")]
mod interface {
    use lpx_abi::export::{Function, Interface};
    use lpx_abi::governor::ILivepeerGovernor as I;
    use lpx_governor::router::TABLE;

    /// Every function of the interface.
    const CALLS: &[Function] = lpx_abi::functions!(
        I::executeCall,
        I::relayCall,
        I::initializeCall,
        I::proposeCall,
        I::queueCall,
        I::cancelCall,
        I::hashProposalCall,
        I::castVoteCall,
        I::castVoteWithReasonCall,
        I::castVoteWithReasonAndParamsCall,
        I::castVoteBySigCall,
        I::castVoteWithReasonAndParamsBySigCall,
        I::stateCall,
        I::proposalSnapshotCall,
        I::proposalDeadlineCall,
        I::proposalProposerCall,
        I::proposalEtaCall,
        I::votingDelayCall,
        I::votingPeriodCall,
        I::proposalThresholdCall,
        I::quorumCall,
        I::quorumNumerator_0Call,
        I::quorumNumerator_1Call,
        I::quorumDenominatorCall,
        I::quotaCall,
        I::getVotesCall,
        I::getVotesWithParamsCall,
        I::hasVotedCall,
        I::proposalVotesCall,
        I::setVotingDelayCall,
        I::setVotingPeriodCall,
        I::setProposalThresholdCall,
        I::updateQuorumNumeratorCall,
        I::updateTimelockCall,
        I::timelockCall,
        I::tokenCall,
        I::votesCall,
        I::bumpGovernorVotesTokenAddressCall,
        I::nameCall,
        I::versionCall,
        I::COUNTING_MODECall,
        I::CLOCK_MODECall,
        I::clockCall,
        I::BALLOT_TYPEHASHCall,
        I::EXTENDED_BALLOT_TYPEHASHCall,
        I::supportsInterfaceCall,
        I::controllerCall,
        I::setControllerCall,
        I::targetContractIdCall
    );

    /// The interface, one function per routed selector (the constructor excepted).
    pub fn render() -> String {
        let served: Vec<[u8; 4]> = TABLE.iter().map(|(selector, _)| selector.to_be_bytes()).collect();
        Interface {
            generator: "lpx-governor's export-abi binary",
            name: "ILivepeerGovernor",
            served: &served,
            functions: CALLS,
            payable: &["execute", "relay"],
            structs: &[],
        }
        .render()
    }
}

//! The Solidity interfaces the `export-abi` binaries of `lpx-bonding` and `lpx-bonding-ext`
//! print (`--features export-abi`): the functions of the router's table
//! ([`crate::router::functions`]) with the signatures and return types of
//! `lpx_abi::bonding_manager`, so the contract-build staleness test compares what is routed
//! with what `lpx-abi` declares.

use alloc::string::String;
use alloc::vec::Vec;
use lpx_abi::bonding_manager::IBondingManager as I;
use lpx_abi::export::{Function, Interface};

/// Every function of the interface.
const CALLS: &[Function] = lpx_abi::functions!(
    I::transcoderCall,
    I::transcoderWithHintCall,
    I::bondCall,
    I::bondWithHintCall,
    I::bondForWithHintCall,
    I::unbondCall,
    I::unbondWithHintCall,
    I::rebondCall,
    I::rebondWithHintCall,
    I::withdrawStakeCall,
    I::withdrawFeesCall,
    I::claimEarningsCall,
    I::rewardCall,
    I::rewardWithHintCall,
    I::rewardForTranscoderCall,
    I::rewardForTranscoderWithHintCall,
    I::updateTranscoderWithFeesCall,
    I::setCurrentRoundTotalActiveStakeCall,
    I::pendingStakeCall,
    I::transcoderTotalStakeCall,
    I::getTranscoderEarningsPoolForRoundCall,
    I::getTranscoderPoolSizeCall,
    I::getTotalBondedCall,
    I::isActiveTranscoderCall,
    I::isRegisteredTranscoderCall,
    I::nextRoundTotalActiveStakeCall,
    I::controllerCall,
    I::targetContractIdCall,
    I::setControllerCall,
    I::setUnbondingPeriodCall,
    I::setTreasuryRewardCutRateCall,
    I::setTreasuryBalanceCeilingCall,
    I::setNumActiveTranscodersCall,
    I::transferBondCall,
    I::rebondFromUnbondedCall,
    I::rebondFromUnbondedWithHintCall,
    I::checkpointBondingStateCall,
    I::setRewardCallerCall,
    I::slashTranscoderCall,
    I::transcoderToRewardCallerCall,
    I::pendingFeesCall,
    I::transcoderStatusCall,
    I::delegatorStatusCall,
    I::getTranscoderCall,
    I::getDelegatorCall,
    I::getDelegatorUnbondingLockCall,
    I::isValidUnbondingLockCall,
    I::getTranscoderPoolMaxSizeCall,
    I::getFirstTranscoderInPoolCall,
    I::getNextTranscoderInPoolCall,
    I::currentRoundTotalActiveStakeCall,
    I::unbondingPeriodCall,
    I::treasuryRewardCutRateCall,
    I::nextRoundTreasuryRewardCutRateCall,
    I::treasuryBalanceCeilingCall,
);

/// The BondingManager's interface (both programs together, as callers see it), or with
/// `extension` only the functions the extension program serves.
pub fn render(extension: bool) -> String {
    let served: Vec<[u8; 4]> = crate::router::functions().filter(|(_, ext)| !extension || *ext).map(|(selector, _)| selector).collect();
    let (generator, name) =
        if extension { ("lpx-bonding-ext's export-abi binary", "IBondingManagerExtension") } else { ("lpx-bonding's export-abi binary", "IBondingManager") };
    Interface { generator, name, served: &served, functions: CALLS, payable: &[], structs: &[] }.render()
}

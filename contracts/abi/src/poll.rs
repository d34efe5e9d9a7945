//! ABI of the signalling polls (Livepeer `polling/PollCreator.sol` and `polling/Poll.sol`,
//! spec §12): anyone with 100 LPT of stake opens a poll on a proposal (an IPFS hash), and
//! stakeholders vote on it by event; the stake-weighted tally is computed off-chain.
//!
//! lpx additions, not in Livepeer's ABI: `PollCreator.controller()`,
//! `PollCreator.pollImplementation()` and `Poll.initialize(uint256)` (each poll is a minimal
//! proxy clone of one Stylus implementation, initialized by its creator), `Poll.creator()`.

alloy_sol_types::sol! {
    /// Livepeer's PollCreator.
    #[derive(Debug, PartialEq, Eq)]
    interface IPollCreator {
        /// Quorum a poll needs, in parts per million of the total stake (333300 = 33.33%).
        function QUORUM() external view returns (uint256);
        /// Share of the votes cast "yes" needs to pass, in parts per million (500000 = 50%).
        function QUOTA() external view returns (uint256);
        /// How many blocks a poll stays open (Livepeer: 57,600; lpx: set at construction).
        function POLL_PERIOD() external view returns (uint256);
        /// Stake a creator needs (100 LPT); nothing is burned or locked.
        function POLL_CREATION_COST() external view returns (uint256);
        /// The BondingManager, as the Controller names it now.
        function bondingManager() external view returns (address);
        /// The Controller the BondingManager is looked up in (lpx).
        function controller() external view returns (address);
        /// The Poll program every poll delegates to (lpx).
        function pollImplementation() external view returns (address);
        /// Opens a poll on `_proposal` (an IPFS multihash) ending POLL_PERIOD blocks from now.
        function createPoll(bytes _proposal) external;

        /// A poll was opened.
        event PollCreated(address indexed poll, bytes proposal, uint256 endBlock, uint256 quorum, uint256 quota);
    }

    /// Livepeer's Poll.
    #[derive(Debug, PartialEq, Eq)]
    interface IPoll {
        /// The last block in which votes count.
        function endBlock() external view returns (uint256);
        /// The PollCreator that created this poll (lpx; zero before initialization).
        function creator() external view returns (address);
        /// Sets the end block, once, by the creator (lpx: the clone's constructor step).
        function initialize(uint256 _endBlock) external;
        /// Votes `_choiceID` (Livepeer's clients: 0 = yes, 1 = no) while the poll is open.
        function vote(uint256 _choiceID) external;
        /// Livepeer selfdestructs a finished poll; Stylus cannot, so this always reverts.
        function destroy() external;

        /// An account voted.
        event Vote(address indexed voter, uint256 choiceID);
    }
}

/// Registry entry of the PollCreator, see the crate docs.
pub const CREATOR_ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "PollCreator",
    functions: IPollCreator::IPollCreatorCalls::SIGNATURES,
    selectors: IPollCreator::IPollCreatorCalls::SELECTORS,
    events: IPollCreator::IPollCreatorEvents::SIGNATURES,
    topics: IPollCreator::IPollCreatorEvents::SELECTORS,
};

/// Registry entry of the Poll, see the crate docs.
pub const POLL_ABI: crate::InterfaceAbi = crate::InterfaceAbi {
    name: "Poll",
    functions: IPoll::IPollCalls::SIGNATURES,
    selectors: IPoll::IPollCalls::SELECTORS,
    events: IPoll::IPollEvents::SIGNATURES,
    topics: IPoll::IPollEvents::SELECTORS,
};

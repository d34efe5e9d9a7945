// SPDX-License-Identifier: MIT
// The keeper's one read per tick. Never deployed: the keeper sends this contract's creation
// code with the encoded `Args` as the data of an `eth_call` without a recipient, the
// constructor does every read and returns the answer as the call's output. One JSON-RPC
// call therefore replaces the head poll, the round checks, the orchestrator records and
// the pool walk, whatever the pool size.
//
// Regenerate KeeperLens.bin (keeper/src/lens/) with:
//   solcjs --bin --optimize --evm-version paris KeeperLens.sol
pragma solidity ^0.8.20;

interface IRounds {
    function blockNum() external view returns (uint256);
    function currentRound() external view returns (uint256);
    function currentRoundInitialized() external view returns (bool);
    function initializeRound() external;
}

interface IBonding {
    function getTranscoder(address) external view returns (uint256, uint256, uint256, uint256, uint256, uint256, uint256, uint256, uint256, uint256);
    function transcoderToRewardCaller(address) external view returns (address);
    function transcoderTotalStake(address) external view returns (uint256);
    function getFirstTranscoderInPool() external view returns (address);
    function getNextTranscoderInPool(address) external view returns (address);
    function getTotalBonded() external view returns (uint256);
}

interface IMinterView {
    function currentMintableTokens() external view returns (uint256);
}

contract KeeperLens {
    struct Args {
        address rounds;
        address bonding;
        address minter;
        // What the keeper already knows: the round part is read only when it changed.
        uint256 knownRound;
        bool knownInitialized;
        // Read the round part even if nothing changed (after a failed transaction).
        bool force;
        // If the round is not initialized, initialize it inside this call (discarded with
        // the call) and read the state as it will be after initialization.
        bool simulateInit;
        address[] orchestrators;
        // Hash of the pool the keeper holds; the pool is returned only if it differs.
        bytes32 poolHash;
        uint256 maxPool;
    }

    struct Orch {
        uint256 lastRewardRound;
        uint256 activationRound;
        uint256 deactivationRound;
        address rewardCaller;
        uint256 stake;
    }

    struct Out {
        uint256 blockNum;
        uint256 baseFee;
        uint256 timestamp;
        uint256 round;
        bool initialized;
        // The fields below are filled only when `full`.
        bool full;
        bool simulated;
        uint256 mintable;
        uint256 totalBonded;
        Orch[] orchs;
        bytes32 poolHash;
        bool poolChanged;
        address[] members;
        uint256[] stakes;
    }

    constructor(Args memory a) {
        Out memory o;
        IRounds r = IRounds(a.rounds);
        o.blockNum = r.blockNum();
        o.baseFee = block.basefee;
        o.timestamp = block.timestamp;
        o.round = r.currentRound();
        o.initialized = r.currentRoundInitialized();
        o.full = a.force || o.round != a.knownRound || o.initialized != a.knownInitialized;
        if (o.full) {
            if (!o.initialized && a.simulateInit) {
                try r.initializeRound() {
                    o.simulated = true;
                } catch {}
            }
            IBonding b = IBonding(a.bonding);
            o.mintable = IMinterView(a.minter).currentMintableTokens();
            o.totalBonded = b.getTotalBonded();
            o.orchs = new Orch[](a.orchestrators.length);
            for (uint256 i = 0; i < a.orchestrators.length; i++) {
                address t = a.orchestrators[i];
                (uint256 last,,,, uint256 act, uint256 deact,,,,) = b.getTranscoder(t);
                o.orchs[i] = Orch(last, act, deact, b.transcoderToRewardCaller(t), b.transcoderTotalStake(t));
            }
            _pool(b, a, o);
        }
        bytes memory enc = abi.encode(o);
        assembly {
            return(add(enc, 32), mload(enc))
        }
    }

    function _pool(IBonding b, Args memory a, Out memory o) private view {
        address[] memory members = new address[](a.maxPool);
        uint256[] memory stakes = new uint256[](a.maxPool);
        bytes32 h;
        uint256 n;
        address cur = b.getFirstTranscoderInPool();
        while (cur != address(0) && n < a.maxPool) {
            uint256 s = b.transcoderTotalStake(cur);
            members[n] = cur;
            stakes[n] = s;
            h = keccak256(abi.encode(h, cur, s));
            n++;
            cur = b.getNextTranscoderInPool(cur);
        }
        o.poolHash = h;
        o.poolChanged = h != a.poolHash;
        if (o.poolChanged) {
            assembly {
                mstore(members, n)
                mstore(stakes, n)
            }
            o.members = members;
            o.stakes = stakes;
        }
    }
}

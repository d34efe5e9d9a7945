//! `export-abi` (`--features export-abi`): prints the Solidity interface of what the
//! router serves, in the format of `cargo stylus export-abi`, for
//! `contracts/ticket-broker/abi.sol`. The functions come from the router's table and their
//! signatures and return types from `lpx_abi`, so the contract-build staleness test compares
//! what is routed with what `lpx-abi` declares. Empty otherwise.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
/// Without `export-abi` the binary is empty (the contract is the library's `cdylib`).
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    use lpx_abi::export::{Function, Interface};
    use lpx_abi::ticket_broker::ITicketBroker as I;

    const CALLS: &[Function] = lpx_abi::functions!(
        I::fundDepositCall,
        I::fundReserveCall,
        I::fundDepositAndReserveCall,
        I::fundDepositAndReserveForCall,
        I::redeemWinningTicketCall,
        I::batchRedeemWinningTicketsCall,
        I::unlockCall,
        I::cancelUnlockCall,
        I::withdrawCall,
        I::isUnlockInProgressCall,
        I::getSenderInfoCall,
        I::getReserveInfoCall,
        I::claimableReserveCall,
        I::claimedReserveCall,
        I::getTicketHashCall,
        I::usedTicketsCall,
        I::unlockPeriodCall,
        I::ticketValidityPeriodCall,
        I::setUnlockPeriodCall,
        I::setTicketValidityPeriodCall,
        I::controllerCall,
        I::setControllerCall,
        I::targetContractIdCall
    );
    let served: Vec<[u8; 4]> = lpx_ticket_broker::router::TABLE.iter().map(|(selector, _)| selector.to_be_bytes()).collect();
    let text = Interface {
        generator: "lpx-ticket-broker's export-abi binary",
        name: "ITicketBroker",
        served: &served,
        functions: CALLS,
        payable: &["fundDeposit", "fundReserve", "fundDepositAndReserve", "fundDepositAndReserveFor"],
        structs: &[
            (
                "(address,address,uint256,uint256,uint256,bytes32,bytes)",
                "Ticket",
                "struct Ticket {\n        address recipient;\n        address sender;\n        uint256 faceValue;\n        uint256 winProb;\n        uint256 senderNonce;\n        bytes32 recipientRandHash;\n        bytes auxData;\n    }",
            ),
            ("SenderInfo", "SenderInfo", "struct SenderInfo {\n        uint256 deposit;\n        uint256 withdrawRound;\n    }"),
            ("ReserveInfo", "ReserveInfo", "struct ReserveInfo {\n        uint256 fundsRemaining;\n        uint256 claimedInCurrentRound;\n    }"),
        ],
    }
    .render();
    print!("{text}");
}

//! Every contract crate exports its Solidity interface, the committed
//! `contracts/<name>/abi.sol` files are what the contracts export today, and each contract
//! exports exactly the functions its `lpx-abi` interface declares.

use std::collections::BTreeSet;
use std::path::PathBuf;

use lpx_contract_build::{contract_packages, export_abi, exported_signatures, has_export_binary};

/// Contract package → the `lpx_abi` interface it implements.
const INTERFACE_OF: &[(&str, &str)] = &[
    ("lpx-controller", "Controller"),
    ("lpx-token", "LivepeerToken"),
    ("lpx-minter", "Minter"),
    ("lpx-rounds", "RoundsManager"),
    ("lpx-service-registry", "ServiceRegistry"),
    ("lpx-bonding", "BondingManager"),
    ("lpx-ticket-broker", "TicketBroker"),
    ("lpx-bonding-votes", "BondingVotes"),
    ("lpx-poll-creator", "PollCreator"),
    ("lpx-poll", "Poll"),
    ("lpx-governor", "LivepeerGovernor"),
    ("lpx-manager-proxy", "ManagerProxy"),
    ("lpx-treasury", "Treasury"),
];

/// Functions of an `lpx_abi` interface that a contract serves from its fallback rather than
/// as exported methods (so they are missing from its exported interface by design). The
/// contract's own tests call each of them through the fallback.
const SERVED_BY_FALLBACK: &[(&str, &[&str])] = &[(
    "lpx-treasury",
    &[
        "onERC721Received(address,address,uint256,bytes)",
        "onERC1155Received(address,address,uint256,uint256,bytes)",
        "onERC1155BatchReceived(address,address,uint256[],uint256[],bytes)",
    ],
)];

/// Programs that serve part of an `lpx_abi` interface: the BondingManager's extension
/// program serves the functions the main program forwards to it.
const PART_OF: &[(&str, &str)] = &[("lpx-bonding-ext", "BondingManager")];

#[test]
fn committed_interfaces_are_current_and_match_lpx_abi() {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let packages = contract_packages(&root).unwrap();
    assert!(packages.len() >= 5, "found {packages:?}");
    let mut problems = Vec::new();
    for p in packages.iter().filter(|p| !has_export_binary(p)) {
        problems.push(format!("{}: no export-abi binary (src/main.rs), so no committed interface", p.package));
    }
    let exports = export_abi(&root, &packages).unwrap();
    for export in &exports {
        if !export.is_current() {
            problems.push(format!("{} is stale or missing: run `cargo run -p lpx-contract-build --bin export-abi -- --write`", export.path.display()));
        }
        let exported: BTreeSet<String> = exported_signatures(&export.text).into_iter().collect();
        if exported.is_empty() {
            problems.push(format!("{}: exports no function", export.package));
        }
        if let Some((_, name)) = PART_OF.iter().find(|(p, _)| *p == export.package) {
            let abi = lpx_abi::INTERFACES.iter().find(|a| a.name == *name).expect("interface registered");
            for extra in exported.iter().filter(|f| !abi.functions.contains(&f.as_str())) {
                problems.push(format!("{}: exports {extra}, which lpx-abi's {name} does not declare", export.package));
            }
            continue;
        }
        let Some((_, name)) = INTERFACE_OF.iter().find(|(p, _)| *p == export.package) else { continue };
        let abi = lpx_abi::INTERFACES.iter().find(|a| a.name == *name).expect("interface registered");
        let declared: BTreeSet<String> = abi.functions.iter().map(|s| s.to_string()).collect();
        let by_fallback = SERVED_BY_FALLBACK.iter().find(|(p, _)| *p == export.package).map_or(&[][..], |(_, f)| *f);
        for fallback in by_fallback {
            if !declared.contains(*fallback) {
                problems.push(format!("{}: {fallback} is listed as served by fallback but lpx-abi does not declare it", export.package));
            }
        }
        for missing in declared.difference(&exported).filter(|f| !by_fallback.contains(&f.as_str())) {
            problems.push(format!("{}: lpx-abi declares {missing} but the contract does not export it", export.package));
        }
        for extra in exported.difference(&declared) {
            problems.push(format!("{}: exports {extra}, which lpx-abi does not declare", export.package));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

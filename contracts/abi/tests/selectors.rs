//! Every selector and event topic in lpx-abi against the spec's Appendix A.
//!
//! `appendix_a.txt` transcribes the spec's tables with the contract each row belongs to.
//! The test checks the transcription against the spec itself when `../shared` is present,
//! recomputes every hash, and requires each row of an implemented contract to appear with
//! the same selector/topic in that contract's `lpx_abi` interface.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{hex, keccak256};
use lpx_abi::{InterfaceAbi, INTERFACES};

/// Contracts in Appendix A that later issues implement (governance, polls).
const NOT_YET_IMPLEMENTED: &[&str] = &["Governor"];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    kind: String,
    signature: String,
    hash: String,
    contract: String,
}

fn fixture() -> Vec<Row> {
    let text = include_str!("appendix_a.txt");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('|').map(str::trim).collect();
            assert_eq!(f.len(), 4, "bad fixture line {l:?}");
            Row { kind: f[0].into(), signature: f[1].into(), hash: f[2].into(), contract: f[3].into() }
        })
        .collect()
}

/// (kind, signature, hash) rows of the spec's Appendix A tables.
fn spec_rows(spec: &str) -> BTreeSet<(String, String, String)> {
    let start = spec.find("## Appendix A").expect("Appendix A heading");
    let end = spec[start..].find("## Appendix B").map_or(spec.len(), |i| start + i);
    let appendix = &spec[start..end];
    let events_at = appendix.find("Event topics").expect("event table");
    let mut rows = BTreeSet::new();
    for (offset, line) in appendix.lines().scan(0usize, |pos, l| {
        let at = *pos;
        *pos += l.len() + 1;
        Some((at, l))
    }) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 4 || !cells[1].contains('(') {
            continue;
        }
        let hash = cells[2].split_whitespace().next().unwrap_or_default();
        if !hash.starts_with("0x") {
            continue;
        }
        let kind = if offset < events_at { "function" } else { "event" };
        rows.insert((kind.to_string(), cells[1].to_string(), hash.to_string()));
    }
    rows
}

#[test]
fn fixture_matches_spec_appendix_a() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/spec/protocol.md");
    let Ok(spec) = std::fs::read_to_string(path) else {
        eprintln!("spec not found at {path}; checking the committed transcription only");
        return;
    };
    let from_spec = spec_rows(&spec);
    assert_eq!(from_spec.len(), 83, "Appendix A row count changed");
    let from_fixture: BTreeSet<_> = fixture().into_iter().map(|r| (r.kind, r.signature, r.hash)).collect();
    assert_eq!(from_fixture, from_spec);
}

#[test]
fn fixture_hashes_are_keccak_of_signatures() {
    for row in fixture() {
        let digest = keccak256(row.signature.as_bytes());
        let want = match row.kind.as_str() {
            "function" => format!("0x{}", hex::encode(&digest[..4])),
            "event" => format!("0x{}", hex::encode(digest)),
            other => panic!("unknown kind {other}"),
        };
        assert_eq!(row.hash, want, "{}", row.signature);
    }
}

fn lookup(abi: &InterfaceAbi, row: &Row) -> Option<String> {
    match row.kind.as_str() {
        "function" => abi.functions.iter().position(|s| *s == row.signature).map(|i| format!("0x{}", hex::encode(abi.selectors[i]))),
        _ => abi.events.iter().position(|s| *s == row.signature).map(|i| format!("0x{}", hex::encode(abi.topics[i]))),
    }
}

#[test]
fn every_interface_matches_appendix_a() {
    let by_name: BTreeMap<&str, &InterfaceAbi> = INTERFACES.iter().map(|a| (a.name, a)).collect();
    let mut checked = 0;
    for row in fixture() {
        match by_name.get(row.contract.as_str()) {
            Some(abi) => {
                let got = lookup(abi, &row).unwrap_or_else(|| panic!("{} lacks {} {}", abi.name, row.kind, row.signature));
                assert_eq!(got, row.hash, "{} {}", abi.name, row.signature);
                checked += 1;
            }
            None => assert!(NOT_YET_IMPLEMENTED.contains(&row.contract.as_str()), "no lpx-abi interface named {} for {}", row.contract, row.signature),
        }
    }
    // Rows of contracts this crate implements today; grows as interfaces are added.
    assert!(checked >= 70, "only {checked} Appendix A rows checked");
}

#[test]
fn selectors_are_unique_within_each_interface() {
    for abi in INTERFACES {
        assert_eq!(abi.functions.len(), abi.selectors.len(), "{}", abi.name);
        assert_eq!(abi.events.len(), abi.topics.len(), "{}", abi.name);
        let unique: BTreeSet<_> = abi.selectors.iter().collect();
        assert_eq!(unique.len(), abi.selectors.len(), "duplicate selector in {}", abi.name);
        for (sig, sel) in abi.functions.iter().zip(abi.selectors) {
            assert_eq!(&keccak256(sig.as_bytes())[..4], sel, "{} {sig}", abi.name);
        }
    }
}

#[test]
fn manager_contracts_share_the_manager_members() {
    for name in ["RoundsManager", "ServiceRegistry", "Minter", "BondingManager", "TicketBroker", "BondingVotes"] {
        let Some(abi) = INTERFACES.iter().find(|a| a.name == name) else { continue };
        for f in ["controller()", "setController(address)"] {
            assert!(abi.functions.contains(&f), "{name} lacks {f}");
        }
        assert!(abi.events.contains(&"SetController(address)"), "{name} lacks SetController");
    }
}

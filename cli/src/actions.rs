//! Proposal actions: what a governance proposal does, written the way people think of it
//! (`--set bonding.unbondingPeriod=10`, `--upgrade BondingManager=0x…`, `--call <target>
//! '<sig>' args…`), encoded into (target, value, calldata), and decoded back into words so a
//! voter sees exactly what will run.

use alloy::{
    dyn_abi::{DynSolType, DynSolValue, JsonAbiExt, Specifier},
    json_abi::Function,
    primitives::{hex, keccak256, Address, Bytes, FixedBytes, U256},
};
use anyhow::{anyhow, bail, Context, Result};
use lpx_abi::INTERFACES;
use lpx_chain_config::Deployments;

use crate::amount::{self, Unit};

/// One call the Treasury makes when the proposal executes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// The contract called.
    pub target: Address,
    /// Wei sent with the call.
    pub value: U256,
    /// The ABI-encoded call.
    pub calldata: Bytes,
}

/// The contracts a proposal may name, as Livepeer names them; the upgradeable ones sit
/// behind a proxy whose implementation is registered as `<name>Target`.
pub const CONTRACTS: [&str; 13] = [
    "Controller",
    "LivepeerToken",
    "Minter",
    "RoundsManager",
    "BondingManager",
    "TicketBroker",
    "ServiceRegistry",
    "BondingVotes",
    "LivepeerGovernor",
    "Treasury",
    "PollCreator",
    "BondingManagerExtension",
    "Poll",
];

/// Short prefixes accepted by `--set`, next to the full names.
const SHORT_NAMES: [(&str, &str); 6] = [
    ("bonding", "BondingManager"),
    ("rounds", "RoundsManager"),
    ("minter", "Minter"),
    ("broker", "TicketBroker"),
    ("governor", "LivepeerGovernor"),
    ("treasury", "Treasury"),
];

fn contract_name(prefix: &str) -> Result<&'static str> {
    let lower = prefix.to_ascii_lowercase();
    SHORT_NAMES
        .iter()
        .find(|(short, _)| *short == lower)
        .map(|(_, full)| *full)
        .or_else(|| CONTRACTS.iter().copied().find(|c| c.eq_ignore_ascii_case(prefix)))
        .ok_or_else(|| anyhow!("unknown contract {prefix:?}: use one of bonding, rounds, minter, broker, governor, treasury or a full name"))
}

/// The function signatures `name`'s ABI declares.
fn functions_of(name: &str) -> &'static [&'static str] {
    INTERFACES.iter().find(|i| i.name == name).map(|i| i.functions).unwrap_or(&[])
}

/// Encodes one argument: `1.5LPT`/`0.1ETH` for amounts, anything `cast` accepts otherwise.
fn argument(ty: &DynSolType, text: &str) -> Result<DynSolValue> {
    let t = text.trim();
    let has_unit = t.to_ascii_lowercase().ends_with("lpt") || t.to_ascii_lowercase().ends_with("eth");
    if matches!(ty, DynSolType::Uint(256)) && has_unit {
        let unit = if t.to_ascii_lowercase().ends_with("lpt") { Unit::Lpt } else { Unit::Eth };
        return Ok(DynSolValue::Uint(amount::parse(t, unit).map_err(|e| anyhow!(e))?, 256));
    }
    // The parser's own message spans several lines (it draws a caret); one line is enough.
    ty.coerce_str(t).map_err(|_| anyhow!("{t:?} is not a valid {ty}"))
}

/// Encodes a call to `signature` (e.g. `"setRoundLength(uint256)"`) with `args`.
pub fn encode(signature: &str, args: &[String]) -> Result<Bytes> {
    let f = Function::parse(signature).with_context(|| format!("{signature:?} is not a function signature"))?;
    if f.inputs.len() != args.len() {
        bail!("{} takes {} argument(s), {} given", f.signature(), f.inputs.len(), args.len());
    }
    let values = f.inputs.iter().zip(args).map(|(p, a)| argument(&p.resolve().with_context(|| format!("type {}", p.ty))?, a)).collect::<Result<Vec<_>>>()?;
    Ok(f.abi_encode_input(&values).with_context(|| format!("encoding {}", f.signature()))?.into())
}

/// `--set <contract>.<param>=<value>`: the contract's setter for `param` (`set<Param>`, or
/// `update<Param>` as OpenZeppelin names some), with `value`.
pub fn set(spec: &str, book: &Deployments) -> Result<Action> {
    let (key, value) = spec.split_once('=').ok_or_else(|| anyhow!("--set {spec:?}: expected <contract>.<param>=<value>"))?;
    let (prefix, param) = key.split_once('.').ok_or_else(|| anyhow!("--set {spec:?}: expected <contract>.<param>=<value>"))?;
    let name = contract_name(prefix.trim())?;
    let param = param.trim();
    let mut chars = param.chars();
    let capital: String = chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars).collect();
    // OZ's timelock calls its delay `minDelay` but its setter `updateDelay`.
    let stems =
        if name == "Treasury" && param == "minDelay" { vec!["updateDelay".to_string()] } else { vec![format!("set{capital}"), format!("update{capital}")] };
    let signature = functions_of(name)
        .iter()
        .find(|sig| stems.iter().any(|s| sig.split('(').next() == Some(s.as_str())) && sig.matches(',').count() == 0)
        .ok_or_else(|| anyhow!("{name} has no single-argument setter for {param:?}"))?;
    let target = book.get(name).ok_or_else(|| anyhow!("the address book has no {name}"))?;
    Ok(Action { target, value: U256::ZERO, calldata: encode(signature, &[value.trim().to_string()])? })
}

/// `--upgrade <Contract>=<implementation>`, parsed: which proxied contract, and the new
/// implementation's address (whose code the caller reads once, for [`upgrade`]).
pub fn parse_upgrade(spec: &str) -> Result<(&'static str, Address)> {
    let (name, address) = spec.split_once('=').ok_or_else(|| anyhow!("--upgrade {spec:?}: expected <Contract>=<address>"))?;
    let implementation = address.trim().parse().with_context(|| format!("--upgrade {spec:?}: not an address"))?;
    Ok((contract_name(name.trim())?, implementation))
}

/// Re-points `<name>Target` in the Controller at `implementation`, tagging the entry with
/// the head of its `code`'s hash as the deployer does.
pub fn upgrade(name: &str, implementation: Address, code: &Bytes, book: &Deployments) -> Result<Action> {
    if code.is_empty() {
        bail!("--upgrade {name}: {implementation} has no code");
    }
    let tag = FixedBytes::<20>::from_slice(&keccak256(code)[..20]);
    let id = keccak256(format!("{name}Target"));
    let call = lpx_abi::controller::IController::setContractInfoCall { _id: id, _contractAddress: implementation, _gitCommitHash: tag };
    let controller = book.get("Controller").ok_or_else(|| anyhow!("the address book has no Controller"))?;
    Ok(Action { target: controller, value: U256::ZERO, calldata: alloy::sol_types::SolCall::abi_encode(&call).into() })
}

/// `--call <target> '<sig>' args…`: any call; the target is a contract name or an address.
pub fn call(parts: &[String], book: &Deployments) -> Result<Action> {
    let [target, signature, args @ ..] = parts else { bail!("--call needs a target and a function signature") };
    let target = match target.parse::<Address>() {
        Ok(a) => a,
        Err(_) => book.get(contract_name(target)?).ok_or_else(|| anyhow!("the address book has no {target}"))?,
    };
    Ok(Action { target, value: U256::ZERO, calldata: encode(signature, args)? })
}

/// The name the address book gives `address`, if any.
pub fn name_of(address: Address, book: &Deployments) -> Option<String> {
    CONTRACTS.iter().flat_map(|c| [c.to_string(), format!("{c}Target")]).find(|n| book.get(n) == Some(address))
}

/// A call in words: `BondingManager.setUnbondingPeriod(10)`, with ids that are keccak256
/// of a known contract name shown as that name.
pub fn describe(action: &Action, book: &Deployments) -> String {
    let target = name_of(action.target, book).unwrap_or_else(|| action.target.to_string());
    let value = if action.value.is_zero() { String::new() } else { format!(" with {} wei", action.value) };
    let data = &action.calldata;
    let known = (data.len() >= 4).then(|| INTERFACES.iter().flat_map(|i| i.selectors.iter().zip(i.functions)).find(|(s, _)| s[..] == data[..4])).flatten();
    let Some((_, signature)) = known else {
        return format!("{target}: raw call 0x{}{value}", hex::encode(data));
    };
    let decoded = Function::parse(signature).ok().and_then(|f| f.abi_decode_input(&data[4..]).ok());
    match decoded {
        Some(args) => {
            let args: Vec<String> = args.iter().map(show_value).collect();
            let name = signature.split('(').next().unwrap_or(signature);
            format!("{target}.{name}({}){value}", args.join(", "))
        }
        None => format!("{target}.{signature} with undecodable arguments 0x{}{value}", hex::encode(&data[4..])),
    }
}

fn show_value(v: &DynSolValue) -> String {
    match v {
        DynSolValue::Uint(u, _) => u.to_string(),
        DynSolValue::Int(i, _) => i.to_string(),
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::Address(a) => a.to_string(),
        DynSolValue::String(s) => format!("{s:?}"),
        DynSolValue::FixedBytes(word, 32) => CONTRACTS
            .iter()
            .flat_map(|c| [c.to_string(), format!("{c}Target")])
            .find(|n| keccak256(n) == *word)
            .map(|n| format!("keccak256(\"{n}\")"))
            .unwrap_or_else(|| word.to_string()),
        DynSolValue::FixedBytes(word, size) => format!("0x{}", hex::encode(&word[..*size])),
        DynSolValue::Bytes(b) => format!("0x{}", hex::encode(b)),
        DynSolValue::Array(items) | DynSolValue::FixedArray(items) | DynSolValue::Tuple(items) => {
            format!("[{}]", items.iter().map(show_value).collect::<Vec<_>>().join(", "))
        }
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::sol_types::SolCall;
    use lpx_abi::{bonding_manager::IBondingManager, controller::IController, governor::ILivepeerGovernor};

    fn book() -> Deployments {
        let mut b = Deployments::default();
        for (i, name) in ["Controller", "BondingManager", "BondingManagerTarget", "LivepeerGovernor", "Treasury"].iter().enumerate() {
            b.insert(name, Address::with_last_byte(i as u8 + 1));
        }
        b
    }

    #[test]
    fn set_finds_the_typed_setter_and_encodes_its_argument() {
        let a = set("bonding.unbondingPeriod=10", &book()).unwrap();
        assert_eq!(a.target, Address::with_last_byte(2));
        assert_eq!(a.calldata, Bytes::from(IBondingManager::setUnbondingPeriodCall { _unbondingPeriod: 10 }.abi_encode()));
        assert_eq!(describe(&a, &book()), "BondingManager.setUnbondingPeriod(10)");

        // OZ's `update…` setters and amounts with a unit.
        let q = set("governor.quorumNumerator=500000", &book()).unwrap();
        let want = ILivepeerGovernor::updateQuorumNumeratorCall { newQuorumNumerator: U256::from(500_000) };
        assert_eq!(q.calldata, Bytes::from(want.abi_encode()));
        let t = set("governor.proposalThreshold=50LPT", &book()).unwrap();
        let want = ILivepeerGovernor::setProposalThresholdCall { newProposalThreshold: U256::from(50u64) * U256::from(10u64).pow(U256::from(18)) };
        assert_eq!(t.calldata, Bytes::from(want.abi_encode()));
    }

    #[test]
    fn set_refuses_what_it_cannot_encode() {
        let e = |s: &str| set(s, &book()).unwrap_err().to_string();
        assert!(e("bonding.noSuchThing=1").contains("no single-argument setter for \"noSuchThing\""));
        assert!(e("bonding.unbondingPeriod=ten").contains("not a valid uint64"));
        assert!(e("bonding.unbondingPeriod=99999999999999999999999").contains("not a valid uint64"));
        assert!(e("nowhere.x=1").contains("unknown contract"));
        assert!(e("unbondingPeriod").contains("expected <contract>.<param>=<value>"));
    }

    #[test]
    fn upgrade_repoints_the_target_id_and_tags_the_code_hash() {
        let code = Bytes::from_static(&[0xef, 0xf0, 0x00, 1, 2, 3]);
        let (name, implementation) = parse_upgrade("BondingManager=0x00000000000000000000000000000000000000aa").unwrap();
        let a = upgrade(name, implementation, &code, &book()).unwrap();
        let call = IController::setContractInfoCall::abi_decode(&a.calldata).unwrap();
        assert_eq!(call._id, keccak256("BondingManagerTarget"));
        assert_eq!(call._contractAddress, Address::with_last_byte(0xaa));
        assert_eq!(call._gitCommitHash[..], keccak256(&code)[..20]);
        assert_eq!(a.target, Address::with_last_byte(1));
        let words = describe(&a, &book());
        assert!(words.starts_with("Controller.setContractInfo(keccak256(\"BondingManagerTarget\"), 0x00000000000000000000000000000000000000AA"), "{words}");

        let empty = upgrade(name, implementation, &Bytes::new(), &book());
        assert!(empty.unwrap_err().to_string().contains("has no code"));
    }

    #[test]
    fn call_takes_names_or_addresses_and_any_signature() {
        let parts = [
            "Treasury",
            "grantRole(bytes32,address)",
            "0x0000000000000000000000000000000000000000000000000000000000000001",
            "0x00000000000000000000000000000000000000bb",
        ]
        .map(String::from);
        let a = call(&parts, &book()).unwrap();
        assert_eq!(a.target, Address::with_last_byte(5));
        assert_eq!(&a.calldata[..4], &keccak256("grantRole(bytes32,address)")[..4]);
        let bad = ["Treasury", "grantRole(bytes32,address)", "0x01"].map(String::from);
        assert!(call(&bad, &book()).unwrap_err().to_string().contains("takes 2 argument(s), 1 given"));
        let raw = Action { target: Address::with_last_byte(9), value: U256::ZERO, calldata: Bytes::from_static(&[1, 2, 3, 4, 5]) };
        assert!(describe(&raw, &book()).contains("raw call 0x0102030405"));
    }
}

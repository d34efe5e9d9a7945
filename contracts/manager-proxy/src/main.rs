//! `export-abi` (`--features export-abi`): prints the Solidity interface of the functions
//! the proxy serves itself (the three selectors [`lpx_manager_proxy::proxy_entry`] matches,
//! with their signatures from `lpx_abi::manager::IManagerProxy`), for
//! `contracts/manager-proxy/abi.sol`. Every other call is the target's, so it is not part of
//! this interface. Empty otherwise.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
/// Without `export-abi` the binary is empty (the contract is the library's `cdylib`).
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    use lpx_abi::export::{Function, Interface};
    use lpx_abi::manager::IManagerProxy as I;

    const CALLS: &[Function] = lpx_abi::functions!(I::controllerCall, I::targetContractIdCall, I::setControllerCall);
    let served: Vec<[u8; 4]> = CALLS.iter().map(|(selector, _, _)| *selector).collect();
    let text =
        Interface { generator: "lpx-manager-proxy's export-abi binary", name: "IManagerProxy", served: &served, functions: CALLS, payable: &[], structs: &[] }
            .render();
    print!("{text}");
}

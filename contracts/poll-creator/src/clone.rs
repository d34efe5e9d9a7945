//! The init code of a poll: an EIP-1167 minimal proxy of the Poll program whose constructor
//! first records its creator.
//!
//! EIP-1167's creation code is `3d602d80600a3d3981f3` followed by the 45-byte runtime
//! `363d3d373d3d3d363d73 <implementation> 5af43d82803e903d91602b57fd5bf3`. lpx prepends
//! `CALLER PUSH1 1 SSTORE` (`33600155`), which stores the creating contract in the clone's
//! slot 1 (the Poll's `creator`), and moves the runtime's code offset from 0x0a to 0x0e.
//! The runtime is the standard one, so explorers recognise the clone and its implementation.

use alloy_primitives::Address;

/// `CALLER PUSH1 1 SSTORE`, then EIP-1167's creation code with the runtime at offset 0x0e.
const PREFIX: [u8; 14] = [0x33, 0x60, 0x01, 0x55, 0x3d, 0x60, 0x2d, 0x80, 0x60, 0x0e, 0x3d, 0x39, 0x81, 0xf3];
/// The runtime before the implementation's address.
const RUNTIME_HEAD: [u8; 10] = [0x36, 0x3d, 0x3d, 0x37, 0x3d, 0x3d, 0x3d, 0x36, 0x3d, 0x73];
/// The runtime after the implementation's address.
const RUNTIME_TAIL: [u8; 15] = [0x5a, 0xf4, 0x3d, 0x82, 0x80, 0x3e, 0x90, 0x3d, 0x91, 0x60, 0x2b, 0x57, 0xfd, 0x5b, 0xf3];

/// Length of the init code.
pub const INIT_CODE_LEN: usize = PREFIX.len() + RUNTIME_HEAD.len() + 20 + RUNTIME_TAIL.len();

/// The init code of a clone of `implementation` (59 bytes).
pub fn clone_init_code(implementation: Address) -> [u8; INIT_CODE_LEN] {
    let mut code = [0u8; INIT_CODE_LEN];
    let (prefix, rest) = code.split_at_mut(PREFIX.len());
    prefix.copy_from_slice(&PREFIX);
    let (head, rest) = rest.split_at_mut(RUNTIME_HEAD.len());
    head.copy_from_slice(&RUNTIME_HEAD);
    let (addr, tail) = rest.split_at_mut(20);
    addr.copy_from_slice(implementation.as_slice());
    tail.copy_from_slice(&RUNTIME_TAIL);
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, hex};

    #[test]
    fn runtime_is_eip_1167_and_the_offset_points_at_it() {
        let imp = address!("bebebebebebebebebebebebebebebebebebebebe");
        let code = clone_init_code(imp);
        assert_eq!(code.len(), 59);
        // The runtime from EIP-1167's text, with its example address replaced.
        let runtime = hex!("363d3d373d3d3d363d73bebebebebebebebebebebebebebebebebebebebe5af43d82803e903d91602b57fd5bf3");
        let offset = code[9] as usize;
        let size = code[6] as usize;
        assert_eq!((offset, size), (14, 45));
        assert_eq!(&code[offset..offset + size], &runtime[..]);
        // CALLER goes to slot 1, lpx-poll's CREATOR_SLOT (the devnet e2e test runs a clone).
        assert_eq!(&code[..4], &[0x33, 0x60, 0x01, 0x55]);
    }
}

//! Shared contract code: fixed-point math, controller lookups, access checks.
#![no_std]
extern crate alloc;

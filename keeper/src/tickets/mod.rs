//! Winning tickets: intake (checks and JSON form), the SQLite queue, spool-directory
//! intake, and the classification of failed redemptions.

pub mod classify;
pub mod intake;
pub mod queue;
pub mod spool;

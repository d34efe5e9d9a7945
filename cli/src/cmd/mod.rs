//! One module per subcommand group.

pub mod broadcaster;
pub mod deploy;
pub mod gov;
pub mod poll;
pub mod staking;
pub mod status;

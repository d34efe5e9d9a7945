//! Loading what every lpx chain client needs.
//!
//! - [`signer`]: a private key from an environment variable, or an encrypted JSON keystore
//!   with its password from an environment variable or a file. Keys never appear in
//!   errors or `Debug` output.
//! - [`deployments`]: the address book `deployments/<network>.json`.

pub mod deployments;
pub mod signer;

pub use deployments::{Deployments, DeploymentsError};
pub use signer::{load_signer, SignerError, SignerSource};

//! Signers from configuration.
//!
//! Two sources, matching how operators run daemons: a hex private key in an environment
//! variable (systemd `LoadCredential`/`EnvironmentFile`, CI), or an encrypted JSON keystore
//! (geth/cast format) whose password comes from an environment variable or a file. The
//! config names the variable or the file, never the secret itself.

use std::path::{Path, PathBuf};

use alloy::signers::local::PrivateKeySigner;
use serde::Deserialize;

/// Where the key comes from (the `[signer]` table of a config file).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SignerSource {
    /// Name of an environment variable holding a hex private key.
    #[serde(default)]
    pub private_key_env: Option<String>,
    /// Path of a file holding a hex private key (e.g. a systemd credential).
    #[serde(default)]
    pub private_key_file: Option<PathBuf>,
    /// Path of an encrypted JSON keystore.
    #[serde(default)]
    pub keystore: Option<PathBuf>,
    /// Name of an environment variable holding the keystore password.
    #[serde(default)]
    pub password_env: Option<String>,
    /// Path of a file holding the keystore password (trailing newline ignored).
    #[serde(default)]
    pub password_file: Option<PathBuf>,
}

/// Why no signer could be loaded. Messages say what to fix and never contain a secret.
#[derive(Debug, thiserror::Error)]
pub enum SignerError {
    /// Neither or several sources configured.
    #[error("configure exactly one of signer.private_key_env, signer.private_key_file or signer.keystore")]
    Ambiguous,
    /// The named variable is unset.
    #[error("environment variable {0} is not set")]
    MissingEnv(String),
    /// The key in the variable is not a 32-byte hex key.
    #[error("environment variable {0} does not hold a 32-byte hex private key")]
    BadKey(String),
    /// The key file cannot be read.
    #[error("cannot read private key file {path}: {source}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The key file does not hold a key.
    #[error("private key file {0} does not hold a 32-byte hex private key")]
    BadKeyFile(PathBuf),
    /// A keystore needs a password source.
    #[error("signer.keystore needs signer.password_env or signer.password_file")]
    NoPassword,
    /// The password file cannot be read.
    #[error("cannot read password file {path}: {source}")]
    PasswordFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The keystore cannot be read or decrypted.
    #[error("cannot open keystore {path}: {reason} (wrong password or not a keystore file)")]
    Keystore {
        /// The file.
        path: PathBuf,
        /// Why (from the keystore library; contains no secret).
        reason: String,
    },
}

fn env(name: &str) -> Result<String, SignerError> {
    std::env::var(name).map_err(|_| SignerError::MissingEnv(name.to_string()))
}

fn password(src: &SignerSource) -> Result<String, SignerError> {
    match (&src.password_env, &src.password_file) {
        (Some(v), _) => env(v),
        (None, Some(p)) => std::fs::read_to_string(p)
            .map(|s| s.trim_end_matches(['\n', '\r']).to_string())
            .map_err(|source| SignerError::PasswordFile { path: p.clone(), source }),
        (None, None) => Err(SignerError::NoPassword),
    }
}

/// Loads the signer described by `src`; relative keystore paths resolve against `base`.
pub fn load_signer(src: &SignerSource, base: &Path) -> Result<PrivateKeySigner, SignerError> {
    let resolve = |p: &PathBuf| if p.is_absolute() { p.clone() } else { base.join(p) };
    match (&src.private_key_env, &src.private_key_file, &src.keystore) {
        (Some(var), None, None) => {
            let key = env(var)?;
            key.trim().parse::<PrivateKeySigner>().map_err(|_| SignerError::BadKey(var.clone()))
        }
        (None, Some(file), None) => {
            let path = resolve(file);
            let key = std::fs::read_to_string(&path).map_err(|source| SignerError::KeyFile { path: path.clone(), source })?;
            key.trim().parse::<PrivateKeySigner>().map_err(|_| SignerError::BadKeyFile(path))
        }
        (None, None, Some(path)) => {
            let path = resolve(path);
            let pw = password(src)?;
            PrivateKeySigner::decrypt_keystore(&path, pw).map_err(|e| SignerError::Keystore { path, reason: e.to_string() })
        }
        _ => Err(SignerError::Ambiguous),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    const ADDR: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

    fn src() -> SignerSource {
        SignerSource { private_key_env: None, private_key_file: None, keystore: None, password_env: None, password_file: None }
    }

    #[test]
    fn key_from_env() {
        std::env::set_var("LPX_TEST_SIGNER_KEY_A", KEY);
        let s = load_signer(&SignerSource { private_key_env: Some("LPX_TEST_SIGNER_KEY_A".into()), ..src() }, Path::new(".")).unwrap();
        assert_eq!(s.address().to_string(), ADDR);
        let e = load_signer(&SignerSource { private_key_env: Some("LPX_TEST_SIGNER_UNSET".into()), ..src() }, Path::new(".")).unwrap_err();
        assert_eq!(e.to_string(), "environment variable LPX_TEST_SIGNER_UNSET is not set");
        std::env::set_var("LPX_TEST_SIGNER_KEY_B", "0x1234");
        let e = load_signer(&SignerSource { private_key_env: Some("LPX_TEST_SIGNER_KEY_B".into()), ..src() }, Path::new(".")).unwrap_err();
        assert!(!e.to_string().contains("1234"), "secret leaked: {e}");
        assert!(matches!(load_signer(&src(), Path::new(".")), Err(SignerError::Ambiguous)));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("key"), format!("{KEY}\n")).unwrap();
        let s = load_signer(&SignerSource { private_key_file: Some("key".into()), ..src() }, dir.path()).unwrap();
        assert_eq!(s.address().to_string(), ADDR);
    }

    #[test]
    fn key_from_keystore_with_password_file_and_env() {
        let dir = tempfile::tempdir().unwrap();
        let pk = alloy::primitives::hex::decode(KEY).unwrap();
        PrivateKeySigner::encrypt_keystore(dir.path(), &mut rand::thread_rng(), pk, "hunter2", Some("key.json")).unwrap();
        std::fs::write(dir.path().join("pw"), "hunter2\n").unwrap();
        let from_file = SignerSource { keystore: Some("key.json".into()), password_file: Some(dir.path().join("pw")), ..src() };
        assert_eq!(load_signer(&from_file, dir.path()).unwrap().address().to_string(), ADDR);

        std::env::set_var("LPX_TEST_KEYSTORE_PW", "not-the-pw-9f3");
        let from_env = SignerSource { keystore: Some(dir.path().join("key.json")), password_env: Some("LPX_TEST_KEYSTORE_PW".into()), ..src() };
        let e = load_signer(&from_env, Path::new("/")).unwrap_err();
        assert!(matches!(e, SignerError::Keystore { .. }), "{e}");
        assert!(!e.to_string().contains("not-the-pw-9f3"), "password leaked: {e}");

        let no_pw = SignerSource { keystore: Some("key.json".into()), ..src() };
        assert!(matches!(load_signer(&no_pw, dir.path()), Err(SignerError::NoPassword)));
    }
}

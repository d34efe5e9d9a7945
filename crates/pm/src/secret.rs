//! The recipient's HMAC secret, persisted so that ticket params issued before a restart
//! stay redeemable (go-livepeer keeps it in memory only and loses them).

use std::{fs, io, io::Write, path::Path};

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// 32 secret bytes keying the recipientRand HMAC. `Debug` never shows them.
#[derive(Clone)]
pub struct RecipientSecret([u8; 32]);

impl std::fmt::Debug for RecipientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecipientSecret(<redacted>)")
    }
}

impl RecipientSecret {
    /// Wraps existing bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// A fresh secret from the OS random source.
    pub fn random() -> Self {
        let mut b = [0u8; 32];
        rand::rng().fill_bytes(&mut b);
        Self(b)
    }

    /// Reads the secret at `path`, or creates it (mode 0600 on Unix) if absent.
    ///
    /// # Errors
    /// I/O errors, or `InvalidData` if the file is not exactly 32 bytes.
    pub fn load_or_create(path: &Path) -> io::Result<Self> {
        match fs::read(path) {
            Ok(bytes) => {
                let arr: [u8; 32] = bytes.try_into().map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "recipient secret must be 32 bytes"))?;
                Ok(Self(arr))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let secret = Self::random();
                let mut opts = fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                let mut f = opts.open(path)?;
                f.write_all(&secret.0)?;
                f.sync_all()?;
                Ok(secret)
            }
            Err(e) => Err(e),
        }
    }

    /// HMAC-SHA256 of `msg` under the secret.
    pub fn mac(&self, msg: &[u8]) -> [u8; 32] {
        // SAFETY: HMAC accepts keys of any length, so `new_from_slice` cannot fail.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(msg);
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persisted_secret_survives_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        let a = RecipientSecret::load_or_create(&path).unwrap();
        let b = RecipientSecret::load_or_create(&path).unwrap();
        assert_eq!(a.mac(b"x"), b.mac(b"x"));
        assert_ne!(a.mac(b"x"), RecipientSecret::random().mac(b"x"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(format!("{a:?}"), "RecipientSecret(<redacted>)");
        fs::write(&path, [1u8; 31]).unwrap();
        assert_eq!(RecipientSecret::load_or_create(&path).unwrap_err().kind(), io::ErrorKind::InvalidData);
    }
}

//! HTTPS for a team server that listens on an address other computers reach
//! (`capekit serve --team --tls-cert FILE --tls-key FILE`): rustls, through tokio-rustls, with
//! the certificate chain and private key of PEM files.
//!
//! Passwords and session cookies must not cross a network in clear, so a team server listens
//! elsewhere than loopback only with this, or behind a reverse proxy that serves HTTPS. HTTP/1.1
//! only, as without TLS; the TLS handshake must end within the header timeout, so that a client
//! that opens a connection and never finishes its handshake cannot hold it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A request that arrived over TLS (set by [`crate::serve_on`]): its cookies are `Secure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Https;

/// The TLS set-up of a server: certificate chain and key, read once at start.
#[derive(Clone)]
pub struct Tls(pub(crate) tokio_rustls::TlsAcceptor);

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tls")
    }
}

/// Why the certificate or key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read as PEM, or held nothing of what it should.
    #[error("{path}: {what}")]
    File {
        /// The file.
        path: PathBuf,
        /// What was wrong, in words.
        what: String,
    },
    /// The key does not go with the certificate, or rustls refused them.
    #[error("the certificate and key cannot be used together: {0}")]
    Config(String),
}

impl Tls {
    /// Reads the certificate chain (`cert`, PEM, the server's certificate first) and its
    /// private key (`key`, PEM: PKCS#8, PKCS#1 or SEC1).
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Tls, TlsError> {
        let bad = |path: &Path, what: String| TlsError::File {
            path: path.to_owned(),
            what,
        };
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
            .map_err(|e| bad(cert, format!("cannot be read as PEM: {e}")))?
            .collect::<Result<_, _>>()
            .map_err(|e| {
                bad(
                    cert,
                    format!("holds a certificate that cannot be read: {e}"),
                )
            })?;
        if chain.is_empty() {
            return Err(bad(
                cert,
                "holds no certificate (expected -----BEGIN CERTIFICATE-----)".to_owned(),
            ));
        }
        let key_der = PrivateKeyDer::from_pem_file(key)
            .map_err(|e| bad(key, format!("holds no private key that can be read: {e}")))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Config(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key_der)
            .map_err(|e| TlsError::Config(e.to_string()))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls(tokio_rustls::TlsAcceptor::from(Arc::new(config))))
    }
}

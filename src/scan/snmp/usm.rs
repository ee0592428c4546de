//! SNMPv3 User-based Security (RFC 3414, SHA-2 from RFC 7860, AES from RFC 3826) through
//! snmp2's pure-Rust USM: our credentials in its terms, and its refusals in words.
use crate::model::snmp_access::{AuthProtocol, PrivProtocol, UsmCredentials};
use snmp2::v3::{self, Auth, AuthErrorKind, Cipher, KeyExtension, Security};

fn auth_protocol(p: AuthProtocol) -> v3::AuthProtocol {
    match p {
        AuthProtocol::Md5 => v3::AuthProtocol::Md5,
        AuthProtocol::Sha1 => v3::AuthProtocol::Sha1,
        AuthProtocol::Sha224 => v3::AuthProtocol::Sha224,
        AuthProtocol::Sha256 => v3::AuthProtocol::Sha256,
        AuthProtocol::Sha384 => v3::AuthProtocol::Sha384,
        AuthProtocol::Sha512 => v3::AuthProtocol::Sha512,
    }
}

/// The cipher, and how a key too short for it is extended: net-snmp and most vendors use
/// Blumenthal's method, Cisco Reeder's (`aes192c`/`aes256c`).
fn cipher(p: PrivProtocol) -> (Cipher, KeyExtension) {
    match p {
        PrivProtocol::Des => (Cipher::Des, KeyExtension::Blumenthal),
        PrivProtocol::Aes128 => (Cipher::Aes128, KeyExtension::Blumenthal),
        PrivProtocol::Aes192 => (Cipher::Aes192, KeyExtension::Blumenthal),
        PrivProtocol::Aes256 => (Cipher::Aes256, KeyExtension::Blumenthal),
        PrivProtocol::Aes192c => (Cipher::Aes192, KeyExtension::Reeder),
        PrivProtocol::Aes256c => (Cipher::Aes256, KeyExtension::Reeder),
    }
}

/// snmp2's security state for `usm`. Pass phrases were checked non-empty when stored (the
/// key derivation repeats the phrase to a megabyte and needs at least one byte).
pub fn security(usm: &UsmCredentials) -> Security {
    let mut s = Security::new(usm.user.trim().as_bytes(), usm.auth_pass.as_bytes())
        .with_auth_protocol(auth_protocol(usm.auth))
        .with_context_name(&usm.context);
    s = match usm.privacy {
        Some(p) => {
            let (cipher, extension) = cipher(p);
            s.with_auth(Auth::AuthPriv {
                cipher,
                privacy_password: usm.priv_pass.as_bytes().to_vec(),
            })
            .with_key_extension_method(extension)
        }
        None => s.with_auth(Auth::AuthNoPriv),
    };
    s
}

/// Whether `e` means the agent would not take these credentials (a report of an unknown
/// user, a wrong digest or an undecryptable message, or an answer that does not verify).
pub fn is_refusal(e: &snmp2::Error) -> bool {
    matches!(
        e,
        snmp2::Error::AuthFailure(
            AuthErrorKind::NotAuthenticated
                | AuthErrorKind::SignatureMismatch
                | AuthErrorKind::UsernameMismatch
                | AuthErrorKind::ReplyNotEncrypted
                | AuthErrorKind::KeyExtensionRequired
                | AuthErrorKind::UnsupportedUSM
        )
    )
}

/// `e` in a few words; never a key or pass phrase (snmp2's errors hold none).
pub fn describe(e: &snmp2::Error) -> String {
    match e {
        snmp2::Error::AuthFailure(AuthErrorKind::NotAuthenticated) => {
            "the agent reported an unknown user, a wrong digest or a message it could not decrypt"
                .into()
        }
        snmp2::Error::AuthFailure(AuthErrorKind::SignatureMismatch) => {
            "its answer did not verify with this authentication pass phrase".into()
        }
        snmp2::Error::AuthFailure(AuthErrorKind::ReplyNotEncrypted) => {
            "the agent answered without privacy".into()
        }
        snmp2::Error::AuthFailure(kind) => kind.to_string(),
        other => format!("{other:?}"),
    }
}

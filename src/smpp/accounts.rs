//! SMPP accounts: the rules for bind credentials and limits, and password hashing. Pure; the
//! store is `account_store`.

use std::net::IpAddr;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use ipnet::IpNet;

use crate::error::AppError;

/// SMPP 3.4 limits the system_id to 15 characters (16 octets with the terminating NUL).
pub const MAX_SYSTEM_ID: usize = 15;
/// SMPP 3.4 limits the password to 8 characters (9 octets with NUL).
pub const MAX_PASSWORD: usize = 8;
/// Upper bounds an admin may set.
pub const MAX_WINDOW: u32 = 1_000;
pub const MAX_BINDS: u32 = 100;

/// How a client may bind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum BindType {
    Transmitter,
    Receiver,
    Transceiver,
}

impl BindType {
    pub fn as_str(self) -> &'static str {
        match self {
            BindType::Transmitter => "transmitter",
            BindType::Receiver => "receiver",
            BindType::Transceiver => "transceiver",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "transmitter" => Some(BindType::Transmitter),
            "receiver" => Some(BindType::Receiver),
            "transceiver" => Some(BindType::Transceiver),
            _ => None,
        }
    }
}

/// The stored form of a set of bind types: sorted, comma-separated.
pub fn encode_bind_types(types: &[BindType]) -> String {
    let mut names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.join(",")
}

/// Reads the stored form back; unknown names are ignored.
pub fn decode_bind_types(stored: &str) -> Vec<BindType> {
    stored.split(',').filter_map(BindType::parse).collect()
}

/// Visible ASCII: what an SMPP C-octet string of credentials may hold.
fn visible_ascii(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_graphic())
}

/// Checks a system_id.
pub fn check_system_id(system_id: &str) -> Result<(), AppError> {
    if system_id.is_empty() || system_id.len() > MAX_SYSTEM_ID || !visible_ascii(system_id) {
        return Err(AppError::invalid_field(
            "system_id",
            format!("must be 1 to {MAX_SYSTEM_ID} visible ASCII characters"),
        ));
    }
    Ok(())
}

/// Checks a password an admin chose.
pub fn check_password(password: &str) -> Result<(), AppError> {
    if password.is_empty() || password.len() > MAX_PASSWORD || !visible_ascii(password) {
        return Err(AppError::invalid_field(
            "password",
            format!("must be 1 to {MAX_PASSWORD} visible ASCII characters (SMPP 3.4)"),
        ));
    }
    Ok(())
}

/// Checks limits and parses the allowed networks (`10.0.0.0/8`, a bare address = one host)
/// into their stored form.
pub fn check_limits(
    bind_types: &[BindType],
    max_binds: u32,
    window_size: u32,
    networks: &[String],
) -> Result<String, AppError> {
    if bind_types.is_empty() {
        return Err(AppError::invalid_field(
            "bind_types",
            "allow at least one bind type",
        ));
    }
    if !(1..=MAX_BINDS).contains(&max_binds) {
        return Err(AppError::invalid_field(
            "max_binds",
            format!("must be between 1 and {MAX_BINDS}"),
        ));
    }
    if !(1..=MAX_WINDOW).contains(&window_size) {
        return Err(AppError::invalid_field(
            "window_size",
            format!("must be between 1 and {MAX_WINDOW}"),
        ));
    }
    let mut parsed = Vec::with_capacity(networks.len());
    for network in networks {
        let network = network.trim();
        let net = network
            .parse::<IpNet>()
            .or_else(|_| network.parse::<IpAddr>().map(IpNet::from))
            .map_err(|_| {
                AppError::invalid_field(
                    "allowed_networks",
                    format!("{network:?} is not an IP network such as 203.0.113.0/24"),
                )
            })?;
        parsed.push(net.trunc().to_string());
    }
    Ok(parsed.join(","))
}

/// Reads stored networks back.
pub fn decode_networks(stored: &str) -> Vec<IpNet> {
    stored
        .split(',')
        .filter_map(|n| n.parse::<IpNet>().ok())
        .collect()
}

/// True when a bind from `ip` is allowed: no networks means any address.
pub fn network_allows(networks: &[IpNet], ip: IpAddr) -> bool {
    networks.is_empty() || networks.iter().any(|n| n.contains(&ip))
}

/// Hashes a password with Argon2id and a fresh salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing a password: {e}")))
}

/// Checks a password against its stored hash.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random 8-character password of letters and digits, for when the admin does not choose.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut bytes = [0u8; MAX_PASSWORD];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hashed_salted_and_verified() {
        let a = hash_password("demopass").unwrap();
        let b = hash_password("demopass").unwrap();
        assert_ne!(a, b, "a fresh salt each time");
        assert!(!a.contains("demopass"));
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("demopass", &a));
        assert!(!verify_password("demopas", &a));
        assert!(!verify_password("demopass", "not a hash"));
    }

    #[test]
    fn credentials_fit_smpp_3_4() {
        assert!(check_system_id("demo").is_ok());
        assert!(check_system_id("abcdefghijklmno").is_ok());
        assert!(check_system_id("abcdefghijklmnop").is_err());
        assert!(check_system_id("").is_err());
        assert!(check_system_id("with space").is_err());
        assert!(check_password("12345678").is_ok());
        assert!(check_password("123456789").is_err());
        assert!(check_password("pässwd").is_err());
        let generated = generate_password();
        assert!(check_password(&generated).is_ok());
    }

    #[test]
    fn networks_are_parsed_and_matched() {
        let stored = check_limits(
            &[BindType::Transceiver],
            2,
            64,
            &["203.0.113.7/24".into(), "2001:db8::1".into()],
        )
        .unwrap();
        assert_eq!(stored, "203.0.113.0/24,2001:db8::1/128");
        let networks = decode_networks(&stored);
        assert!(network_allows(&networks, "203.0.113.200".parse().unwrap()));
        assert!(!network_allows(&networks, "198.51.100.1".parse().unwrap()));
        assert!(network_allows(&[], "198.51.100.1".parse().unwrap()));
        let err = check_limits(&[BindType::Receiver], 1, 1, &["10.0.0.0/33".into()]).unwrap_err();
        assert!(err.to_string().contains("allowedNetworks"), "{err}");
        assert!(check_limits(&[], 1, 1, &[]).is_err());
        assert!(check_limits(&[BindType::Receiver], 0, 1, &[]).is_err());
        assert!(check_limits(&[BindType::Receiver], 1, MAX_WINDOW + 1, &[]).is_err());
    }

    #[test]
    fn bind_types_round_trip_through_their_stored_form() {
        let stored = encode_bind_types(&[
            BindType::Transceiver,
            BindType::Receiver,
            BindType::Receiver,
        ]);
        assert_eq!(stored, "receiver,transceiver");
        assert_eq!(
            decode_bind_types(&stored),
            [BindType::Receiver, BindType::Transceiver]
        );
    }
}

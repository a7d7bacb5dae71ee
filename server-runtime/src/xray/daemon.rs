//! Where the X-Ray daemon listens: `AWS_XRAY_DAEMON_ADDRESS`.

use std::fmt;

use super::XrayError;

/// The environment variable that tells where the X-Ray daemon listens (the Lambda
/// runtime sets it when active tracing is on).
pub const ADDRESS_ENV: &str = "AWS_XRAY_DAEMON_ADDRESS";

/// The daemon's address when the environment does not give one.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:2000";

/// The UDP address of the X-Ray daemon, as `host:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonAddress {
    host: String,
    port: u16,
}

impl DaemonAddress {
    /// Parses `AWS_XRAY_DAEMON_ADDRESS`: either `host:port` (UDP and TCP alike) or
    /// `tcp:host:port udp:host:port` in either order, of which the UDP one is kept.
    /// IPv6 hosts are bracketed (`[::1]:2000`).
    pub fn parse(value: &str) -> Result<DaemonAddress, XrayError> {
        let invalid = || XrayError::InvalidDaemonAddress(value.to_owned());
        let parts: Vec<&str> = value.split_whitespace().collect();
        let udp = match parts.as_slice() {
            [single] if !single.starts_with("tcp:") && !single.starts_with("udp:") => *single,
            [first, second] => {
                let (udp, tcp) = match (first.strip_prefix("udp:"), second.strip_prefix("udp:")) {
                    (Some(udp), None) => (udp, *second),
                    (None, Some(udp)) => (udp, *first),
                    _ => return Err(invalid()),
                };
                if !tcp.starts_with("tcp:") {
                    return Err(invalid());
                }
                udp
            }
            _ => return Err(invalid()),
        };
        let (host, port) = udp.rsplit_once(':').ok_or_else(invalid)?;
        let port: u16 = port.parse().map_err(|_| invalid())?;
        if host.is_empty() || port == 0 {
            return Err(invalid());
        }
        Ok(DaemonAddress {
            host: host.to_owned(),
            port,
        })
    }

    /// The address in `AWS_XRAY_DAEMON_ADDRESS`, or `127.0.0.1:2000` when it is unset.
    pub fn from_env() -> Result<DaemonAddress, XrayError> {
        match std::env::var(ADDRESS_ENV) {
            Ok(value) => DaemonAddress::parse(&value),
            Err(_) => DaemonAddress::parse(DEFAULT_ADDRESS),
        }
    }
}

impl Default for DaemonAddress {
    /// `127.0.0.1:2000`.
    fn default() -> Self {
        DaemonAddress {
            host: "127.0.0.1".to_owned(),
            port: 2000,
        }
    }
}

impl fmt::Display for DaemonAddress {
    /// `host:port`, ready for [`std::net::ToSocketAddrs`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_addresses_parse() {
        assert_eq!(
            DaemonAddress::parse("127.0.0.1:2000").unwrap(),
            DaemonAddress::default()
        );
        assert_eq!(
            DaemonAddress::parse("xray-daemon:2001")
                .unwrap()
                .to_string(),
            "xray-daemon:2001"
        );
        assert_eq!(
            DaemonAddress::parse("[::1]:2000").unwrap().to_string(),
            "[::1]:2000"
        );
    }

    #[test]
    fn the_udp_half_of_a_pair_is_kept() {
        let pair = DaemonAddress::parse("tcp:127.0.0.1:2000 udp:169.254.79.129:2000").unwrap();
        assert_eq!(pair.to_string(), "169.254.79.129:2000");
        let reversed = DaemonAddress::parse("udp:10.0.0.1:3000 tcp:10.0.0.1:2000").unwrap();
        assert_eq!(reversed.to_string(), "10.0.0.1:3000");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "localhost",
            ":2000",
            "host:0",
            "host:port",
            "udp:127.0.0.1:2000",
            "tcp:a:1 tcp:b:2",
            "udp:a:1 udp:b:2",
            "udp:a:1 b:2",
            "a:1 b:2 c:3",
        ] {
            assert!(DaemonAddress::parse(bad).is_err(), "{bad:?}");
        }
    }
}

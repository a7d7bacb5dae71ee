//! A stand-in X-Ray daemon: a UDP socket on loopback that keeps every datagram.

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use oapi_gen_server_runtime::xray::{DaemonAddress, XrayHandle};
use serde_json::Value;

/// The line that starts every datagram.
pub const HEADER: &str = "{\"format\": \"json\", \"version\": 1}\n";

/// One datagram received.
#[derive(Debug)]
pub struct Datagram {
    /// Its size in bytes.
    pub size: usize,
    /// The document after the header line.
    pub document: Value,
}

/// A UDP listener on 127.0.0.1 reading on its own thread.
pub struct Daemon {
    address: DaemonAddress,
    received: Arc<Mutex<Vec<Vec<u8>>>>,
    returned: Mutex<usize>,
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
}

impl Daemon {
    /// Listens on a free port, with a receive buffer large enough for bursts of
    /// 64 KiB datagrams.
    pub fn start() -> Daemon {
        let socket = socket2::Socket::new(
            socket2::Domain::IPV4,
            socket2::Type::DGRAM,
            Some(socket2::Protocol::UDP),
        )
        .unwrap();
        socket.set_recv_buffer_size(4 << 20).unwrap();
        socket
            .bind(
                &"127.0.0.1:0"
                    .parse::<std::net::SocketAddr>()
                    .unwrap()
                    .into(),
            )
            .unwrap();
        let socket: UdpSocket = socket.into();
        socket
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let address = DaemonAddress::parse(&socket.local_addr().unwrap().to_string()).unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let reader = {
            let received = Arc::clone(&received);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut buffer = vec![0; 1 << 17];
                while !stop.load(Ordering::Relaxed) {
                    if let Ok(size) = socket.recv(&mut buffer) {
                        received.lock().unwrap().push(buffer[..size].to_vec());
                    }
                }
            })
        };
        Daemon {
            address,
            received,
            returned: Mutex::new(0),
            stop,
            reader: Some(reader),
        }
    }

    /// Where to send.
    pub fn address(&self) -> DaemonAddress {
        self.address.clone()
    }

    /// Everything received since the last call once the exporter has flushed, each datagram checked to
    /// start with the header line and hold one JSON document.
    pub fn receive(&self, handle: &XrayHandle) -> Vec<Datagram> {
        assert!(handle.flush(Duration::from_secs(5)), "the exporter flushes");
        // Loopback delivery is immediate; leave the reader a moment to copy.
        let mut count = usize::MAX;
        loop {
            std::thread::sleep(Duration::from_millis(50));
            let now = self.received.lock().unwrap().len();
            if now == count {
                break;
            }
            count = now;
        }
        assert_eq!(
            handle.datagrams_sent(),
            count as u64,
            "every datagram sent was received"
        );
        let mut returned = self.returned.lock().unwrap();
        let fresh = self.received.lock().unwrap()[*returned..].to_vec();
        *returned = count;
        fresh
            .into_iter()
            .map(|bytes| {
                let text = std::str::from_utf8(&bytes).expect("datagrams are UTF-8");
                let body = text
                    .strip_prefix(HEADER)
                    .unwrap_or_else(|| panic!("datagram without the header line: {text:.100}"));
                assert!(!body.contains('\n'), "one document per datagram");
                Datagram {
                    size: bytes.len(),
                    document: serde_json::from_str(body).expect("the document is JSON"),
                }
            })
            .collect()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

//! The background sender: documents go through a bounded queue to one thread that
//! owns the UDP socket, so a request never waits on the network.

use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use super::XrayError;
use super::daemon::DaemonAddress;
use super::datagram::{MAX_DATAGRAM_BYTES, datagrams};
use super::segment::Document;

/// What the sending thread is asked to do.
enum Message {
    /// Send a request's document (a segment, or on Lambda a subsegment).
    Document(Box<Document>),
    /// Answer once everything queued before has been sent.
    Flush(SyncSender<()>),
}

/// Counters shared by the layer, the thread and the handles.
#[derive(Debug, Default)]
struct Counters {
    dropped: AtomicU64,
    sent: AtomicU64,
}

/// The layer's side of the queue.
#[derive(Debug, Clone)]
pub(crate) struct Exporter {
    queue: SyncSender<Message>,
    counters: Arc<Counters>,
}

impl Exporter {
    /// Binds the socket and starts the sending thread.
    pub fn start(
        daemon: DaemonAddress,
        capacity: usize,
    ) -> Result<(Exporter, XrayHandle), XrayError> {
        let local: SocketAddr = if daemon.to_string().starts_with('[') {
            (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
        } else {
            (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
        };
        let socket = UdpSocket::bind(local).map_err(XrayError::Socket)?;
        let (queue, receiver) = mpsc::sync_channel(capacity.max(1));
        let counters = Arc::new(Counters::default());
        let thread_counters = Arc::clone(&counters);
        std::thread::Builder::new()
            .name("xray-exporter".to_owned())
            .spawn(move || run(socket, daemon, receiver, &thread_counters))
            .map_err(XrayError::Spawn)?;
        let handle = XrayHandle {
            queue: queue.clone(),
            counters: Arc::clone(&counters),
        };
        Ok((Exporter { queue, counters }, handle))
    }

    /// Queues a request's document without waiting; counts it as dropped when the
    /// queue is full.
    pub fn export(&self, document: Document) {
        if self
            .queue
            .try_send(Message::Document(Box::new(document)))
            .is_err()
        {
            self.counters.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The sending thread: runs until the layer and every handle are gone.
fn run(socket: UdpSocket, daemon: DaemonAddress, receiver: Receiver<Message>, counters: &Counters) {
    let mut target: Option<SocketAddr> = None;
    for message in receiver {
        match message {
            Message::Document(document) => {
                if target.is_none() {
                    // Resolved on first use (and again after a failure), off the request path.
                    target = daemon
                        .to_string()
                        .to_socket_addrs()
                        .ok()
                        .and_then(|mut all| all.next());
                }
                let Some(target) = target else {
                    counters.dropped.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                let (datagrams, unsendable) = datagrams(*document, MAX_DATAGRAM_BYTES);
                counters.dropped.fetch_add(unsendable, Ordering::Relaxed);
                for datagram in datagrams {
                    let counter = match socket.send_to(&datagram, target) {
                        Ok(_) => &counters.sent,
                        Err(_) => &counters.dropped,
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            }
            Message::Flush(done) => {
                let _ = done.send(());
            }
        }
    }
}

/// Controls the exporter of an [`XrayLayer`](super::XrayLayer): flush before the
/// process may freeze (after each Lambda response), and read its counters.
#[derive(Debug, Clone)]
pub struct XrayHandle {
    queue: SyncSender<Message>,
    counters: Arc<Counters>,
}

impl XrayHandle {
    /// Waits until every document queued so far has been handed to the socket, for
    /// at most `timeout`; `false` when that did not happen in time.
    pub fn flush(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let (done, finished) = mpsc::sync_channel(1);
        let mut message = Message::Flush(done);
        loop {
            match self.queue.try_send(message) {
                Ok(()) => break,
                Err(TrySendError::Full(again)) if Instant::now() < deadline => {
                    message = again;
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(_) => return false,
            }
        }
        finished
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .is_ok()
    }

    /// How many documents or datagrams were lost: queue full, daemon address
    /// unresolvable, or a datagram the socket refused.
    pub fn dropped(&self) -> u64 {
        self.counters.dropped.load(Ordering::Relaxed)
    }

    /// How many datagrams were sent to the daemon.
    pub fn datagrams_sent(&self) -> u64 {
        self.counters.sent.load(Ordering::Relaxed)
    }
}

//! The background sender: documents go through a bounded queue to one thread that
//! owns the UDP socket, so a request never waits on the network.

use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError, TrySendError};
use std::thread::Thread;
use std::time::{Duration, Instant};

use super::XrayError;
use super::daemon::DaemonAddress;
use super::datagram::{MAX_DATAGRAM_BYTES, datagrams};
use super::segment::Document;

/// How long the sending thread lets documents accumulate once it is awake.
const BATCH_INTERVAL: Duration = Duration::from_millis(5);

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
        let thread = std::thread::Builder::new()
            .name("xray-exporter".to_owned())
            .spawn(move || run(socket, daemon, receiver, &thread_counters))
            .map_err(XrayError::Spawn)?;
        let handle = XrayHandle {
            queue: queue.clone(),
            counters: Arc::clone(&counters),
            thread: thread.thread().clone(),
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
    let mut sender = Sender {
        socket,
        daemon,
        target: None,
        counters,
    };
    // Block while idle; once woken, drain every interval until a round finds nothing.
    while let Ok(first) = receiver.recv() {
        sender.handle(first);
        loop {
            std::thread::park_timeout(BATCH_INTERVAL);
            let mut handled = false;
            loop {
                match receiver.try_recv() {
                    Ok(message) => {
                        sender.handle(message);
                        handled = true;
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return,
                }
            }
            if !handled {
                break;
            }
        }
    }
}

/// The sending thread's state.
struct Sender<'a> {
    socket: UdpSocket,
    daemon: DaemonAddress,
    /// The daemon's resolved address, once resolved.
    target: Option<SocketAddr>,
    counters: &'a Counters,
}

impl Sender<'_> {
    /// Carries out one message.
    fn handle(&mut self, message: Message) {
        let document = match message {
            Message::Document(document) => document,
            Message::Flush(done) => {
                let _ = done.send(());
                return;
            }
        };
        if self.target.is_none() {
            // Resolved on first use (and again after a failure), off the request path.
            self.target = self
                .daemon
                .to_string()
                .to_socket_addrs()
                .ok()
                .and_then(|mut all| all.next());
        }
        let Some(target) = self.target else {
            self.counters.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let (datagrams, unsendable) = datagrams(*document, MAX_DATAGRAM_BYTES);
        self.counters
            .dropped
            .fetch_add(unsendable, Ordering::Relaxed);
        for datagram in datagrams {
            let counter = match self.socket.send_to(&datagram, target) {
                Ok(_) => &self.counters.sent,
                Err(_) => &self.counters.dropped,
            };
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Controls the exporter of an [`XrayLayer`](super::XrayLayer): flush before the
/// process may freeze (after each Lambda response), and read its counters.
#[derive(Debug, Clone)]
pub struct XrayHandle {
    queue: SyncSender<Message>,
    counters: Arc<Counters>,
    thread: Thread,
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
        // Cut the thread's batching wait short.
        self.thread.unpark();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_queue_drops_and_counts_without_blocking() {
        let (queue, _receiver) = mpsc::sync_channel(1);
        let exporter = Exporter {
            queue,
            counters: Arc::new(Counters::default()),
        };
        let document = || Document::new("service", super::super::segment::SegmentId(0), 1.0, 2.0);
        exporter.export(document());
        exporter.export(document());
        exporter.export(document());
        assert_eq!(exporter.counters.dropped.load(Ordering::Relaxed), 2);
    }
}

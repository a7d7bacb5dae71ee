//! Streams of the generated server, over real TCP on loopback: a long JSON Lines body
//! is produced as the client reads it (back-pressure, flat memory), and a client that
//! goes away stops the producer.
//!
//! The client is a plain socket speaking HTTP/1.1, so that what sits in buffers is
//! known: both ends get small socket buffers, and everything the producer has made
//! beyond what the client has read is in hyper's bounded write queue or the kernel.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use items::server::*;
use oapi_gen_server_runtime::axum;
use oapi_gen_server_runtime::{HandlerError, RequestContext};
use oapi_gen_tests::fixtures::fastapi_items_server as items;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};

/// Socket buffer sizes asked for on both ends (the kernel doubles them).
const SOCKET_BUFFER: u32 = 8 * 1024;

/// What the producer of `GET /feed` has done, shared with the test.
#[derive(Default)]
struct Progress {
    /// Chunks produced so far.
    produced: AtomicU64,
    /// Whether the stream has been dropped.
    dropped: AtomicBool,
}

/// Sets [`Progress::dropped`] when the stream holding it is dropped.
struct DropGuard(Arc<Progress>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.dropped.store(true, Ordering::SeqCst);
    }
}

/// Serves `GET /feed?count=N`: `N` chunks, each made only when the body asks for it.
struct Feed {
    progress: Arc<Progress>,
}

fn unused<T>() -> Result<T, HandlerError> {
    Err("not used by these tests".into())
}

impl Api for Feed {
    async fn health(
        &self,
        _: RequestContext,
        _: HealthRequest,
    ) -> Result<HealthResponse, HandlerError> {
        unused()
    }

    async fn list_items(
        &self,
        _: RequestContext,
        _: ListItemsRequest,
    ) -> Result<ListItemsResponse, HandlerError> {
        unused()
    }

    async fn create_item(
        &self,
        _: RequestContext,
        _: CreateItemRequest,
    ) -> Result<CreateItemResponse, HandlerError> {
        unused()
    }

    async fn get_item(
        &self,
        _: RequestContext,
        _: GetItemRequest,
    ) -> Result<GetItemResponse, HandlerError> {
        unused()
    }

    async fn update_item(
        &self,
        _: RequestContext,
        _: UpdateItemRequest,
    ) -> Result<UpdateItemResponse, HandlerError> {
        unused()
    }

    async fn delete_item(
        &self,
        _: RequestContext,
        _: DeleteItemRequest,
    ) -> Result<DeleteItemResponse, HandlerError> {
        unused()
    }

    async fn stream_item(
        &self,
        _: RequestContext,
        _: StreamItemRequest,
    ) -> Result<StreamItemResponse, HandlerError> {
        unused()
    }

    async fn item_progress(
        &self,
        _: RequestContext,
        _: ItemProgressRequest,
    ) -> Result<ItemProgressResponse, HandlerError> {
        unused()
    }

    async fn feed(
        &self,
        _: RequestContext,
        request: FeedRequest,
    ) -> Result<FeedResponse, HandlerError> {
        let count = request.count;
        let guard = DropGuard(self.progress.clone());
        let chunks = futures_util::stream::iter(0..count).map(move |index| {
            guard.0.produced.fetch_add(1, Ordering::SeqCst);
            Ok(items::Chunk {
                index,
                message: format!("chunk {index}"),
                done: index == count - 1,
            })
        });
        Ok(FeedResponse::Ok(Box::pin(chunks)))
    }

    async fn events(
        &self,
        _: RequestContext,
        _: EventsRequest,
    ) -> Result<EventsResponse, HandlerError> {
        unused()
    }
}

/// Serves the feed on a loopback port with small socket send buffers (accepted
/// sockets inherit the listener's); returns the address and the producer's progress.
async fn serve() -> (std::net::SocketAddr, Arc<Progress>) {
    let progress = Arc::new(Progress::default());
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_send_buffer_size(SOCKET_BUFFER).unwrap();
    socket.bind(([127, 0, 0, 1], 0).into()).unwrap();
    let listener = socket.listen(16).unwrap();
    let address = listener.local_addr().unwrap();
    let app = router(Feed {
        progress: progress.clone(),
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (address, progress)
}

/// A JSON Lines response read from a plain socket, one line at a time.
struct Lines {
    reader: BufReader<TcpStream>,
    /// The rest of the current HTTP chunk.
    remaining: usize,
    /// Whether the terminating empty chunk was read.
    finished: bool,
}

impl Lines {
    /// Sends `GET target` with a small receive buffer and reads the response head.
    async fn get(address: std::net::SocketAddr, target: &str) -> Lines {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(SOCKET_BUFFER).unwrap();
        let mut stream = socket.connect(address).await.unwrap();
        let request = format!("GET {target} HTTP/1.1\r\nhost: test\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut reader = BufReader::with_capacity(1024, stream);
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).await.unwrap();
            if line == "\r\n" {
                break;
            }
            head.push(line.trim_end().to_ascii_lowercase());
        }
        assert_eq!(head[0], "http/1.1 200 ok", "{head:?}");
        assert!(
            head.contains(&"content-type: application/jsonl".to_owned()),
            "{head:?}"
        );
        assert!(
            head.contains(&"transfer-encoding: chunked".to_owned()),
            "the body is sent as it is produced, not with a length known in advance: {head:?}"
        );
        Lines {
            reader,
            remaining: 0,
            finished: false,
        }
    }

    /// The next JSON line of the body, `None` after the last chunk.
    async fn next(&mut self) -> Option<items::Chunk> {
        let mut line = Vec::new();
        loop {
            if self.remaining == 0 && !self.start_chunk().await {
                assert!(line.is_empty(), "the body ends inside a line");
                return None;
            }
            let byte = self.reader.read_u8().await.unwrap();
            self.remaining -= 1;
            if self.remaining == 0 {
                self.crlf().await;
            }
            if byte == b'\n' {
                return Some(serde_json::from_slice(&line).unwrap());
            }
            line.push(byte);
        }
    }

    /// Reads the next chunk's size line; `false` at the last, empty chunk.
    async fn start_chunk(&mut self) -> bool {
        if self.finished {
            return false;
        }
        let mut size = String::new();
        self.reader.read_line(&mut size).await.unwrap();
        self.remaining = usize::from_str_radix(size.trim_end(), 16)
            .unwrap_or_else(|_| panic!("chunk size line {size:?}"));
        if self.remaining == 0 {
            self.crlf().await;
            self.finished = true;
        }
        !self.finished
    }

    /// The CRLF that ends a chunk.
    async fn crlf(&mut self) {
        let mut end = [0; 2];
        self.reader.read_exact(&mut end).await.unwrap();
        assert_eq!(&end, b"\r\n");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_chunks_stream_with_back_pressure() {
    const COUNT: u64 = 100_000;
    let (address, progress) = serve().await;
    let mut lines = Lines::get(address, &format!("/feed?count={COUNT}")).await;

    let mut read = 0;
    let mut ahead = 0;
    while let Some(chunk) = lines.next().await {
        assert_eq!(chunk.index, read as i64);
        assert_eq!(chunk.message, format!("chunk {read}"));
        assert_eq!(chunk.done, read == COUNT - 1);
        read += 1;
        // A slow client: pause every 10,000 lines, so the producer can run as far
        // ahead as the server lets it, then see how far that is.
        if read % 10_000 == 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            ahead = ahead.max(progress.produced.load(Ordering::SeqCst) - read);
        }
    }
    assert_eq!(read, COUNT, "every chunk arrives, in order");
    assert_eq!(progress.produced.load(Ordering::SeqCst), COUNT);
    // Each line is ~50 bytes: a server that collected the body first would be 90,000
    // or more ahead at the first pause. Back-pressured, only the write queue and the
    // socket buffers hold chunks the client has not read.
    assert!(
        ahead < 5_000,
        "the producer ran {ahead} chunks ahead of a paused client"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_disconnects_stops_the_producer() {
    let (address, progress) = serve().await;
    let mut lines = Lines::get(address, "/feed?count=1000000000").await;
    for expected in 0..100 {
        assert_eq!(lines.next().await.unwrap().index, expected);
    }
    assert!(!progress.dropped.load(Ordering::SeqCst));
    drop(lines);

    let disconnected = Instant::now();
    while !progress.dropped.load(Ordering::SeqCst) {
        assert!(
            disconnected.elapsed() < Duration::from_secs(5),
            "the stream is still alive {:?} after the client left ({} chunks produced)",
            disconnected.elapsed(),
            progress.produced.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let produced = progress.produced.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        progress.produced.load(Ordering::SeqCst),
        produced,
        "nothing is produced once the stream is dropped"
    );
    assert!(
        produced < 100_000,
        "the producer stopped near where the client left, not {produced} chunks later"
    );
}

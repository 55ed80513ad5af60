//! The load generator, the same for every figure: N concurrent clients, each repeating one
//! operation (an HTTP request on its own keep-alive connection, or a database call) as fast as
//! it is answered, for a fixed time after a warm-up. It is a closed loop: throughput is
//! completions per second, and latencies are service times at that concurrency. Every latency
//! is kept, so the percentiles are exact rather than bucketed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A request that takes longer than this is counted as an error (the server's own timeout is
/// 30 s, so a longer wait means the connection is stuck).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// How long to warm up, then measure, at each point.
#[derive(Debug, Clone, Copy)]
pub struct Phase {
    pub warmup: Duration,
    pub measure: Duration,
}

/// One client's work: one operation, repeated.
#[async_trait::async_trait]
pub trait Op: Send + 'static {
    async fn once(&mut self) -> anyhow::Result<()>;
}

/// One measured point: a workload at a concurrency.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub clients: usize,
    /// Successful operations completed inside the measured window.
    pub completed: u64,
    /// Failed operations (error status, timeout, broken connection) inside the window.
    pub errors: u64,
    pub seconds: f64,
    /// Successful operations per second.
    pub per_second: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
    /// The first error seen (warm-up included), to say what went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
    /// The highest 1-minute load average seen at the end of its rounds (for the record: the
    /// benchmark's own clients and server keep it near the core count).
    pub load_average: Option<f64>,
    /// The most cores, on average over a round, that something other than the measurement
    /// (this process and PostgreSQL's) kept busy: another build, a neighbouring virtual
    /// machine (steal). Above `report::OTHER_CORES_LIMIT` the figure is not to be trusted.
    pub other_cores: Option<f64>,
}

struct ClientTally {
    latencies_us: Vec<u32>,
    errors: u64,
    first_error: Option<String>,
}

/// Run `ops` (one per client) concurrently: warm up, then count what completes in the window.
/// The window lasts the phase's measure time, and longer if needed until as many operations as
/// there are clients (at least ten) have completed in it, so that a slow workload still gives a
/// figure; `MAX_STRETCH` bounds that. Operations still running when the window closes finish
/// but are not counted.
pub async fn drive<O: Op>(ops: Vec<O>, phase: Phase) -> anyhow::Result<Sample> {
    let clients = ops.len();
    if clients == 0 {
        bail!("a load point needs at least one client");
    }
    let start = Instant::now();
    let cpu_before = super::machine::cpu_sample();
    let window_start = start + phase.warmup;
    let shared = Arc::new(Window {
        start: window_start,
        stop_nanos: AtomicU64::new(u64::MAX),
        completed: AtomicU64::new(0),
    });
    let mut tasks = Vec::with_capacity(clients);
    for mut op in ops {
        let w = shared.clone();
        tasks.push(tokio::spawn(async move {
            let mut tally = ClientTally {
                latencies_us: Vec::with_capacity(4096),
                errors: 0,
                first_error: None,
            };
            loop {
                let t0 = Instant::now();
                if w.stop().is_some_and(|stop| t0 >= stop) {
                    break;
                }
                let result = match tokio::time::timeout(REQUEST_TIMEOUT, op.once()).await {
                    Ok(r) => r,
                    Err(_) => Err(anyhow::anyhow!(
                        "no answer within {} s",
                        REQUEST_TIMEOUT.as_secs()
                    )),
                };
                let t1 = Instant::now();
                let counted = t1 >= w.start && w.stop().is_none_or(|stop| t1 <= stop);
                match result {
                    Ok(()) if counted => {
                        let us = t1.duration_since(t0).as_micros();
                        tally
                            .latencies_us
                            .push(u32::try_from(us).unwrap_or(u32::MAX));
                        w.completed.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(()) => {}
                    Err(e) => {
                        if counted {
                            tally.errors += 1;
                        }
                        if tally.first_error.is_none() {
                            tally.first_error = Some(format!("{e:#}"));
                        }
                        // A failing operation must not spin the CPU the server needs.
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
            }
            tally
        }));
    }
    // Close the window once the time is up and enough has completed (or the stretch is spent).
    let enough = clients.max(10) as u64;
    let earliest = window_start + phase.measure;
    let latest = window_start + phase.measure.max(Duration::from_secs(1)) * MAX_STRETCH;
    tokio::time::sleep_until(earliest.into()).await;
    loop {
        let now = Instant::now();
        if shared.completed.load(Ordering::Relaxed) >= enough || now >= latest {
            shared.close_at(now);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let window = shared
        .stop()
        .unwrap_or(earliest)
        .duration_since(window_start);
    let other_cores = cpu_before
        .zip(super::machine::cpu_sample())
        .and_then(|(a, b)| super::machine::other_cores(a, b));
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    for task in tasks {
        let tally = task.await.context("a load client panicked")?;
        latencies.extend(tally.latencies_us);
        errors += tally.errors;
        first_error = first_error.or(tally.first_error);
    }
    Ok(Sample {
        clients,
        latencies_us: latencies,
        errors,
        window,
        first_error,
        load_average: super::machine::load_average(),
        other_cores,
    })
}

/// How many times its measure time a window may stretch to collect enough completions.
const MAX_STRETCH: u32 = 20;

/// The measured window, shared by the clients.
struct Window {
    start: Instant,
    /// When the window closed, in nanoseconds after `start` (u64::MAX while open).
    stop_nanos: AtomicU64,
    completed: AtomicU64,
}

impl Window {
    fn stop(&self) -> Option<Instant> {
        match self.stop_nanos.load(Ordering::Acquire) {
            u64::MAX => None,
            n => Some(self.start + Duration::from_nanos(n)),
        }
    }

    fn close_at(&self, at: Instant) {
        let n = at.duration_since(self.start).as_nanos();
        self.stop_nanos
            .store(u64::try_from(n).unwrap_or(u64::MAX - 1), Ordering::Release);
    }
}

/// What one or more windows at one concurrency recorded: every latency, kept for exact
/// percentiles; windows of the same workload merge.
#[derive(Debug, Clone)]
pub struct Sample {
    pub clients: usize,
    latencies_us: Vec<u32>,
    errors: u64,
    window: Duration,
    first_error: Option<String>,
    load_average: Option<f64>,
    other_cores: Option<f64>,
}

impl Sample {
    pub fn merge(mut self, other: Sample) -> Sample {
        self.latencies_us.extend(other.latencies_us);
        self.errors += other.errors;
        self.window += other.window;
        self.first_error = self.first_error.or(other.first_error);
        let highest = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.load_average = highest(self.load_average, other.load_average);
        self.other_cores = highest(self.other_cores, other.other_cores);
        self
    }

    pub fn point(mut self) -> Point {
        self.latencies_us.sort_unstable();
        let l = &self.latencies_us;
        let seconds = self.window.as_secs_f64();
        let ms = |us: u32| f64::from(us) / 1000.0;
        let mean_ms = if l.is_empty() {
            0.0
        } else {
            l.iter().map(|&u| f64::from(u)).sum::<f64>() / l.len() as f64 / 1000.0
        };
        Point {
            clients: self.clients,
            completed: l.len() as u64,
            errors: self.errors,
            seconds,
            per_second: l.len() as f64 / seconds.max(f64::MIN_POSITIVE),
            p50_ms: ms(percentile(l, 0.50)),
            p90_ms: ms(percentile(l, 0.90)),
            p99_ms: ms(percentile(l, 0.99)),
            max_ms: ms(l.last().copied().unwrap_or(0)),
            mean_ms,
            first_error: self.first_error,
            load_average: self.load_average,
            other_cores: self.other_cores,
        }
    }
}

/// The nearest-rank percentile of sorted values (0 when there are none).
pub fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

// ---- HTTP/1.1 over a plain TCP connection ----------------------------------------------------

/// A request, serialised once and sent as is by every client.
#[derive(Clone)]
pub struct HttpRequest {
    pub addr: SocketAddr,
    bytes: Arc<[u8]>,
    /// The status a successful answer has.
    pub expect: u16,
}

impl HttpRequest {
    /// A GET with extra header lines (`Name: value`).
    pub fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)], expect: u16) -> Self {
        Self::build(addr, "GET", path, headers, None, expect)
    }

    /// A POST of a JSON body.
    pub fn post_json(
        addr: SocketAddr,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
        expect: u16,
    ) -> Self {
        Self::build(addr, "POST", path, headers, Some(body), expect)
    }

    fn build(
        addr: SocketAddr,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
        expect: u16,
    ) -> Self {
        let mut s =
            format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: ipt-bench\r\n");
        for (k, v) in headers {
            s.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(b) = body {
            s.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{b}",
                b.len()
            ));
        } else {
            s.push_str("\r\n");
        }
        Self {
            addr,
            bytes: Arc::from(s.into_bytes()),
            expect,
        }
    }

    /// Send once on a new connection and return the answer with its body (for checks before a
    /// measurement, not for load).
    pub async fn fetch(&self) -> anyhow::Result<HttpResponse> {
        let mut conn = Conn::connect(self.addr).await?;
        conn.roundtrip(&self.bytes, true).await
    }
}

/// A load client: one keep-alive connection, reopened if the server closes it.
pub struct HttpClient {
    request: HttpRequest,
    conn: Option<Conn>,
}

impl HttpClient {
    pub fn new(request: HttpRequest) -> Self {
        Self {
            request,
            conn: None,
        }
    }
}

#[async_trait::async_trait]
impl Op for HttpClient {
    async fn once(&mut self) -> anyhow::Result<()> {
        let conn = match self.conn.as_mut() {
            Some(c) => c,
            None => self.conn.insert(Conn::connect(self.request.addr).await?),
        };
        match conn.roundtrip(&self.request.bytes, false).await {
            Ok(res) => {
                if res.close {
                    self.conn = None;
                }
                if res.status != self.request.expect {
                    bail!(
                        "HTTP {} where {} was expected",
                        res.status,
                        self.request.expect
                    );
                }
                Ok(())
            }
            Err(e) => {
                self.conn = None;
                Err(e)
            }
        }
    }
}

#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Empty unless the body was asked for.
    pub body: Vec<u8>,
    /// The server will close the connection after this answer.
    pub close: bool,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    async fn connect(addr: SocketAddr) -> anyhow::Result<Self> {
        let stream = TcpStream::connect(addr)
            .await
            .with_context(|| format!("cannot connect to {addr}"))?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            buf: Vec::with_capacity(64 * 1024),
        })
    }

    async fn read_more(&mut self) -> anyhow::Result<()> {
        if self.buf.capacity() - self.buf.len() < 16 * 1024 {
            self.buf.reserve(64 * 1024);
        }
        let n = self.stream.read_buf(&mut self.buf).await?;
        if n == 0 {
            bail!("the server closed the connection");
        }
        Ok(())
    }

    async fn fill(&mut self, len: usize) -> anyhow::Result<()> {
        while self.buf.len() < len {
            self.read_more().await?;
        }
        Ok(())
    }

    /// The position just after the next CRLF at or after `from`, reading as needed.
    async fn line_end(&mut self, from: usize) -> anyhow::Result<usize> {
        let mut searched = from;
        loop {
            if let Some(i) = find(&self.buf[searched..], b"\r\n") {
                return Ok(searched + i + 2);
            }
            searched = self.buf.len().saturating_sub(1).max(from);
            self.read_more().await?;
        }
    }

    async fn roundtrip(&mut self, request: &[u8], keep_body: bool) -> anyhow::Result<HttpResponse> {
        self.buf.clear();
        self.stream.write_all(request).await?;
        // The head.
        let mut searched = 0;
        let head_end = loop {
            if let Some(i) = find(&self.buf[searched..], b"\r\n\r\n") {
                break searched + i + 4;
            }
            searched = self.buf.len().saturating_sub(3);
            self.read_more().await?;
        };
        let head = std::str::from_utf8(&self.buf[..head_end]).context("a non-UTF-8 HTTP head")?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let mut parts = status_line.split(' ');
        let version = parts.next().unwrap_or_default();
        let status: u16 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("not an HTTP status line: {status_line:?}"))?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let get = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let mut close = version == "HTTP/1.0"
            || get("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let chunked =
            get("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        let length: Option<usize> = get("content-length").and_then(|v| v.parse().ok());
        let mut body = Vec::new();
        if status < 200 || status == 204 || status == 304 {
            // No body.
        } else if chunked {
            let mut pos = head_end;
            loop {
                let end = self.line_end(pos).await?;
                let size_text = std::str::from_utf8(&self.buf[pos..end - 2])?;
                let size_text = size_text.split(';').next().unwrap_or("").trim();
                let size = usize::from_str_radix(size_text, 16)
                    .with_context(|| format!("a bad chunk size {size_text:?}"))?;
                pos = end;
                if size == 0 {
                    // Trailers, up to an empty line.
                    loop {
                        let end = self.line_end(pos).await?;
                        let empty = end - pos == 2;
                        pos = end;
                        if empty {
                            break;
                        }
                    }
                    break;
                }
                self.fill(pos + size + 2).await?;
                if keep_body {
                    body.extend_from_slice(&self.buf[pos..pos + size]);
                }
                pos += size + 2;
            }
        } else if let Some(len) = length {
            self.fill(head_end + len).await?;
            if keep_body {
                body.extend_from_slice(&self.buf[head_end..head_end + len]);
            }
        } else {
            // No length: the body runs to the end of the connection.
            loop {
                match self.stream.read_buf(&mut self.buf).await {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            if keep_body {
                body.extend_from_slice(&self.buf[head_end..]);
            }
            close = true;
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
            close,
        })
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.50), 50);
        assert_eq!(percentile(&v, 0.99), 99);
        assert_eq!(percentile(&v, 1.0), 100);
        assert_eq!(percentile(&[7], 0.99), 7);
        assert_eq!(percentile(&[], 0.5), 0);
    }

    /// A tiny server that answers with a chunked body, then with a fixed-length one, then closes.
    #[tokio::test]
    async fn reads_chunked_and_fixed_length_answers_on_one_connection() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await.unwrap();
            s.write_all(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n7;x=y\r\n, world\r\n0\r\n\r\n",
            )
            .await
            .unwrap();
            let _ = s.read(&mut buf).await.unwrap();
            s.write_all(
                b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
            )
            .await
            .unwrap();
        });
        let req = HttpRequest::get(addr, "/", &[], 200);
        let mut conn = Conn::connect(addr).await.unwrap();
        let a = conn.roundtrip(&req.bytes, true).await.unwrap();
        assert_eq!(a.status, 200);
        assert_eq!(a.body, b"Hello, world");
        assert!(!a.close);
        let b = conn.roundtrip(&req.bytes, true).await.unwrap();
        assert_eq!(
            (b.status, b.body.as_slice(), b.close),
            (201, &b"ok"[..], true)
        );
    }

    #[test]
    fn merged_windows_add_up() {
        let a = Sample {
            clients: 2,
            latencies_us: vec![1000, 3000],
            errors: 1,
            window: Duration::from_secs(1),
            first_error: None,
            load_average: Some(0.5),
            other_cores: Some(0.1),
        };
        let b = Sample {
            clients: 2,
            latencies_us: vec![2000, 4000],
            errors: 0,
            window: Duration::from_secs(1),
            first_error: Some("HTTP 500".into()),
            load_average: Some(2.5),
            other_cores: None,
        };
        let p = a.merge(b).point();
        assert_eq!((p.completed, p.errors, p.seconds), (4, 1, 2.0));
        assert_eq!(p.per_second, 2.0);
        assert_eq!((p.p50_ms, p.max_ms, p.mean_ms), (2.0, 4.0, 2.5));
        assert_eq!(p.first_error.as_deref(), Some("HTTP 500"));
        assert_eq!(p.load_average, Some(2.5), "the highest of the rounds");
        assert_eq!(p.other_cores, Some(0.1));
    }

    struct Sleepy(Duration);

    #[async_trait::async_trait]
    impl Op for Sleepy {
        async fn once(&mut self) -> anyhow::Result<()> {
            tokio::time::sleep(self.0).await;
            Ok(())
        }
    }

    #[tokio::test]
    async fn counts_only_what_completes_inside_the_window() {
        let phase = Phase {
            warmup: Duration::from_millis(50),
            measure: Duration::from_millis(300),
        };
        let p = drive(
            vec![
                Sleepy(Duration::from_millis(10)),
                Sleepy(Duration::from_millis(10)),
            ],
            phase,
        )
        .await
        .unwrap()
        .point();
        assert_eq!(p.clients, 2);
        assert_eq!(p.errors, 0);
        // Two clients at ~10 ms each for 0.3 s: at most 60 completions, and a fair share of them.
        assert!(p.completed <= 62 && p.completed >= 20, "{p:?}");
        assert!(p.p50_ms >= 10.0 && p.p99_ms >= p.p50_ms, "{p:?}");
    }
}

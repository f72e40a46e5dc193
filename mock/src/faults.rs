//! Fault injection: what a flaky network or a broken proxy does to a request, chosen per
//! request by the `X-Capx-Mock-Fault` header, by an armed fault (`POST /__mock/faults`) or at
//! random (`--fault-rate` over `--fault-kinds`, deterministic for a `--seed`).

use std::time::Duration;

pub const HEADER: &str = "x-capx-mock-fault";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Commit (and store for `Idempotency-Key`), then close the connection without a byte.
    DropAfterCommit,
    /// 500 `internal_error`, before anything executes.
    ServerError,
    /// 429 `rate_limit_exceeded` whose window resets a second later.
    RateLimited,
    /// Sleep this long before executing.
    Slow(u64),
    /// Commit and store, then send half the body under the full `Content-Length` and cut.
    Truncate,
    /// A proxy's HTML 502 page instead of the envelope.
    Html502,
    /// Cut an event stream after this many events.
    SseDrop(usize),
    /// Opts one request out of random faults.
    None,
}

pub const KINDS: &str = "drop_after_commit, 500, 429, slow[:MS], truncate, html_502, sse_drop[:N], none";

impl Fault {
    pub fn parse(kind: &str) -> Option<Fault> {
        let (name, arg) = kind.trim().split_once(':').map_or((kind.trim(), None), |(n, a)| (n, Some(a)));
        let number = |default: u64| arg.map_or(Some(default), |a| a.trim().parse().ok());
        Some(match name {
            "drop_after_commit" => Fault::DropAfterCommit,
            "500" => Fault::ServerError,
            "429" => Fault::RateLimited,
            "slow" => Fault::Slow(number(1000)?),
            "truncate" => Fault::Truncate,
            "html_502" => Fault::Html502,
            "sse_drop" => Fault::SseDrop(usize::try_from(number(1)?).ok()?),
            "none" => Fault::None,
            _ => return None,
        })
    }

    pub fn delay(self) -> Option<Duration> {
        match self {
            Fault::Slow(ms) => Some(Duration::from_millis(ms)),
            _ => None,
        }
    }
}

pub fn unknown(kind: &str) -> String {
    format!("unknown fault kind {kind:?}; expected one of {KINDS}")
}

/// A body that sends `head`, lets it reach the wire, then aborts the connection.
pub fn cut_off(head: hyper::body::Bytes) -> impl futures_util::Stream<Item = Result<hyper::body::Bytes, std::io::Error>> {
    futures_util::stream::unfold(Some(head), |state| async move {
        match state {
            Some(head) => Some((Ok(head), None)),
            None => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Some((Err(std::io::Error::other("connection cut (injected)")), None))
            }
        }
    })
}

pub const BAD_GATEWAY_PAGE: &str =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse() {
        assert_eq!(Fault::parse("slow"), Some(Fault::Slow(1000)));
        assert_eq!(Fault::parse("slow:250"), Some(Fault::Slow(250)));
        assert_eq!(Fault::parse(" sse_drop:3 "), Some(Fault::SseDrop(3)));
        assert_eq!(Fault::parse("sse_drop"), Some(Fault::SseDrop(1)));
        assert_eq!(Fault::parse("500"), Some(Fault::ServerError));
        for bad in ["", "slow:x", "503", "truncated", "sse_drop:-1"] {
            assert_eq!(Fault::parse(bad), None, "{bad}");
        }
    }
}

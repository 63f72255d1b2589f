//! When to try again: bounded exponential backoff with jitter, `Retry-After` honoured up to a
//! minute, and a classification of failures into transient (worth another try on the same URL)
//! and permanent (move to the next URL at once). Pure functions; the callers sleep.

use std::fmt;
use std::time::{Duration, Instant};

/// Why one try failed, and whether another try at the same place may help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub why: String,
    pub transient: bool,
    /// The server's `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
    /// The server's certificate was refused (the hint then names SSL_CERT_FILE).
    pub certificate: bool,
    /// The HTTP status, when the server answered with one (a module proxy list passes on
    /// after 404 and 410 only, when its entries are separated by `,`).
    pub status: Option<u16>,
}

impl Failure {
    pub fn permanent(why: impl Into<String>) -> Failure {
        Failure {
            why: why.into(),
            transient: false,
            retry_after: None,
            certificate: false,
            status: None,
        }
    }

    pub fn transient(why: impl Into<String>) -> Failure {
        Failure {
            why: why.into(),
            transient: true,
            retry_after: None,
            certificate: false,
            status: None,
        }
    }
}

/// The last failure after the retry budget ran out (or at a permanent failure).
#[derive(Debug)]
pub struct GaveUp {
    pub failure: Failure,
    pub tries: u32,
    pub elapsed: Duration,
}

impl fmt::Display for GaveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.failure.why)?;
        if self.tries > 1 {
            write!(
                f,
                " ({} tries over {:.1} s)",
                self.tries,
                self.elapsed.as_secs_f64()
            )?;
        }
        Ok(())
    }
}

/// Runs `attempt` until it succeeds, fails permanently, or `retries` retries are spent,
/// sleeping with backoff in between; `before_retry` hears of each wait.
pub fn run<T>(
    retries: u32,
    mut attempt: impl FnMut() -> Result<T, Failure>,
    mut before_retry: impl FnMut(Duration, &Failure),
) -> Result<T, GaveUp> {
    let started = Instant::now();
    let mut tries: u32 = 0;
    loop {
        tries += 1;
        let failure = match attempt() {
            Ok(value) => return Ok(value),
            Err(failure) => failure,
        };
        if !failure.transient || tries > retries {
            return Err(GaveUp {
                failure,
                tries,
                elapsed: started.elapsed(),
            });
        }
        let wait = delay(tries - 1, failure.retry_after, jitter());
        before_retry(wait, &failure);
        sleep(wait);
    }
}

const BASE: Duration = Duration::from_millis(500);
const CAP: Duration = Duration::from_secs(30);
const RETRY_AFTER_CAP: Duration = Duration::from_secs(60);

/// The wait before retry number `retry` (0 for the first retry). `jitter` in `[0, 1)` spreads
/// clients apart: the wait is between half and all of the exponential step.
pub fn delay(retry: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
    if let Some(wait) = retry_after {
        return wait.min(RETRY_AFTER_CAP);
    }
    let step = BASE
        .saturating_mul(1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX))
        .min(CAP);
    step.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// `Retry-After` in seconds (HTTP dates are rare from download servers and read as absent).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// True for HTTP statuses worth retrying: 408, 429 and every 5xx.
pub fn is_transient_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..600).contains(&status)
}

/// A fresh random number in `[0, 1)` for jitter, from std's randomly seeded hasher.
pub fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// The hint for a refused server certificate.
pub const CERTIFICATE_HINT: &str = "if your network inspects TLS with its own certificate authority, point SSL_CERT_FILE at that CA's certificate (PEM), e.g. `export SSL_CERT_FILE=/etc/ssl/certs/corp-ca.pem`, and run again";

/// Sleeps for `wait`, unless `GOPIN_TEST_NO_RETRY_DELAY` is set (tests exercise the retry
/// paths without waiting).
pub fn sleep(wait: Duration) {
    if std::env::var_os("GOPIN_TEST_NO_RETRY_DELAY").is_none() {
        std::thread::sleep(wait);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_schedule() {
        let ms = |d: Duration| d.as_millis();
        // Without jitter the wait is half the step; with full jitter, the whole step.
        let rows = [
            (0, 0.0, 250),
            (0, 0.999_999, 499),
            (1, 0.0, 500),
            (2, 0.0, 1000),
            (3, 0.0, 2000),
            (6, 0.0, 15_000),
            (7, 0.0, 15_000),
            (40, 0.0, 15_000),
            (40, 0.999_999, 29_999),
        ];
        for (retry, jitter, want) in rows {
            assert_eq!(
                ms(delay(retry, None, jitter)),
                want,
                "retry {retry} jitter {jitter}"
            );
        }
        assert_eq!(
            delay(0, Some(Duration::from_secs(7)), 0.5),
            Duration::from_secs(7)
        );
        assert_eq!(
            delay(0, Some(Duration::from_secs(3600)), 0.5),
            Duration::from_secs(60)
        );
    }

    #[test]
    fn run_retries_transient_failures_within_the_budget() {
        // One retry keeps the real sleep short (a quarter to half a second).
        let mut calls = 0;
        let mut waits = Vec::new();
        let result: Result<(), GaveUp> = run(
            1,
            || {
                calls += 1;
                Err(Failure::transient(format!("try {calls}")))
            },
            |wait, _| waits.push(wait),
        );
        let gave_up = result.unwrap_err();
        assert_eq!((calls, gave_up.tries, waits.len()), (2, 2, 1));
        assert!(gave_up.to_string().starts_with("try 2 (2 tries over "));

        let mut calls = 0;
        let permanent: Result<(), GaveUp> = run(
            5,
            || {
                calls += 1;
                Err(Failure::permanent("404"))
            },
            |_, _| {},
        );
        assert_eq!(
            (calls, permanent.unwrap_err().to_string()),
            (1, "404".to_owned())
        );

        let mut calls = 0;
        let ok = run(
            5,
            || {
                calls += 1;
                if calls < 3 {
                    Err(Failure {
                        retry_after: Some(Duration::ZERO),
                        ..Failure::transient("503")
                    })
                } else {
                    Ok(calls)
                }
            },
            |wait, _| assert_eq!(wait, Duration::ZERO),
        );
        assert_eq!(ok.unwrap(), 3);
    }

    #[test]
    fn retry_after_and_statuses() {
        assert_eq!(parse_retry_after(" 5 "), Some(Duration::from_secs(5)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
        for status in [408, 429, 500, 502, 503, 504, 599] {
            assert!(is_transient_status(status), "{status}");
        }
        for status in [200, 301, 400, 401, 403, 404, 410, 416, 600] {
            assert!(!is_transient_status(status), "{status}");
        }
        let j = jitter();
        assert!((0.0..1.0).contains(&j));
    }
}

//! Progress of a download: a bar on a terminal, plain lines elsewhere (CI logs, pipes), nothing
//! with `--quiet` (README: "How installs work"). Plain lines are few and fixed: the start with the
//! size, each quarter, a resume, each retry with its reason, verified, installed.

use crate::output;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::cell::Cell;
use std::io::IsTerminal;
use std::time::Duration;

/// How progress is shown, from `GOPIN_PROGRESS` and `--quiet`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Bar,
    Lines,
    Quiet,
}

impl Style {
    /// `GOPIN_PROGRESS=auto|always|never` (auto: a bar when stderr is a terminal).
    pub fn from_env(quiet: bool) -> Style {
        if quiet {
            return Style::Quiet;
        }
        match std::env::var("GOPIN_PROGRESS").as_deref() {
            Ok("always") => Style::Bar,
            Ok("never") => Style::Lines,
            _ if std::io::stderr().is_terminal() => Style::Bar,
            _ => Style::Lines,
        }
    }
}

/// The progress of one file.
pub struct Progress {
    name: String,
    total: u64,
    style: Style,
    bar: Option<ProgressBar>,
    /// The next quarter (1 to 4) a plain line is due for.
    next_quarter: Cell<u64>,
}

impl Progress {
    pub fn new(style: Style, name: &str, total: u64) -> Progress {
        let bar = (style == Style::Bar).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let template = if colour {
                "{msg} {bar:30.cyan/blue} {bytes}/{total_bytes} {bytes_per_sec} {eta}"
            } else {
                "{msg} {bar:30} {bytes}/{total_bytes} {bytes_per_sec} {eta}"
            };
            let style = ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style.progress_chars("=> "));
            bar.set_message(name.to_owned());
            bar
        });
        Progress {
            name: name.to_owned(),
            total,
            style,
            bar,
            next_quarter: Cell::new(1),
        }
    }

    /// A transfer begins at `offset` (non-zero when resuming a partial file).
    pub fn start(&self, offset: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(offset);
            return;
        }
        if offset > 0 {
            self.line(format_args!(
                "resuming {} at {} of {}",
                self.name,
                size(offset),
                size(self.total)
            ));
        } else {
            self.line(format_args!(
                "downloading {} ({})",
                self.name,
                size(self.total)
            ));
        }
        self.next_quarter.set(quarter_after(offset, self.total));
    }

    /// The transfer reached `position` bytes.
    pub fn set(&self, position: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(position);
            return;
        }
        let quarter = self.next_quarter.get();
        if quarter <= 4 && self.total > 0 && position >= self.total * quarter / 4 {
            self.line(format_args!("{} {}%", self.name, quarter * 25));
            self.next_quarter.set(quarter_after(position, self.total));
        }
    }

    /// A try failed and another follows after `wait`.
    pub fn retry(&self, why: &str, wait: Duration) {
        self.message(format_args!(
            "retrying {} in {:.1} s: {why}",
            self.name,
            wait.as_secs_f64()
        ));
    }

    /// A line that must not tear the bar.
    pub fn message(&self, text: std::fmt::Arguments<'_>) {
        match &self.bar {
            Some(bar) => bar.suspend(|| output::info(text)),
            None => self.line(text),
        }
    }

    /// Size and SHA-256 matched the index.
    pub fn verified(&self, sha256: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let short = sha256.get(..12).unwrap_or(sha256);
        self.line(format_args!("verified {} (sha256 {short}...)", self.name));
    }

    fn line(&self, text: impl std::fmt::Display) {
        if self.style != Style::Quiet {
            output::info(text);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar
            && !bar.is_finished()
        {
            bar.abandon();
        }
    }
}

/// The first quarter (1 to 4, or 5 when done) not yet reached at `position`.
fn quarter_after(position: u64, total: u64) -> u64 {
    if total == 0 {
        return 5;
    }
    (1..=4).find(|q| position < total * q / 4).unwrap_or(5)
}

/// `68.9 MB`.
pub fn size(bytes: u64) -> String {
    const MB: f64 = 1_000_000.0;
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / MB)
    } else {
        format!("{:.1} kB", bytes as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_and_sizes() {
        assert_eq!(quarter_after(0, 100), 1);
        assert_eq!(quarter_after(24, 100), 1);
        assert_eq!(quarter_after(25, 100), 2);
        assert_eq!(quarter_after(99, 100), 4);
        assert_eq!(quarter_after(100, 100), 5);
        assert_eq!(quarter_after(0, 0), 5);
        assert_eq!(size(68_912_345), "68.9 MB");
        assert_eq!(size(1500), "1.5 kB");
    }
}

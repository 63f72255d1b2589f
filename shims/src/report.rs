//! The one layout for messages a person reads, shared by the shim and the CLI:
//!
//! ```text
//! error: go1.22.3 is not installed
//!   selected by: toolchain line, /home/ana/api/go.mod:5
//! hint: run `gopin install`
//! ```

use crate::text::escape;
use std::fmt;

/// An error (or warning) with indented detail lines and one hint holding a command to copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub message: String,
    pub details: Vec<String>,
    pub hint: Option<String>,
}

impl Report {
    pub fn new(message: impl Into<String>) -> Report {
        Report {
            message: message.into(),
            details: Vec::new(),
            hint: None,
        }
    }

    pub fn detail(mut self, line: impl Into<String>) -> Report {
        self.details.push(line.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Report {
        self.hint = Some(hint.into());
        self
    }
}

/// Renders the whole report, `error:` first line included, ending with a newline. Each part
/// may quote text from outside, so control characters are escaped here, where every report
/// passes on its way to the terminal.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", escape(&self.message))?;
        for line in &self.details {
            writeln!(f, "  {}", escape(line))?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "hint: {}", escape(hint))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        let report = Report::new("go1.22.3 is not installed")
            .detail("selected by: toolchain line, /p/go.mod:5")
            .hint("run `gopin install`");
        assert_eq!(
            report.to_string(),
            "error: go1.22.3 is not installed\n  selected by: toolchain line, /p/go.mod:5\nhint: run `gopin install`\n"
        );
        assert_eq!(Report::new("x").to_string(), "error: x\n");
        let hostile = Report::new("bad go1.22.4-\x1b]0;title\x07")
            .detail("line\nhint: forged")
            .hint("run `x`\x1b[2J");
        assert_eq!(
            hostile.to_string(),
            "error: bad go1.22.4-\\x1b]0;title\\x07\n  line\\x0ahint: forged\nhint: run `x`\\x1b[2J\n"
        );
    }
}

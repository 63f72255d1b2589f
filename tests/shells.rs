//! Placeholder replaced by the shell suite.

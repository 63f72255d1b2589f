//! gopin's selection library: which Go toolchain runs in a directory, and the Go version rules
//! behind that answer. The shim and the `gopin` CLI both use it, so they can never disagree.
//!
//! std only, on purpose: the shim runs before every `go` call and must start in well under a
//! millisecond, so nothing here may pull in a crate.

#![forbid(unsafe_code)]

pub mod error;
pub mod goenv;
pub mod gomod;
pub mod gotoolchain;
pub mod policy;
pub mod report;
pub mod root;
pub mod select;
pub mod small_file;
pub mod spec;
pub mod system;
pub mod text;
pub mod version;
pub mod version_file;

pub use error::SelectError;
pub use report::Report;
pub use root::Root;
pub use select::{
    Choice, Chosen, Inputs, Reason, Selection, Source, Trace, installed_versions, select,
};
pub use spec::{Fuzzy, Spec};
pub use version::Version;

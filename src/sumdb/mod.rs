//! The pure core of a client for Go's checksum database (GOSUMDB, sum.golang.org): signed
//! notes, tree heads, tiles and the proofs built from them, lookup answers, and the rule that a
//! newer tree head must contain the one kept. No I/O: the caller fetches bytes (lookups, tiles,
//! the kept head) and these functions say what may be believed.
//!
//! The flow of an install through the module proxy (PRODUCT.md section 9):
//!
//! 1. [`Verifier::parse`] the GOSUMDB key; [`SignedTree::open`] the kept `latest` head, if any.
//! 2. [`lookup::parse`] the `/lookup/<module>@<version>` answer: its record and signed head.
//! 3. [`fork::reconcile`] the kept head with the lookup's head, reading tiles through a
//!    closure; a fork is a [`ForkError`] (`SECURITY ERROR ...`) that stops every install.
//! 4. [`Lookup::verify`] the record's inclusion in the newest head, which releases the `h1:`
//!    hashes; the tiles returned with each result are authenticated and may be cached.
//!
//! [`client`] is that flow with the I/O: the way to the database ([`database`]), requests
//! ([`remote`]), and what is kept on disk ([`store`]): the kept head and the caches.

// Wired into install by the goproxy source (issue 10).
#![allow(dead_code)]

pub mod client;
pub mod database;
pub mod fork;
pub mod hash;
pub mod lookup;
pub mod merkle;
pub mod note;
pub mod proof;
pub mod remote;
pub mod store;
pub mod tile;
pub mod tree;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod test_server;

// The API the goproxy source will use, gathered in one place.
#[allow(unused_imports)]
pub use self::{
    client::{Client, SumdbError},
    database::{Database, Endpoint, Route, Via},
    fork::{ForkError, Timeline, TimelineError, reconcile},
    hash::Hash,
    lookup::{Lookup, LookupError, ModuleHashes},
    merkle::ProofError,
    note::{KeyError, NoteError, Verifier, Verifiers},
    proof::Authenticated,
    tile::Tile,
    tree::{SignedTree, Tree, TreeError},
};

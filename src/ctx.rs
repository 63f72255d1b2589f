//! What every command gets: the root, the configuration, the platform, and an HTTP client
//! built only when a command first needs the network (so `gopin current` never pays for TLS).

use crate::config::Config;
use crate::index::{self, Index};
use crate::platform::Platform;
use anyhow::Result;
use gopin_shim::Root;
use reqwest::blocking::Client;
use std::cell::OnceCell;

pub struct Ctx {
    pub root: Root,
    pub config: Config,
    pub platform: Platform,
    /// `--quiet`: no informational messages or progress.
    pub quiet: bool,
    client: OnceCell<Client>,
}

impl Ctx {
    pub fn from_env(quiet: bool) -> Result<Ctx> {
        let root = Root::from_env(&|key| std::env::var(key).ok())?;
        Ok(Ctx {
            root,
            config: Config::from_env()?,
            platform: Platform::current(),
            quiet,
            client: OnceCell::new(),
        })
    }

    /// A context over a given root and configuration, for unit tests.
    #[cfg(test)]
    pub fn for_tests(root: Root, config: Config) -> Ctx {
        Ctx {
            root,
            config,
            platform: Platform::current(),
            quiet: true,
            client: OnceCell::new(),
        }
    }

    /// The same context under another configuration, with its own HTTP client (doctor probes
    /// the checksum database once per request, without the retry schedule).
    pub fn with_config(&self, config: Config) -> Ctx {
        Ctx {
            root: self.root.clone(),
            config,
            platform: self.platform.clone(),
            quiet: self.quiet,
            client: OnceCell::new(),
        }
    }

    pub fn client(&self) -> Result<&Client> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = crate::http::client(&self.config)?;
        Ok(self.client.get_or_init(|| client))
    }

    /// The index, from the cache when fresh and sufficient.
    pub fn index(&self, wants: &dyn Fn(&Index) -> bool) -> Result<Index> {
        index::fetch::load(self, wants)
    }
}

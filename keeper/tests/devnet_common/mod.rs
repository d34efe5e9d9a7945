//! Shared by the devnet tests: keeper processes and their configs.

#![allow(dead_code)]

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use alloy::primitives::Address;
use lpx_testkit::anvil_key;

/// A `keeper` process with its log file.
pub struct KeeperProc {
    pub child: Child,
    pub log: PathBuf,
}

impl KeeperProc {
    /// Starts `keeper --config <config> <args>` as anvil account `account`, logging to `log`.
    pub fn spawn(config: &Path, account: usize, args: &[&str], log: &Path) -> Child {
        Command::new(env!("CARGO_BIN_EXE_keeper"))
            .arg("--config")
            .arg(config)
            .args(args)
            .env(format!("E2E_KEY_{account}"), anvil_key(account))
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap())
            .spawn()
            .expect("start keeper")
    }

    /// `keeper run`, once its API answers.
    pub fn run(config: &Path, account: usize, api: u16, log: PathBuf) -> Self {
        let child = Self::spawn(config, account, &["run"], &log);
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", api)).is_err() {
            assert!(Instant::now() < deadline, "keeper API never came up:\n{}", std::fs::read_to_string(&log).unwrap_or_default());
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, log }
    }

    /// SIGTERM, then the exit status (clean shutdown is part of every scenario).
    pub fn stop(mut self) -> std::process::ExitStatus {
        // SAFETY: kill(2) on our own child's pid; no memory is involved.
        assert_eq!(unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) }, 0);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(Instant::now() < deadline, "keeper did not stop:\n{}", self.log_text());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: no chance to finish a tick, write anything or answer a request.
    pub fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// What it logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for KeeperProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The protocol's addresses a keeper needs.
#[derive(Debug, Clone, Copy)]
pub struct Contracts {
    pub rounds: Address,
    pub bonding: Address,
    pub minter: Address,
    pub broker: Address,
}

impl Contracts {
    /// From a deployment's address book.
    pub fn of(p: &lpx_e2e::Protocol) -> Self {
        Self { rounds: p.address("RoundsManager"), bonding: p.address("BondingManager"), minter: p.address("Minter"), broker: p.address("TicketBroker") }
    }
}

/// Where a keeper config takes the contracts' addresses from.
#[derive(Debug, Clone)]
pub enum Source {
    /// `[chain.contracts]`, given one by one.
    Explicit(Contracts),
    /// `chain.deployments`: the deployer's address book.
    Book(PathBuf),
    /// `chain.controller`: looked up in the Controller's registry.
    Controller(Address),
}

impl Source {
    fn toml(&self) -> String {
        match self {
            Source::Explicit(c) => format!(
                "[chain.contracts]\nrounds_manager = \"{}\"\nbonding_manager = \"{}\"\nminter = \"{}\"\nticket_broker = \"{}\"\n",
                c.rounds, c.bonding, c.minter, c.broker
            ),
            Source::Book(p) => format!("deployments = \"{}\"\n", p.display()),
            Source::Controller(a) => format!("controller = \"{a}\"\n"),
        }
    }
}

/// A keeper config for the chain at `url`, signer = anvil account `account` (key in
/// `E2E_KEY_<account>`, set by [`KeeperProc::spawn`]), state in `dir/state-<account>`.
/// `extra` is appended (election, tickets); a `[gas]` table in it replaces the default one.
#[allow(clippy::too_many_arguments)]
pub fn write_config(dir: &Path, name: &str, url: &str, c: Contracts, account: usize, api: Option<u16>, orchs: &[Address], extra: &str) -> PathBuf {
    write_config_from(dir, name, url, &Source::Explicit(c), account, api, orchs, extra)
}

/// [`write_config`] with the addresses taken from `src`.
#[allow(clippy::too_many_arguments)]
pub fn write_config_from(dir: &Path, name: &str, url: &str, src: &Source, account: usize, api: Option<u16>, orchs: &[Address], extra: &str) -> PathBuf {
    let orchs: String = orchs.iter().map(|o| format!("[[orchestrators]]\naddress = \"{o}\"\n")).collect();
    let listen = api.map_or(String::new(), |a| format!("[api]\nlisten = \"127.0.0.1:{a}\"\n"));
    let gas = if extra.contains("[gas]") { "" } else { "[gas]\nbump_after_secs = 10\n" };
    let text = format!(
        "[chain]\nrpc_urls = [\"{url}\"]\npoll_interval_ms = 300\nreceipt_wait_ms = 200\nrequest_timeout_ms = 5000\n\
         backoff_initial_ms = 100\nbackoff_max_ms = 1000\n{src}\
         [signer]\nprivate_key_env = \"E2E_KEY_{account}\"\n[state]\ndir = \"state-{account}\"\n{listen}\
         {gas}[run]\nshutdown_grace_secs = 5\n{extra}\n{orchs}",
        src = src.toml(),
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

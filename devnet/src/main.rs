//! `lpx-devnet`: an anvil-compatible local Arbitrum chain that runs real Stylus WASM.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use anyhow::Context as _;
use clap::Parser;
use lpx_devnet::{Devnet, DevnetConfig};

/// Command-line options (anvil's names where anvil has them).
#[derive(Debug, Parser)]
#[command(name = "lpx-devnet", version, about)]
struct Args {
    /// Port to listen on.
    #[arg(long, short, default_value_t = 8545, env = "LPX_DEVNET_PORT")]
    port: u16,
    /// Host to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Chain id (412346 is the Nitro dev node's; use 31337 to look like anvil).
    #[arg(long, default_value_t = 412_346)]
    chain_id: u64,
    /// Mine a block every N seconds instead of on every transaction.
    #[arg(long, short)]
    block_time: Option<u64>,
    /// Number of dev accounts.
    #[arg(long, short, default_value_t = 10)]
    accounts: u32,
    /// Balance of each dev account, in ether.
    #[arg(long, default_value_t = 10_000)]
    balance: u64,
    /// Mnemonic for the dev accounts.
    #[arg(long, short, default_value = lpx_devnet::chain::accounts::DEFAULT_MNEMONIC)]
    mnemonic: String,
    /// Block gas limit.
    #[arg(long, default_value_t = 30_000_000)]
    gas_limit: u64,
    /// Activate Stylus programs automatically on first call.
    #[arg(long)]
    auto_activate: bool,
    /// Load state from this JSON file at start.
    #[arg(long)]
    load_state: Option<PathBuf>,
    /// Write state to this JSON file on exit (Ctrl-C).
    #[arg(long)]
    dump_state: Option<PathBuf>,
    /// Persist the chain (accounts and blocks) in this file: restored at start if it exists,
    /// written after every call that mines a block, so a killed devnet restarts where it was.
    #[arg(long)]
    state: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    let args = Args::parse();
    let started = std::time::Instant::now();
    let addr: SocketAddr = format!("{}:{}", args.host, args.port).parse().context("invalid --host/--port")?;
    let mut config = DevnetConfig {
        addr,
        block_time: args.block_time.map(Duration::from_secs),
        load_state: args.load_state.clone(),
        state: args.state.clone(),
        ..Default::default()
    };
    config.chain.chain_id = args.chain_id;
    config.chain.accounts = args.accounts;
    config.chain.balance = alloy_primitives::U256::from(args.balance) * alloy_primitives::U256::from(10u64).pow(alloy_primitives::U256::from(18));
    config.chain.mnemonic = args.mnemonic.clone();
    config.chain.gas_limit = args.gas_limit;
    config.chain.arb.auto_activate = args.auto_activate;
    let devnet = Devnet::spawn(config).await?;
    print_banner(&devnet, &args).await?;
    println!("\nListening on {} (started in {} ms)", devnet.addr(), started.elapsed().as_millis());
    tokio::signal::ctrl_c().await.context("cannot wait for Ctrl-C")?;
    if let Some(path) = &args.dump_state {
        devnet.dump_state(path).await.with_context(|| format!("cannot write state to {}", path.display()))?;
        println!("State written to {}", path.display());
    }
    Ok(())
}

async fn print_banner(devnet: &Devnet, args: &Args) -> anyhow::Result<()> {
    let keys = devnet
        .node()
        .with(|c| c.signers.iter().map(|s| (s.address(), alloy_primitives::hex::encode_prefixed(s.credential().to_bytes()))).collect::<Vec<_>>())
        .await?;
    println!("lpx-devnet {}: local Arbitrum chain with Stylus (revm + wasmi)\n", env!("CARGO_PKG_VERSION"));
    println!("Available Accounts\n==================");
    for (i, (a, _)) in keys.iter().enumerate() {
        println!("({i}) {a} ({} ETH)", args.balance);
    }
    // These are the well-known public test keys of the standard mnemonic, not secrets.
    println!("\nPrivate Keys\n==================");
    for (i, (_, k)) in keys.iter().enumerate() {
        println!("({i}) {k}");
    }
    println!("\nWallet\n==================\nMnemonic:          {}\nDerivation path:   m/44'/60'/0'/0/", args.mnemonic);
    println!("\nChain ID\n==================\n{}", args.chain_id);
    println!("\nArbitrum\n==================");
    println!("ArbWasm           {}", lpx_devnet::arb::ARB_WASM);
    println!("ArbSys            {}", lpx_devnet::arb::ARB_SYS);
    println!("StylusDeployer    {}", lpx_devnet::arb::STYLUS_DEPLOYER);
    println!("CREATE2 factory   {}", lpx_devnet::arb::CREATE2_FACTORY);
    match args.block_time {
        Some(t) => println!("\nMining: every {t} s"),
        None => println!("\nMining: automine"),
    }
    Ok(())
}

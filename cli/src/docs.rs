//! docs/cli.md, the command reference, rendered from the clap definitions: one section per
//! command with its long help. The test fails when the committed file is stale;
//! `UPDATE_DOCS=1 cargo test -p lpx-cli cli_reference` rewrites it.

use clap::CommandFactory;

use crate::Cli;

const HEADER: &str = "# `lpx` command reference\n\n\
<!-- Generated from the clap definitions by cli/src/docs.rs; do not edit by hand.\n     \
Regenerate with: UPDATE_DOCS=1 cargo test -p lpx-cli cli_reference -->\n\n\
Every command also takes the global options shown under `lpx`: `--rpc-url` (a URL or a\n\
foundry.toml alias), `--deployments`, `--json`, and the key options (`LPX_PRIVATE_KEY` or\n\
`--keystore`). Amounts are human: `1.5LPT`, `0.1ETH`, `250gwei`, `1000wei`.\n";

/// The whole reference.
pub fn reference() -> String {
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = String::from(HEADER);
    section(&cmd, "lpx", &mut out);
    out
}

fn section(cmd: &clap::Command, path: &str, out: &mut String) {
    let help = cmd.clone().bin_name(path).render_long_help().to_string();
    let help: Vec<&str> = help.lines().map(str::trim_end).collect();
    out.push_str(&format!("\n## `{path}`\n\n```text\n{}\n```\n", help.join("\n").trim_end()));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        section(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_reference_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/cli.md");
        let want = reference();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, &want).expect("writing docs/cli.md");
            return;
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(have == want, "docs/cli.md is stale: regenerate with `UPDATE_DOCS=1 cargo test -p lpx-cli cli_reference`");
        for command in ["bond", "withdraw-fees", "cancel-unlock", "poll tally", "status", "deploy"] {
            assert!(have.contains(&format!("## `lpx {command}`")), "{command} is missing");
        }
    }
}

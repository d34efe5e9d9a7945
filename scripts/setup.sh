#!/usr/bin/env bash
# Installs what lpx needs on a fresh Debian/Ubuntu machine that has only rustup.
# Idempotent: every step checks before it installs, so running it twice is cheap.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# System packages: FFmpeg's libraries for decoding, nasm for openh264's assembly,
# libclang for bindgen (ffmpeg-sys), node/npm for cast and anvil.
apt_packages=(curl pkg-config clang libclang-dev nasm
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev
  libavfilter-dev libavdevice-dev ffmpeg)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node may come from another repository (NodeSource ships npm inside nodejs), so ask for
# Debian's packages only when the commands are missing.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Rust: the toolchain named in rust-toolchain.toml, with the wasm32 target.
cd "$root"
if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  rustup target add wasm32-unknown-unknown
fi

# cast and anvil, real Foundry clients used by the end-to-end tests.
tools="$root/.tools"
if [ ! -x "$tools/node_modules/.bin/cast" ] || [ ! -x "$tools/node_modules/.bin/anvil" ]; then
  mkdir -p "$tools"
  echo "setup: installing cast and anvil from npm"
  npm install --silent --no-audit --no-fund --prefix "$tools" @foundry-rs/cast @foundry-rs/anvil >/dev/null
fi

#!/usr/bin/env bash
# Runs every Vigil test on a Debian machine, installing what the tests need first.
#   scripts/test-all.sh            # everything: install, fmt, clippy, tests, bounded fuzzing
#   FUZZ_SECONDS=0 scripts/test-all.sh   # skip the fuzzing step
# As root it installs the Debian packages the real-component tests use (keepalived for its
# samples, as the `keepalived -t` oracle and as vigild's VRRP peer, iproute2 for network
# namespaces, tshark to dissect adverts) and scapy (PyPI) to forge malformed ones;
# without root, tests that need them say SKIP and why.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

APT_PACKAGES=(keepalived iproute2 tshark time procps)
if [ "$(id -u)" = 0 ]; then
    missing=()
    for p in "${APT_PACKAGES[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        step "apt-get install ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    # scapy forges the malformed adverts of vigild's network-namespace tests.
    if ! python3 -c 'import scapy' 2>/dev/null; then
        step "pip install scapy"
        python3 -m pip install --quiet --root-user-action=ignore scapy
    fi
else
    echo "not root: skipping apt and pip installs; tests that need root or packages will say SKIP"
fi

if ! command -v cargo >/dev/null; then
    echo "cargo not found: install Rust with rustup (https://rustup.rs) first" >&2
    exit 2
fi

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
if [ "$FUZZ_SECONDS" != 0 ]; then
    if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
        step "rustup toolchain install nightly"
        rustup toolchain install nightly --profile minimal
    fi
    if ! cargo fuzz --version >/dev/null 2>&1; then
        step "cargo install cargo-fuzz"
        cargo install cargo-fuzz --locked
    fi
fi

step "cargo fmt --all --check"
cargo fmt --all --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test --workspace"
cargo test --workspace

if [ "$FUZZ_SECONDS" != 0 ]; then
    step "fuzzing the front end, the compiler and the VRRP decoder for ${FUZZ_SECONDS}s each"
    scripts/fuzz.sh "$FUZZ_SECONDS"
fi

step "all tests passed"

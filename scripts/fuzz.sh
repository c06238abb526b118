#!/usr/bin/env bash
# Fuzzes the front end (fuzz/fuzz_targets/frontend.rs), the compiler with its lowering to
# a plan (fuzz/fuzz_targets/compiler.rs) and the VRRP advert decoder with the state machine
# behind it (fuzz/fuzz_targets/vrrp_decode.rs), each for a bounded time.
#   scripts/fuzz.sh [SECONDS]     # per target; default 60
# Needs the nightly toolchain and cargo-fuzz (scripts/test-all.sh installs both). Seeds the
# corpora (fuzz/corpus/TARGET, not committed) with the shared real configurations and with
# adversarial inputs, then runs libFuzzer. Exits non-zero when it finds a crash, a timeout or
# an out-of-memory input; the input is left in fuzz/artifacts/TARGET/.
# FUZZ_MAX_LEN (default 65536) bounds the inputs libFuzzer makes; larger seeds are cut.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SECONDS_TO_RUN=${1:-60}
MAX_LEN=${FUZZ_MAX_LEN:-65536}
case "$SECONDS_TO_RUN" in
    '' | *[!0-9]*)
        echo "usage: scripts/fuzz.sh [SECONDS]" >&2
        exit 2
        ;;
esac

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "fuzz.sh: the nightly toolchain is missing: rustup toolchain install nightly --profile minimal" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
    exit 2
fi

CORPUS=$ROOT/fuzz/corpus/frontend
mkdir -p "$CORPUS"

# --- seeds: the real configurations -----------------------------------------------------
SHARED_CORPUS=$ROOT/../shared/corpus
if compgen -G "$SHARED_CORPUS/*.conf" >/dev/null; then
    cp "$SHARED_CORPUS"/*.conf "$CORPUS"/
    # A copy is read-only when shared/ is.
    chmod u+w "$CORPUS"/*.conf
else
    echo "fuzz.sh: no $SHARED_CORPUS/*.conf; seeding with the adversarial inputs only" >&2
fi
cp examples/*.conf "$CORPUS"/ 2>/dev/null && chmod u+w "$CORPUS"/*.conf || true

# --- seeds: adversarial inputs (the same as grammar/tests/adversarial.rs) -----------------
# Files of one input are separated by SEP and become /f/0.conf (top) .. /f/3.conf.
SEP=$'\n%%%%\n'
seed() { cat >"$CORPUS/adversarial-$1"; }
repeat() { # repeat TEXT COUNT
    local text=$1 n=$2 out=$1
    while [ $((${#out} * 2)) -le $((${#text} * n)) ]; do out=$out$out; done
    while [ ${#out} -lt $((${#text} * n)) ]; do out=$out$text; done
    printf '%s' "${out:0:$((${#text} * n))}"
}

head -c 100000 /dev/zero | tr '\0' '{' | seed deep-nesting
{ repeat $'a {\n' 20000; repeat $'}\n' 20000; } | seed deep-nesting-lines
{ printf 'k '; head -c $((10 << 20)) /dev/zero | tr '\0' 'x'; printf '\n'; } | seed ten-megabyte-line
repeat 'a ' 200000 | seed long-line-of-words
repeat $'include /f/0.conf\n' 10 | seed self-include
printf 'include /f/{0,0,0,0,0,0,0,0,0,0}.conf\n' | seed self-include-braces
{
    for i in 0 1 2; do
        printf 'k%s v\n' "$i"
        repeat "include /f/$(((i + 1) % 4)).conf"$'\n' 10
        printf '%s' "$SEP"
    done
    printf 'k3 v\n'
    repeat $'include /f/0.conf\n' 10
} | seed include-chain
{
    for i in 0 1 2; do printf 'include /f/*.conf\nk%s v\n%s' "$i" "$SEP"; done
    printf 'include /f/*.conf\nk3 v\n'
} | seed include-glob
printf '$A=$B$B\n$B=$A$A\nx $A\ny $B\n' | seed definition-loop
printf '$A=${B}${B}\n$B=${A}${A}\nx ${A}\n' | seed definition-loop-braced
printf '$A=\\\nx \\\n$A \\\n$A\n$A\n' | seed definition-loop-lines
{
    printf '$D0=x\n'
    for i in $(seq 1 40); do printf '$D%s=$D%s $D%s\n' "$i" $((i - 1)) $((i - 1)); done
    printf 'k $D40\n'
} | seed definition-doubling
{
    printf '$D0=x\n'
    for i in $(seq 1 40); do printf '$D%s=${D%s}${D%s}\n' "$i" $((i - 1)) $((i - 1)); done
    printf 'k ${D40}\n'
} | seed definition-doubling-braced
{
    printf '$D0=\n'
    for i in $(seq 1 40); do printf '$D%s=${D%s}${D%s}\n' "$i" $((i - 1)) $((i - 1)); done
    printf 'k ${D40}\n'
} | seed definition-doubling-empty
{
    printf '$D0=x\n'
    for i in $(seq 1 40); do printf '$D%s=\\\n$D%s \\\n$D%s\n' "$i" $((i - 1)) $((i - 1)); done
    printf '$D40\n'
} | seed definition-doubling-lines
{
    printf '$D0=x\n'
    for i in $(seq 1 3000); do printf '$D%s=${D%s}\n' "$i" $((i - 1)); done
    printf 'k ${D3000}\n'
} | seed definition-chain
printf '~SEQ(i,1,2000000000) x $i\n' | seed huge-seq
printf '~SEQ(i,1,2000) ~SEQ(j,1,2000) x $i $j\n' | seed nested-seq
{ printf '~SEQ(i,1,1000000) k '; repeat x 60000; printf '\n'; } | seed seq-long-line
{ printf 'include /f/'; repeat '{a,b}' 40; printf '.conf\n'; } | seed brace-expansion
{ printf 'k '; repeat '${' 30000; printf '\n'; } | seed unclosed-references
repeat 'a {} ' 10000 | seed blocks-on-one-line

echo "fuzz.sh: $(find "$CORPUS" -type f | wc -l) inputs in $CORPUS"

# --- seeds for vrrp_decode: the adverts captured from keepalived (vrrp/tests/data) -------
# Each becomes flags (bit 0 IPv6, bit 1 multicast destination), the source address, the
# VRRP message: the layout fuzz/fuzz_targets/vrrp_decode.rs reads.
VRRP_CORPUS=$ROOT/fuzz/corpus/vrrp_decode
mkdir -p "$VRRP_CORPUS"
hex_to_file() { printf '%b' "$(printf '%s' "$1" | sed 's/../\\x&/g')" >"$2"; }
ip4_hex() { local IFS=.; set -- $1; printf '%02x%02x%02x%02x' "$1" "$2" "$3" "$4"; }
n=0
for f in "$ROOT"/vrrp/tests/data/*.txt; do
    while read -r src dst _ttl payload; do
        case "$src" in '#'* | '') continue ;; esac
        case "$dst" in 224.* | ff*) mc=2 ;; *) mc=0 ;; esac
        case "$src" in
            *:*) continue ;; # IPv6 sources are left to the fuzzer (no portable expander here)
            *) hex_to_file "$(printf '%02x' $mc)$(ip4_hex "$src")$payload" "$VRRP_CORPUS/$(basename "$f" .txt)-$n" ;;
        esac
        n=$((n + 1))
    done <"$f"
done
echo "fuzz.sh: $(find "$VRRP_CORPUS" -type f | wc -l) inputs in $VRRP_CORPUS"

# --- build and run ---------------------------------------------------------------------
cd fuzz
for target in frontend compiler vrrp_decode; do
    if [ "$target" = compiler ]; then
        mkdir -p "$ROOT/fuzz/corpus/$target"
        cp -n "$CORPUS"/* "$ROOT/fuzz/corpus/$target"/ 2>/dev/null || true
    fi
    cargo +nightly fuzz build "$target"
    set +e
    cargo +nightly fuzz run "$target" -- \
        -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=2048 -timeout=10 -max_len="$MAX_LEN" \
        -print_final_stats=1
    status=$?
    set -e
    if [ "$status" != 0 ]; then
        echo "fuzz.sh: the fuzzer failed on $target (exit $status); inputs in $ROOT/fuzz/artifacts/$target/:" >&2
        ls -l "$ROOT/fuzz/artifacts/$target/" >&2 || true
        exit 1
    fi
    echo "fuzz.sh: $target: no crash in ${SECONDS_TO_RUN}s"
done

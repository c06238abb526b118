#!/usr/bin/env bash
# Regenerates the VRRP wire fixtures in vrrp/tests/data/ from a real keepalived (root only).
#   sudo scripts/capture-vrrp-fixtures.sh
# For each scenario it makes two network namespaces joined by a veth pair, runs keepalived
# (the one on PATH; the fixtures in the repo came from Debian's 2.2.7) in one of them with a
# small config, captures what arrives on the other end with tshark for a few seconds, sends
# keepalived SIGTERM (so its priority-0 advert is captured too), and writes each distinct
# VRRP payload with its IP source, destination and TTL/hop limit to
# vrrp/tests/data/<scenario>.txt. tshark's own verdict on the checksum is recorded as well
# (vrrp.checksum.status, 1 = good), an oracle nobody here wrote. Nothing is sent outside the
# namespaces; they are deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/vrrp/tests/data
[ "$(id -u)" = 0 ] || { echo "capture-vrrp-fixtures.sh: must run as root" >&2; exit 2; }
for tool in keepalived tshark ip python3; do
    command -v "$tool" >/dev/null || { echo "capture-vrrp-fixtures.sh: $tool is missing" >&2; exit 2; }
done
KA_VERSION=$(keepalived --version 2>&1 | sed -n 1p)

NS_KA=vgl-vrrp-ka
NS_PEER=vgl-vrrp-peer
WORK=$(mktemp -d)
cleanup() {
    if [ -f "$WORK/keepalived.child" ]; then kill "$(cat "$WORK/keepalived.child")" 2>/dev/null || true; fi
    ip netns del "$NS_KA" 2>/dev/null || true
    ip netns del "$NS_PEER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

setup() {
    ip netns del "$NS_KA" 2>/dev/null || true
    ip netns del "$NS_PEER" 2>/dev/null || true
    ip netns add "$NS_KA"
    ip netns add "$NS_PEER"
    ip link add vka type veth peer name vpeer
    ip link set vka netns "$NS_KA"
    ip link set vpeer netns "$NS_PEER"
    for pair in "$NS_KA vka 10.99.0.1 02:00:00:99:00:01 fe80::1" "$NS_PEER vpeer 10.99.0.2 02:00:00:99:00:02 fe80::2"; do
        # shellcheck disable=SC2086
        set -- $pair
        ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
        ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0"
        ip -n "$1" link set "$2" address "$4"
        ip -n "$1" link set "$2" addrgenmode none
        ip -n "$1" link set lo up
        ip -n "$1" link set "$2" up
        ip -n "$1" addr add "$3/24" dev "$2"
        ip -n "$1" addr add "$5/64" dev "$2" scope link nodad
    done
}

# scenario NAME SECONDS < keepalived.conf
scenario() {
    local name=$1 secs=$2
    echo "capture: $name"
    setup
    cat >"$WORK/ka.conf"
    rm -f "$WORK/ka.pid" "$WORK/vrrp.pid" "$WORK/cap.pcap"
    ip netns exec "$NS_PEER" tshark -q -i vpeer -F pcap -w "$WORK/cap.pcap" -f 'ip proto 112 or ip6 proto 112' \
        >/dev/null 2>&1 &
    local tpid=$!
    sleep 2
    ip netns exec "$NS_KA" keepalived -n -l -P -f "$WORK/ka.conf" -p "$WORK/ka.pid" -r "$WORK/vrrp.pid" \
        >"$WORK/ka.log" 2>&1 &
    local kpid=$!
    echo "$kpid" >"$WORK/keepalived.child"
    sleep "$secs"
    if ! kill -TERM "$kpid" 2>/dev/null; then
        echo "capture-vrrp-fixtures.sh: keepalived stopped early in $name:" >&2
        cat "$WORK/ka.log" >&2
        kill -INT "$tpid" || true
        exit 1
    fi
    wait "$kpid" || true
    rm -f "$WORK/keepalived.child"
    sleep 1
    kill -INT "$tpid"
    wait "$tpid" || true
    local status
    status=$(tshark -r "$WORK/cap.pcap" -o vrrp.v3_checksum_as_in_v2:FALSE -T fields -e vrrp.checksum.status 2>/dev/null \
        | sort -u | tr '\n' ' ')
    python3 - "$WORK/cap.pcap" "$OUT/$name.txt" "$name" "$KA_VERSION" "$status" <<'PY'
import struct, sys, ipaddress
pcap, out, name, version, status = sys.argv[1:]
data = open(pcap, 'rb').read()
magic = struct.unpack('<I', data[:4])[0]
assert magic == 0xa1b2c3d4, hex(magic)
linktype = struct.unpack('<I', data[20:24])[0]
assert linktype == 1, linktype  # Ethernet
off, seen, rows = 24, set(), []
while off + 16 <= len(data):
    _, _, incl, _ = struct.unpack('<IIII', data[off:off + 16])
    frame = data[off + 16: off + 16 + incl]
    off += 16 + incl
    ethertype = struct.unpack('!H', frame[12:14])[0]
    ip = frame[14:]
    if ethertype == 0x0800:
        ihl = (ip[0] & 0x0f) * 4
        total = struct.unpack('!H', ip[2:4])[0]
        ttl, proto = ip[8], ip[9]
        src, dst = ipaddress.ip_address(ip[12:16]), ipaddress.ip_address(ip[16:20])
        payload = ip[ihl:total]
    elif ethertype == 0x86dd:
        plen = struct.unpack('!H', ip[4:6])[0]
        proto, ttl = ip[6], ip[7]
        src, dst = ipaddress.ip_address(ip[8:24]), ipaddress.ip_address(ip[24:40])
        payload = ip[40:40 + plen]
    else:
        continue
    if proto != 112:
        continue
    key = (str(src), str(dst), ttl, payload)
    if key in seen:
        continue
    seen.add(key)
    rows.append(key)
assert rows, 'no VRRP packet captured'
with open(out, 'w') as f:
    f.write(f'# {name}: VRRP payloads captured from {version} by scripts/capture-vrrp-fixtures.sh\n')
    f.write(f'# tshark vrrp.checksum.status over the capture (pseudo-header for v3 IPv4): {status.strip()}\n')
    f.write('# one packet per line: src dst ttl vrrp-bytes-hex\n')
    for src, dst, ttl, payload in rows:
        f.write(f'{src} {dst} {ttl} {payload.hex()}\n')
print(f'  {len(rows)} distinct packets -> {out}')
PY
}

GLOBAL='global_defs {
    router_id vigil_fixture
    vrrp_garp_master_repeat 1
    vrrp_garp_master_delay 0
}'

scenario v2-ipv4-noauth 5 <<EOF2
$GLOBAL
vrrp_instance VI_1 {
    version 2
    interface vka
    state MASTER
    virtual_router_id 51
    priority 200
    advert_int 1
    virtual_ipaddress {
        10.99.0.100/24
        10.99.0.101/24
    }
}
EOF2

scenario v2-ipv4-pass 5 <<EOF2
$GLOBAL
vrrp_instance VI_1 {
    version 2
    interface vka
    state MASTER
    virtual_router_id 52
    priority 150
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass secret123
    }
    virtual_ipaddress {
        10.99.0.102/24
    }
}
EOF2

scenario v3-ipv4 4 <<EOF2
$GLOBAL
vrrp_instance VI_1 {
    version 3
    interface vka
    state MASTER
    virtual_router_id 53
    priority 200
    advert_int 0.5
    virtual_ipaddress {
        10.99.0.103/24
        10.99.0.104/24
        10.99.0.105/24
    }
}
EOF2

scenario v3-ipv6 4 <<EOF2
$GLOBAL
vrrp_instance VI_6 {
    version 3
    interface vka
    state MASTER
    virtual_router_id 54
    priority 120
    advert_int 0.25
    virtual_ipaddress {
        fe80::54
        2001:db8::54/64
    }
}
EOF2

scenario v3-ipv4-unicast 4 <<EOF2
$GLOBAL
vrrp_instance VI_1 {
    version 3
    interface vka
    state MASTER
    virtual_router_id 55
    priority 180
    advert_int 0.5
    unicast_src_ip 10.99.0.1
    unicast_peer {
        10.99.0.2
    }
    virtual_ipaddress {
        10.99.0.106/24
    }
}
EOF2

scenario v2-ipv4-unicast 5 <<EOF2
$GLOBAL
vrrp_instance VI_1 {
    version 2
    interface vka
    state MASTER
    virtual_router_id 56
    priority 90
    advert_int 1
    unicast_src_ip 10.99.0.1
    unicast_peer {
        10.99.0.2
    }
    virtual_ipaddress {
        10.99.0.107/24
    }
}
EOF2

# keepalived 2.2.7 has no v3_checksum_as_v2 (it came in a later release; man5 2.2.7 only has
# old_unicast_checksum), so the VRRP-only v3 IPv4 form cannot be captured from it. Derive it
# from the captured v3-ipv4 adverts instead: same bytes, checksum recomputed here (in
# Python, not by the code under test) without the pseudo-header, and confirmed by tshark
# with its preference vrrp.v3_checksum_as_in_v2 TRUE (status 1) and FALSE (status 0).
derive_vrrp_only() {
    echo "derive: v3-ipv4-vrrp-only"
    python3 - "$OUT/v3-ipv4.txt" "$OUT/v3-ipv4-vrrp-only.txt" "$WORK/derived.pcap" "$KA_VERSION" <<'PY'
import struct, sys, ipaddress
src_file, out, pcap, version = sys.argv[1:]
def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
rows = []
for line in open(src_file):
    if line.startswith('#') or not line.strip():
        continue
    src, dst, ttl, hexb = line.split()
    b = bytearray(bytes.fromhex(hexb))
    b[6:8] = b'\0\0'
    b[6:8] = struct.pack('!H', csum(bytes(b)))
    rows.append((src, dst, int(ttl), bytes(b)))
with open(pcap, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for src, dst, ttl, b in rows:
        ip = bytearray(struct.pack('!BBHHHBBH4s4s', 0x45, 0xc0, 20 + len(b), 0, 0, ttl, 112, 0,
                                   ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed))
        ip[10:12] = struct.pack('!H', csum(bytes(ip)))
        frame = bytes.fromhex('01005e000012') + bytes.fromhex('020000990001') + b'\x08\x00' + bytes(ip) + b
        f.write(struct.pack('<IIII', 0, 0, len(frame), len(frame)) + frame)
with open(out, 'w') as f:
    f.write(f'# v3-ipv4-vrrp-only: the v3-ipv4 payloads from {version} with the checksum recomputed\n')
    f.write('# without the IPv4 pseudo-header (RFC 9568 / v3_checksum_as_v2) by scripts/capture-vrrp-fixtures.sh\n')
    f.write('# TSHARK\n')
    f.write('# one packet per line: src dst ttl vrrp-bytes-hex\n')
    for src, dst, ttl, b in rows:
        f.write(f'{src} {dst} {ttl} {b.hex()}\n')
PY
    local as_v2 pseudo
    as_v2=$(tshark -r "$WORK/derived.pcap" -o vrrp.v3_checksum_as_in_v2:TRUE -T fields -e vrrp.checksum.status 2>/dev/null | sort -u | tr '\n' ' ')
    pseudo=$(tshark -r "$WORK/derived.pcap" -o vrrp.v3_checksum_as_in_v2:FALSE -T fields -e vrrp.checksum.status 2>/dev/null | sort -u | tr '\n' ' ')
    if [ "${as_v2% }" != 1 ] || [ "${pseudo% }" != 0 ]; then
        echo "capture-vrrp-fixtures.sh: tshark does not confirm the derived checksums ($as_v2/$pseudo)" >&2
        exit 1
    fi
    sed -i "s|^# TSHARK\$|# tshark vrrp.checksum.status with v3_checksum_as_in_v2 TRUE: ${as_v2% }; FALSE: ${pseudo% }|" \
        "$OUT/v3-ipv4-vrrp-only.txt"
}
derive_vrrp_only

echo "capture-vrrp-fixtures.sh: fixtures in $OUT"

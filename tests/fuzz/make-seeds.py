#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, from the fixture captures (pcaps/) and the public ones (../shared/pcaps-public).

    tests/fuzz/make-seeds.py OUTDIR

writes OUTDIR/<target>/<name>.bin in the input formats tests/MgmtWatch.Fuzz/FuzzTargets.cs reads:
  reader   small captures (first packets, cut to 128 bytes) as pcap, nanosecond pcap, pcapng and gzip
  decoder  one frame per seed (and a few runs of consecutive frames) in each supported link type: frames
           from the captures, re-wrapped from Ethernet into raw IP, Linux cooked v1/v2 and BSD loopback
  <proto>  the payloads of one conversation on the analyzer's ports (tshark extracts them), with direction
           and gaps, at most 16 records of at most 2 KiB each
Needs tshark and editcap (Debian: tshark). Deterministic: same captures, same seeds.
"""
import gzip
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from collections import OrderedDict

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared", "pcaps-public"))

# Same order as FuzzTargets.LinkTypes: byte 0 of a decoder seed is the index.
LINK_TYPES = [1, 101, 228, 229, 0, 108, 113, 276, 147]
# pcap link-type numbers that mean the same as one above (DLT_RAW is 12 or 14 on some systems).
LINK_ALIASES = {12: 101, 14: 101}

# target: (ports, transport, setup byte); the setup byte's bit 0 asks for TCP where the analyzer has both.
ANALYZERS = OrderedDict([
    ("ipmi", ({623}, "udp")),
    ("snmp", ({161, 162}, "udp")),
    ("dns", ({53}, "both")),
    ("dhcp", ({67, 68}, "udp")),
    ("syslog", ({514}, "both")),
    ("ntp", ({123}, "udp")),
    ("tls", ({443, 8443, 5989}, "tcp")),
    ("ssh", ({22, 2200}, "tcp")),
    ("http", ({80, 8080, 49152}, "tcp")),
    ("rfb", (set(range(5900, 5910)), "tcp")),
    ("kvm", ({17990, 3900}, "tcp")),
    ("ldap", ({389, 3268}, "tcp")),
])

MAX_RECORDS = 16
MAX_RECORD = 2048
MAX_SEEDS = 40


def captures():
    files = []
    for base in (os.path.join(ROOT, "pcaps"), SHARED):
        for dirpath, _, names in os.walk(base):
            for n in sorted(names):
                if n.endswith((".pcap", ".pcapng")):
                    files.append(os.path.join(dirpath, n))
    return sorted(files)


def write(outdir, target, data, tag):
    d = os.path.join(outdir, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:12]
    with open(os.path.join(d, f"{tag}-{name}.bin"), "wb") as f:
        f.write(data)


def read_pcap(path):
    """Frames of a classic pcap: (linktype, [(ts, bytes)])."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return None, []
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        e = "<"
    else:
        e = ">"
    nano = struct.unpack(e + "I", data[:4])[0] == 0xA1B23C4D
    link = struct.unpack(e + "I", data[20:24])[0] & 0x03FFFFFF
    frames, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if incl > 262144 or off + incl > len(data):
            break
        frames.append((sec + frac / (1e9 if nano else 1e6), data[off:off + incl]))
        off += incl
    return link, frames


def as_pcap(path, tmp):
    """The capture as classic pcap (editcap converts pcapng); None if editcap cannot read it."""
    out = os.path.join(tmp, "conv.pcap")
    r = subprocess.run(["editcap", "-F", "pcap", path, out], capture_output=True)
    return out if r.returncode == 0 and os.path.exists(out) else None


def rewrap(frame):
    """An Ethernet frame's IP packet wrapped in every other supported link type: [(index, bytes)]."""
    if len(frame) < 14:
        return []
    ethertype = struct.unpack(">H", frame[12:14])[0]
    ip = frame[14:]
    if ethertype == 0x0800:
        af_null, af_loop, ipv = 2, 2, 2
    elif ethertype == 0x86DD:
        af_null, af_loop, ipv = 10, 30, 3
    else:
        return []
    out = [(1, ip), (ipv, ip)]
    out.append((4, struct.pack("<I", af_null) + ip))  # DLT_NULL: host byte order (little-endian here)
    out.append((5, struct.pack(">I", af_loop) + ip))  # DLT_LOOP: network byte order
    out.append((6, struct.pack(">HHH", 0, 1, 6) + frame[6:12] + b"\0\0" + struct.pack(">H", ethertype) + ip))
    out.append((7, struct.pack(">HHIHBB", ethertype, 0, 2, 1, 0, 6) + frame[6:12] + b"\0\0" + ip))
    return out


def decoder_seeds(outdir, files, tmp):
    wrapped_files = 0
    for path in files:
        conv = as_pcap(path, tmp)
        if conv is None:
            continue
        link, frames = read_pcap(conv)
        link = LINK_ALIASES.get(link, link)
        if not frames or link not in LINK_TYPES:
            continue
        index = LINK_TYPES.index(link)
        step = max(1, len(frames) // 2)
        for ts, frame in frames[::step][:2]:
            write(outdir, "decoder", bytes([index]) + struct.pack(">H", len(frame)) + frame, "frame")
        # Every other link type, from the first IP frame of a few files (enough to reach each decoder path).
        if link == 1 and wrapped_files < 6:
            for _, frame in frames:
                wraps = rewrap(frame) if len(frame) < 600 else []
                if wraps:
                    wrapped_files += 1
                    for i, wrapped in wraps:
                        write(outdir, "decoder", bytes([i]) + struct.pack(">H", len(wrapped)) + wrapped, "wrapped")
                    break
        run = b"".join(struct.pack(">H", len(f)) + f for _, f in frames[:8])
        if len(run) < 4096:
            write(outdir, "decoder", bytes([index]) + run, "run")
    # An unsupported link type must be counted, not decoded.
    write(outdir, "decoder", bytes([8]) + struct.pack(">H", 4) + b"\x01\x02\x03\x04", "unsupported")


def reader_seeds(outdir, files, tmp):
    small = [f for f in files if os.path.getsize(f) > 0][:40]
    for i, path in enumerate(small):
        for fmt in ("pcap", "nsecpcap", "pcapng"):
            out = os.path.join(tmp, f"r{i}.{fmt}")
            r = subprocess.run(["editcap", "-r", "-s", "128", "-F", fmt, path, out, "1-3"], capture_output=True)
            if r.returncode != 0 or not os.path.exists(out):
                continue
            with open(out, "rb") as f:
                data = f.read()
            if len(data) <= 4096:
                write(outdir, "reader", data, fmt)
                if i % 8 == 0 and fmt == "pcap":
                    write(outdir, "reader", gzip.compress(data, mtime=0), "gzip")


def tshark_packets(path):
    fields = ["frame.time_epoch", "udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport",
              "udp.stream", "tcp.stream", "udp.payload", "tcp.payload"]
    cmd = ["tshark", "-r", path, "-n", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"]
    for f in fields:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return []
    rows = []
    for line in r.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) < len(fields):
            continue
        rows.append(dict(zip(fields, parts)))
    return rows


def analyzer_seeds(outdir, files):
    streams = {t: OrderedDict() for t in ANALYZERS}
    for path in files:
        for row in tshark_packets(path):
            for proto in ("udp", "tcp"):
                sp, dp = row[f"{proto}.srcport"], row[f"{proto}.dstport"]
                payload = row[f"{proto}.payload"].replace(":", "")
                if not sp or not dp or not payload:
                    continue
                sp, dp = int(sp), int(dp)
                for target, (ports, transport) in ANALYZERS.items():
                    if transport != "both" and transport != proto:
                        continue
                    if sp not in ports and dp not in ports:
                        continue
                    key = (path, proto, row[f"{proto}.stream"])
                    from_server = sp in ports and dp not in ports
                    streams[target].setdefault(key, []).append((float(row["frame.time_epoch"] or 0), from_server, bytes.fromhex(payload)))
    for target, conversations in streams.items():
        count = 0
        for (path, proto, _), packets in conversations.items():
            if count >= MAX_SEEDS:
                break
            seed = bytearray([1 if proto == "tcp" else 0])
            last = packets[0][0]
            for ts, from_server, payload in packets[:MAX_RECORDS]:
                gap = min(127, max(0, int(ts - last)))
                last = ts
                payload = payload[:MAX_RECORD]
                seed += bytes([(gap << 1) | int(from_server)]) + struct.pack(">H", len(payload)) + payload
            write(outdir, target, bytes(seed), os.path.basename(path).split(".")[0][:24])
            count += 1
        if count == 0:
            # No capture has this protocol (the vendor KVM ports): one client and one server record.
            write(outdir, target, b"\x01\x00\x00\x04RFB \x01\x00\x04\x00\x01\x02\x03", "synthetic")
    # Requests no capture here holds: a Redfish login and an authenticated change in clear, and the
    # HPE iLO 4 Connection-header bypass (CVE-2017-12542).
    body = b'{"UserName":"root","Password":"calvin"}'
    for name, records in (
        ("redfish", [
            (False, b"POST /redfish/v1/SessionService/Sessions HTTP/1.1\r\nHost: bmc\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)),
            (True, b"HTTP/1.1 201 Created\r\nX-Auth-Token: 0123456789abcdef\r\nContent-Length: 2\r\n\r\n{}"),
            (False, b"PATCH /redfish/v1/AccountService/Accounts/3 HTTP/1.1\r\nX-Auth-Token: 0123456789abcdef\r\nContent-Length: 2\r\n\r\n{}"),
        ]),
        ("ilo-bypass", [
            (False, b"GET /rest/v1/AccountService/Accounts HTTP/1.1\r\nHost: ilo\r\nConnection: " + b"A" * 29 + b"\r\n\r\n"),
            (True, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"),
        ]),
    ):
        seed = bytearray([1])
        for from_server, payload in records:
            seed += bytes([int(from_server)]) + struct.pack(">H", len(payload)) + payload
        write(outdir, "http", bytes(seed), name)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    if os.path.isdir(outdir):
        shutil.rmtree(outdir)
    os.makedirs(outdir)
    files = captures()
    with tempfile.TemporaryDirectory() as tmp:
        reader_seeds(outdir, files, tmp)
        decoder_seeds(outdir, files, tmp)
    analyzer_seeds(outdir, files)
    for target in sorted(os.listdir(outdir)):
        n = len(os.listdir(os.path.join(outdir, target)))
        print(f"{target}: {n} seeds")


if __name__ == "__main__":
    main()

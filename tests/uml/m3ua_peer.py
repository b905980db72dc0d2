#!/usr/bin/python3
"""A small M3UA ASP over kernel SCTP, for the user-mode Linux tests (doc/testing-uml.md).

Written from RFC 4666 (message formats §3, ASP procedures §4.3) and ITU-T Q.763 (the ISUP IAM
it can send); it shares no code with sigtran-sg, so it checks sgd's wire format independently.

It connects to an SGP (one association, PPID 3), brings the ASP up (ASPUP), optionally active
for a routing context (ASPAC), optionally sends an ISUP IAM in a DATA message and waits for
DATA answers (ACM, ANM, ...).  It prints one "PASS: ..." or "FAIL: ..." line per check and
exits 0 only if every check passed.

usage: m3ua_peer.py --connect HOST:PORT [--bind ADDR] [--rc N] [--mode override|loadshare]
                    [--iam OPC:DPC:CIC:DIGITS] [--ni N] [--expect ACM,ANM] [--timeout S]
                    [--name NAME] [--ready FILE] [--hold S] [--reply]
  --ready FILE   create FILE once ASP-ACTIVE (or ASP-INACTIVE without --rc) is reached
  --hold S       after the checks, stay up S seconds (answering BEAT, counting DATA)
  --reply        answer each ISUP IAM received with ACM then ANM (a called exchange)
"""
import argparse
import os
import socket
import struct
import sys
import time

IPPROTO_SCTP = 132
SOL_SCTP = 132
SCTP_INITMSG = 2
SCTP_SNDINFO = 2
SCTP_RCVINFO = 3
SCTP_RECVRCVINFO = 32
PPID_M3UA = 3

# message classes and types (RFC 4666 §3.1.2)
MGMT, XFER, SSNM, ASPSM, ASPTM, RKM = 0, 1, 2, 3, 4, 9
NAMES = {
    (MGMT, 0): "ERR", (MGMT, 1): "NTFY", (XFER, 1): "DATA",
    (SSNM, 1): "DUNA", (SSNM, 2): "DAVA", (SSNM, 3): "DAUD", (SSNM, 4): "SCON",
    (SSNM, 5): "DUPU", (SSNM, 6): "DRST",
    (ASPSM, 1): "ASPUP", (ASPSM, 2): "ASPDN", (ASPSM, 3): "BEAT", (ASPSM, 4): "ASPUP_ACK",
    (ASPSM, 5): "ASPDN_ACK", (ASPSM, 6): "BEAT_ACK",
    (ASPTM, 1): "ASPAC", (ASPTM, 2): "ASPIA", (ASPTM, 3): "ASPAC_ACK", (ASPTM, 4): "ASPIA_ACK",
    (RKM, 1): "REG_REQ", (RKM, 2): "REG_RSP", (RKM, 3): "DEREG_REQ", (RKM, 4): "DEREG_RSP",
}
# parameter tags (§3.2)
T_RC, T_DIAG, T_BEAT, T_TMT, T_ERR, T_STATUS, T_APC, T_PD = (
    0x0006, 0x0007, 0x0009, 0x000b, 0x000c, 0x000d, 0x0012, 0x0210)
ISUP_NAMES = {0x01: "IAM", 0x06: "ACM", 0x07: "CON", 0x09: "ANM", 0x0c: "REL", 0x10: "RLC"}

fails = 0


def ok(what):
    print("PASS: %s" % what, flush=True)


def nok(what):
    global fails
    fails += 1
    print("FAIL: %s" % what, flush=True)


def log(what):
    print("  %s" % what, flush=True)


def param(tag, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("!HH", tag, 4 + len(value)) + value + b"\0" * pad


def message(cls, typ, params=b""):
    return struct.pack("!BBBBI", 1, 0, cls, typ, 8 + len(params)) + params


def parse(data):
    """Returns (class, type, {tag: [values]}) or raises ValueError."""
    if len(data) < 8:
        raise ValueError("%d bytes, shorter than the common header" % len(data))
    ver, _, cls, typ, length = struct.unpack_from("!BBBBI", data)
    if ver != 1 or length != len(data) or length % 4:
        raise ValueError("bad header: version %d length %d of %d" % (ver, length, len(data)))
    params, off = {}, 8
    while off < length:
        if off + 4 > length:
            raise ValueError("truncated parameter header at %d" % off)
        tag, plen = struct.unpack_from("!HH", data, off)
        if plen < 4 or off + plen > length:
            raise ValueError("parameter 0x%04x length %d at %d" % (tag, plen, off))
        params.setdefault(tag, []).append(data[off + 4:off + plen])
        off += (plen + 3) & ~3
    return cls, typ, params


def bcd(digits):
    out = bytearray()
    for i in range(0, len(digits), 2):
        lo = int(digits[i], 16)
        hi = int(digits[i + 1], 16) if i + 1 < len(digits) else 0
        out.append(lo | hi << 4)
    return bytes(out)


def isup_iam(cic, digits):
    """An ITU ISUP IAM (Q.763 Table 32): CIC, type, fixed part, called party number."""
    digits += "F"  # ST, end of pulsing
    odd = len(digits) % 2
    called = bytes([(odd << 7) | 0x03, 0x10]) + bcd(digits)  # national number, E.164
    fixed = bytes([0x00, 0x60, 0x01, 0x0a, 0x00])  # NCI, FCI (2), CPC ordinary, TMR speech
    # pointers: to the called party number (2 octets on) and to the optional part (none: 0)
    return struct.pack("<H", cic) + b"\x01" + fixed + bytes([2, 0]) + bytes([len(called)]) + called


def isup_simple(cic, typ):
    """ACM (BCI 0x16 0x14, no optional part) or ANM (no optional part)."""
    if typ == 0x06:
        return struct.pack("<H", cic) + bytes([0x06, 0x16, 0x14, 0])
    return struct.pack("<H", cic) + bytes([typ, 0])


def protocol_data(opc, dpc, si, ni, sls, payload):
    return struct.pack("!IIBBBB", opc, dpc, si, ni, 0, sls) + payload


class Peer:
    def __init__(self, args):
        self.args = args
        self.sock = None
        self.rx_data = []  # (opc, dpc, si, ni, sls, user part)
        self.rx_count = {}

    def connect(self, host, port, bind, deadline):
        while True:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_SCTP)
            s.setsockopt(SOL_SCTP, SCTP_INITMSG, struct.pack("HHHH", 4, 4, 0, 0))
            if bind:
                s.bind((bind, 0))
            try:
                s.connect((host, port))
                break
            except OSError as e:
                s.close()
                if time.time() > deadline:
                    raise OSError("connect %s:%d: %s" % (host, port, e))
                time.sleep(0.05)
        s.setsockopt(SOL_SCTP, SCTP_RECVRCVINFO, 1)
        self.sock = s
        self.local = s.getsockname()

    def send(self, msg, stream=0):
        info = struct.pack("=HHIIi", stream, 0, socket.htonl(PPID_M3UA), 0, 0)
        self.sock.sendmsg([msg], [(SOL_SCTP, SCTP_SNDINFO, info)])

    def recv(self, deadline):
        """Next M3UA message as (name, class, type, params, stream, ppid); None on timeout."""
        while True:
            left = deadline - time.time()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                data, anc, flags, _ = self.sock.recvmsg(65536, 256)
            except socket.timeout:
                return None
            if not data:
                raise OSError("the peer closed the association")
            sid = ppid = None
            for lvl, typ, d in anc:
                if lvl == SOL_SCTP and typ == SCTP_RCVINFO and len(d) >= 12:
                    sid, _, _, ppid = struct.unpack_from("=HHHxxI", d)
                    ppid = socket.ntohl(ppid)
            if flags & 0x8000:  # MSG_NOTIFICATION: not an M3UA message
                continue
            cls, typ, params = parse(data)
            name = NAMES.get((cls, typ), "class %d type %d" % (cls, typ))
            self.rx_count[name] = self.rx_count.get(name, 0) + 1
            if ppid != PPID_M3UA:
                nok("%s received with PPID %s, not 3 (RFC 4666 §1.4.7)" % (name, ppid))
            if (cls, typ) == (ASPSM, 3):  # BEAT: echo its data (§4.3.4.6)
                self.send(message(ASPSM, 6, b"".join(param(T_BEAT, v)
                                                     for v in params.get(T_BEAT, []))))
            if (cls, typ) == (XFER, 1):
                self.on_data(params, sid)
            return name, cls, typ, params, sid, ppid

    def on_data(self, params, sid):
        pd = params.get(T_PD, [b""])[0]
        if len(pd) < 12:
            nok("DATA without a valid Protocol Data parameter (RFC 4666 §3.3.1)")
            return
        opc, dpc, si, ni, mp, sls = struct.unpack_from("!IIBBBB", pd)
        up = pd[12:]
        self.rx_data.append((opc, dpc, si, ni, sls, up))
        what = "SI %d" % si
        if si == 5 and len(up) >= 3:
            what = "ISUP %s CIC %d" % (ISUP_NAMES.get(up[2], hex(up[2])),
                                       struct.unpack_from("<H", up)[0])
        log("rx DATA OPC %d DPC %d NI %d SLS %d stream %s: %s" % (opc, dpc, ni, sls, sid, what))
        if self.args.reply and si == 5 and len(up) >= 3 and up[2] == 0x01:
            cic = struct.unpack_from("<H", up)[0]
            for t in (0x06, 0x09):
                self.send_data(dpc, opc, si, ni, sls, isup_simple(cic, t))

    def send_data(self, opc, dpc, si, ni, sls, payload):
        p = b""
        if self.args.rc is not None:
            p += param(T_RC, struct.pack("!I", self.args.rc))
        p += param(T_PD, protocol_data(opc, dpc, si, ni, sls, payload))
        self.send(message(XFER, 1, p), stream=1 + sls % 3)

    def expect(self, want, deadline, what):
        """Waits for message `want`, logging others; returns its params or None."""
        while True:
            m = self.recv(deadline)
            if m is None:
                nok("%s: no %s within the time allowed" % (what, want))
                return None
            name, cls, typ, params = m[:4]
            extra = ""
            if T_ERR in params:
                extra = " error code %d" % struct.unpack("!I", params[T_ERR][0][:4])[0]
            if T_STATUS in params:
                extra = " status %d/%d" % struct.unpack("!HH", params[T_STATUS][0][:4])
            log("rx %s%s" % (name, extra))
            if name == want:
                return params
            if name == "ERR":
                nok("%s: ERR%s instead of %s" % (what, extra, want))
                return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--connect", required=True)
    ap.add_argument("--bind")
    ap.add_argument("--rc", type=int)
    ap.add_argument("--mode", default="override", choices=["override", "loadshare"])
    ap.add_argument("--iam")
    ap.add_argument("--ni", type=int, default=2)
    ap.add_argument("--expect", default="ACM,ANM")
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--name", default="python ASP")
    ap.add_argument("--ready")
    ap.add_argument("--hold", type=float, default=0)
    ap.add_argument("--reply", action="store_true")
    args = ap.parse_args()
    host, port = args.connect.rsplit(":", 1)
    t0 = time.time()
    deadline = t0 + args.timeout
    peer = Peer(args)
    n = args.name
    try:
        peer.connect(host, int(port), args.bind, deadline)
        log("%s: association up from %s:%d to %s:%s" % (n, peer.local[0], peer.local[1],
                                                      host, port))
        peer.send(message(ASPSM, 1))
        if peer.expect("ASPUP_ACK", deadline, n + " ASPUP") is None:
            return 1
        ok("%s: ASPUP answered by ASPUP_ACK (RFC 4666 §4.3.4.1)" % n)
        if args.rc is not None:
            tmt = 1 if args.mode == "override" else 2
            peer.send(message(ASPTM, 1, param(T_TMT, struct.pack("!I", tmt)) +
                              param(T_RC, struct.pack("!I", args.rc))))
            p = peer.expect("ASPAC_ACK", deadline, n + " ASPAC")
            if p is None:
                return 1
            rcs = [struct.unpack("!I", v[:4])[0] for v in p.get(T_RC, [])]
            if rcs and args.rc not in rcs:
                nok("%s: ASPAC_ACK for routing context %s, not %d" % (n, rcs, args.rc))
            else:
                ok("%s: ASP-ACTIVE for routing context %d (ASPAC_ACK, RFC 4666 §4.3.4.3)"
                   % (n, args.rc))
        if args.ready:
            open(args.ready, "w").close()
        if args.iam:
            opc, dpc, cic, digits = args.iam.split(":")
            opc, dpc, cic = int(opc), int(dpc), int(cic)
            peer.send_data(opc, dpc, 5, args.ni, cic & 0x0f, isup_iam(cic, digits))
            log("tx DATA OPC %d DPC %d: ISUP IAM CIC %d to %s" % (opc, dpc, cic, digits))
            want = [w for w in args.expect.split(",") if w]
            got = []
            while len(got) < len(want):
                m = peer.recv(deadline)
                if m is None:
                    break
                if m[0] == "DATA":
                    o, d, si, ni, sls, up = peer.rx_data[-1]
                    if si == 5 and len(up) >= 3 and struct.unpack_from("<H", up)[0] == cic:
                        got.append(ISUP_NAMES.get(up[2], hex(up[2])))
                        if o != dpc or d != opc:
                            nok("%s: answer with OPC %d DPC %d, expected OPC %d DPC %d"
                                % (n, o, d, dpc, opc))
                else:
                    log("rx %s" % m[0])
            if got == want:
                ok("%s: IAM on CIC %d answered by %s over M3UA DATA (%.2f s)"
                   % (n, cic, " and ".join(got), time.time() - t0))
            else:
                nok("%s: IAM on CIC %d: expected %s, received %s" % (n, cic, want, got))
        end = time.time() + args.hold
        while time.time() < end:
            peer.recv(end)
    except (OSError, ValueError) as e:
        nok("%s: %s" % (n, e))
    finally:
        if peer.sock:
            peer.sock.close()
    log("%s: received %s" % (n, ", ".join("%s %d" % kv for kv in sorted(peer.rx_count.items()))))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Runs one command on an Osmocom VTY (telnet, no login) and prints its output.
usage: osmo_vty.py PORT COMMAND [TIMEOUT_S]"""
import socket
import sys
import time

IAC = 255


def strip_telnet(data):
    """Drops telnet option negotiation (IAC WILL/WONT/DO/DONT x, IAC SB ... IAC SE)."""
    out, i = bytearray(), 0
    while i < len(data):
        if data[i] != IAC:
            out.append(data[i])
            i += 1
        elif i + 1 < len(data) and data[i + 1] in (251, 252, 253, 254):
            i += 3
        elif i + 1 < len(data) and data[i + 1] == 250:
            end = data.find(bytes([IAC, 240]), i)
            i = len(data) if end < 0 else end + 2
        else:
            i += 2
    return bytes(out)


def read_prompt(s, deadline):
    buf = b""
    while time.time() < deadline:
        s.settimeout(max(0.01, deadline - time.time()))
        try:
            d = s.recv(4096)
        except socket.timeout:
            break
        if not d:
            break
        buf += d
        text = strip_telnet(buf).rstrip()
        if text.endswith(b">") or text.endswith(b"#"):
            return strip_telnet(buf).decode(errors="replace")
    raise OSError("no VTY prompt")


def main():
    port, cmd = int(sys.argv[1]), sys.argv[2]
    tmo = float(sys.argv[3]) if len(sys.argv) > 3 else 5
    deadline = time.time() + tmo
    s = socket.create_connection(("127.0.0.1", port), timeout=tmo)
    read_prompt(s, deadline)
    s.sendall(cmd.encode() + b"\r\n")
    out = read_prompt(s, deadline)
    s.close()
    lines = out.splitlines()
    # leave out the echoed command and the final prompt
    print("\n".join(l for l in lines[1:-1] if l.strip()))


if __name__ == "__main__":
    try:
        main()
    except OSError as e:
        print("osmo_vty: %s" % e, file=sys.stderr)
        sys.exit(1)

"""A USB stick's serial device, for tests: a pty whose far end is relayed to `localecu emulate` on TCP.

Usage: pty-stick.py HOST PORT LINK. LINK becomes a symlink to the pty's device (like /dev/serial/by-id/…);
the first stdout line is the device. Killed, the device vanishes as an unplugged stick's does (the
controller's reads fail); the caller removes LINK, and a new bridge brings it back.
"""
import os
import pty
import select
import socket
import sys
import tty

host, port, link = sys.argv[1], int(sys.argv[2]), sys.argv[3]
master, slave = pty.openpty()
tty.setraw(slave)
name = os.ttyname(slave)
tmp = link + ".tmp"
if os.path.lexists(tmp):
    os.unlink(tmp)
os.symlink(name, tmp)
os.rename(tmp, link)
sock = socket.create_connection((host, port))
print(name, flush=True)
while True:
    ready, _, _ = select.select([master, sock], [], [])
    if master in ready:
        try:
            data = os.read(master, 4096)
        except OSError:
            data = b""
        if data:
            sock.sendall(data)
    if sock in ready:
        data = sock.recv(4096)
        if not data:
            sys.exit(0)
        os.write(master, data)

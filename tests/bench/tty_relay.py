#!/usr/bin/env python3
"""Cost of the `nestbox run -t` relay (issue 14). Host only, not a test.

A 1 MiB `cat` inside a container, its output read by this script from a pseudo-terminal it
holds (as a person's terminal emulator would): with -t the bytes cross nestbox's relay
(container pty -> master -> nestbox -> caller's pty); without -t the container's cat writes
to the caller's pty itself. Also `true` with and without -t (start-to-exit latency).

    python3 tests/bench/tty_relay.py [N]       (NESTBOX, NESTBOX_ROOTFS as for the tests)
"""
import fcntl, os, pty, select, statistics, sys, tempfile, termios, time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20
NB = os.path.realpath(os.environ.get("NESTBOX", "build/nestbox"))
ROOTFS = os.path.realpath(os.environ.get("NESTBOX_ROOTFS", "build/rootfs"))


def run_on_pty(argv):
    """Wall time (s) and bytes read from the master until nestbox exits and all is drained."""
    master, slave = pty.openpty()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        os.execv(argv[0], argv)
    pidfd, total, done = os.pidfd_open(pid), 0, False
    while True:
        r, _, _ = select.select([master] if done else [master, pidfd], [], [], 0 if done else None)
        if master in r:
            total += len(os.read(master, 1 << 16))
        elif done:
            break
        if pidfd in r:
            os.waitpid(pid, 0)
            os.close(pidfd)
            done = True
    elapsed = time.perf_counter() - start
    os.close(master)
    os.close(slave)
    return elapsed, total


def bench(label, argv):
    times, size = [], 0
    for _ in range(N):
        t, size = run_on_pty(argv)
        times.append(t * 1000)
    print(f"{label:44s} median {statistics.median(times):7.2f} ms  min {min(times):7.2f} ms"
          f"  ({size} bytes)")


def keystroke_echo(argv, n=300):
    """Median microseconds from a key written to the caller's terminal to its echo coming back
    (with -t: relay in, the container pty's echo, relay out)."""
    master, slave = pty.openpty()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        os.execv(argv[0], argv)
    while termios.tcgetattr(slave)[3] & termios.ICANON:  # until nestbox made it raw
        time.sleep(0.001)
    time.sleep(0.2)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        os.write(master, b"k")
        got = b""
        while b"k" not in got:
            got += os.read(master, 64)
        samples.append((time.perf_counter() - start) * 1e6)
    os.write(master, b"\n\x04")
    os.waitpid(pid, 0)
    os.close(master)
    os.close(slave)
    return statistics.median(samples)


with tempfile.TemporaryDirectory(prefix="nb-ttybench-") as data:
    line = b"x" * 79 + b"\n"
    with open(os.path.join(data, "mib"), "wb") as f:
        f.write((line * (1048576 // len(line) + 1))[:1048576])
    run = [NB, "run", "--rootfs", ROOTFS, "--bind", data + ":/data:ro"]
    bench("cat 1 MiB, no -t (cat writes the pty)", run + ["--", "cat", "/data/mib"])
    bench("cat 1 MiB, -t (through the relay)", run + ["-t", "--", "cat", "/data/mib"])
    bench("true, no -t", run + ["--", "true"])
    bench("true, -t", run + ["-t", "--", "true"])
    print(f"{'keystroke to echo, -t, cat inside':44s} median {keystroke_echo(run + ['-t', '--', 'cat']):7.1f} us")

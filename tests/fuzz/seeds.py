#!/usr/bin/env python3
"""Seed corpora for tests/fuzz/corpus/<target>/ from the suites' own inputs (test_cli.c's bad
inputs, test_boot.c's boot.conf texts, unit_seccomp.c's policies, unit_net.c's addresses,
unit_netlink.c-style answers) plus this host's mountinfo. Re-run after adding tests; the corpus
is kept in git (with any crash input added by hand as a regression)."""
import hashlib, os, re, struct, sys

root = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(root))
corpus = os.path.join(root, "corpus")


def src(path):
    return open(os.path.join(repo, path)).read()


def c_strings(text):
    """Adjacent C string literals, joined, unescaped."""
    out = []
    for m in re.finditer(r'((?:"(?:[^"\\\n]|\\.)*"\s*)+)', text):
        parts = re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(1))
        s = "".join(parts)
        out.append(bytes(s, "utf-8").decode("unicode_escape").encode("latin-1"))
    return out


def put(target, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    open(os.path.join(d, name), "wb").write(data)


# fuzz_cli: each test_cli.c variant's args (after "run"), NUL-separated.
for m in re.finditer(r"\.args\s*=\s*\{([^}]*)\}", src("tests/test_cli.c")):
    args = c_strings(m.group(1).replace("ROOTFS", '"/r"'))
    if args and args[0] == b"run":
        put("fuzz_cli", b"\0".join(args[1:]))
put("fuzz_cli", b"\0".join([b"--rootfs", b"/a:/b", b"--bind", b"/tmp:/mnt:ro", b"--net", b"veth",
                            b"--ip", b"10.0.0.2/24", b"--memory", b"64m", b"--cpuset", b"0-1,3",
                            b"--uidmap", b"0:100000:65536", b"--rlimit", b"nofile=16:32", b"--verbose",
                            b"--", b"sh", b"-c", b"true"]))

# fuzz_options: first byte picks the option (modulo the options that take a value, in table
# order: cli.c, security.c, net.c, cgroup.c), the rest is the value.
opts = []
for f in ["runtime/cli.c", "runtime/security.c", "runtime/net.c", "runtime/cgroup.c"]:
    for m in re.finditer(r'\{\s*"([a-z-]+)",\s*[^,]+,\s*(\d)\s*,', src(f)):
        if m.group(2) != "0":
            opts.append(m.group(1))
values = {
    "rootfs": [b"/a:/b::/c", b"/"], "bind": [b"/tmp:/mnt:ro", b"/a:/b:rw", b"/tmp:/mnt/../x"],
    "ns": [b"mnt,pid,bogus", b"net,user,time"], "env": [b"A=b", b"=x"], "user": [b"1000:1000", b"x"],
    "grace": [b"3", b"99999999999"], "ip": [b"10.1.2.3/24", b"fd00::2/64", b"10.1.2.256/24"],
    "host-ip": [b"10.1.2.1/24"], "gateway": [b"10.1.2.1", b"fd00::1"], "mtu": [b"1500", b"0"],
    "dns": [b"1.1.1.1"], "memory": [b"64m", b"1t", b"0", b"18446744073709551615k"],
    "memory-swap": [b"128m"], "cpus": [b"1.5", b"0.001", b"1e3"], "cpu-weight": [b"100"],
    "pids": [b"64"], "cpuset": [b"0-1,3", b"3-1", b"0-4294967295"], "cpuset-mems": [b"0"],
    "io-max": [b"8:0:rbps=1048576,wiops=10", b"8:0:x=1"], "cgroup": [b"/a/b", b"a/../b"],
    "uidmap": [b"0:100000:65536", b"0:0:4294967295"], "gidmap": [b"0:100000:65536"],
    "rlimit": [b"nofile=1024:4096", b"cpu=unlimited", b"nproc=5:4"], "cap-add": [b"NET_ADMIN", b"ALL"],
    "cap-drop": [b"CAP_CHOWN"], "seccomp": [b"off"], "boottime": [b"-5"], "monotonic": [b"100"],
    "veth": [b"mine0"], "bridge": [b"br0"], "net": [b"veth", b"none"], "name": [b"web"],
    "hostname": [b"h"], "workdir": [b"/w"], "upper": [b"/u"], "work": [b"/w"],
}
for i, o in enumerate(opts):
    for v in values.get(o, [b"x"]):
        put("fuzz_options", bytes([i]) + v)

# fuzz_boot_conf: test_boot.c's boot.conf texts.
for s in c_strings(src("tests/test_boot.c")):
    if b"\n" in s and (b"run " in s or b"container " in s or b"grace" in s or b"module" in s):
        put("fuzz_boot_conf", s.replace(b"%s", b"/r"))

# fuzz_seccomp_policy: unit_seccomp.c's parse("...") policies.
for m in re.finditer(r'parse\(((?:"(?:[^"\\\n]|\\.)*"\s*)+)', src("tests/unit_seccomp.c")):
    for s in c_strings(m.group(1)):
        put("fuzz_seccomp_policy", s)

# fuzz_net_addr: unit_net.c's addresses.
for s in c_strings(src("tests/unit_net.c")):
    if re.fullmatch(rb"[0-9a-fx:./ -]*", s):
        put("fuzz_net_addr", s)

# fuzz_netlink: seq (4 bytes), then answers: an ack, an error with an extended ack message, a
# RTM_NEWLINK answer with IFLA_IFNAME and a nested IFLA_LINKINFO/IFLA_INFO_KIND.
def nlmsg(mtype, seq, payload, flags=0):
    n = 16 + len(payload)
    return struct.pack("=IHHII", n, mtype, flags, seq, 0) + payload + b"\0" * ((4 - n % 4) % 4)

def attr(t, data):
    n = 4 + len(data)
    return struct.pack("=HH", n, t) + data + b"\0" * ((4 - n % 4) % 4)

req = struct.pack("=IHHII", 32, 16, 5, 7, 0) + b"\0" * 16
put("fuzz_netlink", struct.pack("=I", 7) + nlmsg(2, 7, struct.pack("=i", 0) + req))
put("fuzz_netlink", struct.pack("=I", 7) + nlmsg(2, 7, struct.pack("=i", -95) + req[:16] +
                                                  attr(1, b"Unknown device type\0"), flags=0x200))
ifi = struct.pack("=BxHiII", 0, 1, 3, 0x1003, 0)
info = attr(18, attr(1, b"veth\0"))
put("fuzz_netlink", struct.pack("=I", 7) + nlmsg(1, 6, b"") + nlmsg(16, 7, ifi + attr(3, b"eth0\0") + info))

# fuzz_cgroup_files: this host's mountinfo, and cgroup "key value" files.
try:
    put("fuzz_cgroup_files", open("/proc/self/mountinfo", "rb").read()[:8000])
except OSError:
    pass
put("fuzz_cgroup_files", b"oom 0\noom_kill 3\n")
put("fuzz_cgroup_files", b"123456\n")
put("fuzz_cgroup_files", b"36 25 0:31 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory\n")

# fuzz_json: the default config.json `nestbox spec` writes, unit_json.c's documents and configs.
spec = re.search(r"default_spec\[\] =\s*(.*?);\n", src("runtime/oci_verbs.c"), re.S).group(1)
put("fuzz_json", b"".join(c_strings(spec.replace("NB_OCI_VERSION", '"1.2.0"'))))
for m in re.finditer(r'\{ ("(?:[^"\\\n]|\\.)*"), "t\.json', src("tests/unit_json.c")):
    put("fuzz_json", c_strings(m.group(1))[0])
put("fuzz_json", b'{"a": [1, -2, 3.5e2, true, false, null], "s": "x\\u00e9\\ud83d\\ude00"}')

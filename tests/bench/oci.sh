#!/bin/sh
# oci.sh BUNDLE ROOTFS CMD [MEMORY_BYTES]: write BUNDLE/config.json for runc and crun, equivalent
# to `nestbox run` with its defaults: mount, pid, uts, ipc and cgroup namespaces (no net, no
# user), /proc, a tmpfs /dev with devpts and shm, a read-only /sys and cgroup fs, Docker's
# default capabilities, no_new_privs, and the masked / read-only paths of `runc spec`.
# Differences that remain: the root is ROOTFS bind-mounted (no overlay, no tmpfs upper layer)
# and there is no seccomp filter (nestbox loads its default one). MEMORY_BYTES sets
# linux.resources.memory.limit.
set -eu
bundle=${1:?usage: oci.sh BUNDLE ROOTFS CMD [MEMORY_BYTES]}
rootfs=${2:?}
cmd=${3:?}
memory=${4:-}

caps='"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
        "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"'
resources=
[ -z "$memory" ] || resources="\"resources\": { \"memory\": { \"limit\": $memory } },"

mkdir -p "$bundle"
cat >"$bundle/config.json" <<EOF
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": [ "$cmd" ],
    "env": [ "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "HOSTNAME=nbbench" ],
    "cwd": "/",
    "capabilities": {
      "bounding": [ $caps ],
      "effective": [ $caps ],
      "permitted": [ $caps ]
    },
    "noNewPrivileges": true
  },
  "root": { "path": "$rootfs", "readonly": false },
  "hostname": "nbbench",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
      "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
    { "destination": "/dev/pts", "type": "devpts", "source": "devpts",
      "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" ] },
    { "destination": "/dev/shm", "type": "tmpfs", "source": "shm",
      "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
    { "destination": "/sys", "type": "sysfs", "source": "sysfs",
      "options": [ "nosuid", "noexec", "nodev", "ro" ] },
    { "destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
      "options": [ "nosuid", "noexec", "nodev", "relatime", "ro" ] }
  ],
  "linux": {
    $resources
    "namespaces": [ { "type": "mount" }, { "type": "pid" }, { "type": "uts" },
                    { "type": "ipc" }, { "type": "cgroup" } ],
    "maskedPaths": [ "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
      "/sys/firmware", "/proc/scsi" ],
    "readonlyPaths": [ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" ]
  }
}
EOF

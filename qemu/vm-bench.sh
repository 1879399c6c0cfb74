#!/bin/sh
# Measurements in the QEMU VMs (qemu/vmbench.mk), from the repo's top directory:
#   vm-bench.sh conc KERNEL [TOTAL [PAR]]  issue 27: TOTAL parallel `nestbox run --memory 64m`
#                                          on pure cgroup v2, PAR at once (1000, 20)
#   vm-bench.sh tests KERNEL TEST...       some test binaries in the VM (v2 tests), with the
#                                          test build as NESTBOX_FAULTS (VM_FAULTS: another
#                                          one); TAP on stdout
#   vm-bench.sh arch KERNEL [ROUNDS [ORPHANS [REPS]]]   issue 24: nestbox's start latency
#                                          and reaping next to the VM's floor (guest/bench-arch.sh),
#                                          with the bench programs of BENCH_DIR/bin
# Both boot the suite VM's initramfs (make qemu-initramfs) with a second archive appended
# (the kernel unpacks concatenated archives in order, later files replacing earlier ones): the
# newest binaries, the guest scripts and a boot.conf of its own. Prints the VM's results;
# writes build/qemu/KERNEL/MODE.{console,results}. Env: VM_CPUS (2), VM_MEM (1024), VM_TIMEOUT,
# VM_NESTBOX, VM_FAULTS (below), QEMU_ARCH (x86_64; aarch64, armv7: -M virt as run-vm.sh boots
# them, the verdict through semihosting).
set -eu
mode=${1:?usage: vm-bench.sh conc|tests KERNEL ...}
k=${2:?usage: vm-bench.sh conc|tests KERNEL ...}
shift 2
build=${BUILD:-build}
kdir=$build/kernels/$k
dir=$build/qemu/$k
base=$dir/initramfs.cpio.gz
[ -s "$base" ] || { echo "vm-bench: $base missing: make qemu-initramfs" >&2; exit 1; }

# vm_boot INITRD CONF OUT TIMEOUT: boot with nestbox.conf=CONF, console and results port to
# OUT.console and OUT.results (as run-vm.sh does; TCG, FACTS: KVM fails here).
case ${QEMU_ARCH:-x86_64} in
x86_64) machine="qemu-system-x86_64 -M pc" console=ttyS0
	vm_exit="-device isa-debug-exit,iobase=0xf4,iosize=0x04" ;;
aarch64) machine="qemu-system-aarch64 -M virt" console=ttyAMA0
	vm_exit="-semihosting-config enable=on,target=native,userspace=on" ;;
armv7) machine="qemu-system-arm -M virt" console=ttyAMA0
	vm_exit="-semihosting-config enable=on,target=native,userspace=on" ;;
*) echo "vm-bench: unknown QEMU_ARCH '$QEMU_ARCH'" >&2; exit 2 ;;
esac
vm_boot() {
	rm -f "$3.console"
	: >"$3.results"
	# shellcheck disable=SC2086 # machine, vm_exit: a command and options
	timeout -k 5 "$4" $machine -nodefaults -accel "${ACCEL:-tcg}" -cpu max \
		-m "${VM_MEM:-1024}" -smp "${VM_CPUS:-2}" -nic none -no-reboot \
		-display none -monitor none -serial "file:$3.console" \
		-kernel "$kdir/vmlinuz" -initrd "$1" \
		-append "console=$console panic=-1 loglevel=4 nestbox.conf=$2" \
		$vm_exit \
		-device virtio-serial-pci \
		-chardev "file,id=results,path=$3.results" \
		-device virtserialport,chardev=results,name=results </dev/null >"$3.qemu" 2>&1 || :
}

# extra_archive DIR OUT: the suite initramfs with DIR's files on top.
extra_archive() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$2.extra"
	cat "$base" "$2.extra" >"$2"
	rm -f "$2.extra"
}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/etc/nestbox" "$stage/nestbox/qemu" "$stage/nestbox/tests"
cp qemu/guest/*.sh "$stage/nestbox/qemu/"
# VM_NESTBOX: another nestbox as /init and /bin/nestbox (e.g. a build without a fix)
cp "${VM_NESTBOX:-$build/nestbox}" "$stage/init"
# VM_FAULTS: another test build as /init-faults (e.g. one without a fix, to see a test fail)
faults=${VM_FAULTS:-$build/nestbox-faults}
[ -x "$faults" ] && cp "$faults" "$stage/init-faults"
conf=$stage/etc/nestbox/bench.conf
while read -r m; do echo "module /lib/modules/$m.ko"; done <"$kdir/modules.load" >"$conf"

case $mode in
conc)
	total=${1:-1000} par=${2:-20}
	echo "run conc on-exit=poweroff -- /bin/sh /nestbox/qemu/bench-conc.sh $total $par" >>"$conf"
	timeout_s=${VM_TIMEOUT:-1800}
	;;
tests)
	[ $# -gt 0 ] || { echo "vm-bench: tests: name the test binaries" >&2; exit 2; }
	args=
	for t in "$@"; do
		cp "$build/tests/$t" "$stage/nestbox/tests/"
		args="$args /nestbox/tests/$t"
	done
	echo "run tests on-exit=poweroff -- /bin/sh /nestbox/qemu/bench-tests.sh$args" >>"$conf"
	timeout_s=${VM_TIMEOUT:-600}
	;;
arch)
	mkdir -p "$stage/nestbox/bench"
	for b in floor interleave initbench; do
		cp "${BENCH_DIR:-$build/bench}/bin/$b" "$stage/nestbox/bench/"
	done
	echo "run arch on-exit=poweroff -- /bin/sh /nestbox/qemu/bench-arch.sh ${1:-50} ${2:-1000} ${3:-5}" >>"$conf"
	timeout_s=${VM_TIMEOUT:-900}
	;;
*) echo "vm-bench: unknown mode $mode" >&2; exit 2 ;;
esac

out=$dir/$mode
extra_archive "$stage" "$out.cpio.gz"
echo "vm-bench: $mode on $(sed -n 2p "$kdir/package"), ${VM_CPUS:-2} vCPUs, ${ACCEL:-tcg}" >&2
vm_boot "$out.cpio.gz" /etc/nestbox/bench.conf "$out" "$timeout_s"
rm -f "$out.cpio.gz"
if [ ! -s "$out.results" ]; then
	echo "vm-bench: $k $mode: no results; last console lines:" >&2
	tail -n 30 "$out.console" >&2
	exit 1
fi
cat "$out.results"

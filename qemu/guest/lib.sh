# Shared by the scripts the test VMs run (busybox sh): the results port and TAP output.
# The results port is a virtio-serial port named "results"; without udev it is found through
# sysfs (FACTS). On 6.1 virtio_console is a module that boot.conf loaded just before us: wait.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export NESTBOX=/bin/nestbox NESTBOX_INIT=/nestbox/nestbox-init NESTBOX_ROOTFS=/nestbox/rootfs
export NESTBOX_HELPERS=/nestbox/helpers TMPDIR=/tmp
# The test build (mkinitramfs.sh's /init-faults) for the suites that stop nestbox at a step:
# test_faults, and test_concurrency's v2 race, which only a pure v2 host (these VMs) can run.
if [ -x /init-faults ]; then export NESTBOX_FAULTS=/init-faults; fi

results_port() {
	i=0
	while [ $i -lt 50 ]; do
		for d in /sys/class/virtio-ports/*; do
			[ "$(cat "$d/name" 2>/dev/null)" = results ] && [ -c "/dev/${d##*/}" ] &&
				echo "/dev/${d##*/}" && return 0
		done
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# status PASSED FAILED SKIPPED: the final line the host looks for.
status_line() {
	if [ "$2" -eq 0 ]; then s=pass; else s=fail; fi
	echo "# nestbox-qemu: status=$s passed=$1 failed=$2 skipped=$3"
}

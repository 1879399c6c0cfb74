/* nbtrue: exit 0. The workload of the peak-RSS runs: static and a few pages, so that what is
 * measured is the runtime, not a busybox image (busybox true alone peaks at ~1.2 MiB). */
int main(void)
{
	return 0;
}

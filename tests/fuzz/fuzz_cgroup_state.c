/* The saved cgroup state (runtime/cgroup_state.c, parsed with runtime/scan.c): any bytes are
 * taken or refused; a record taken has only paths under /sys/fs/cgroup with no ".." step, and
 * saving it again gives a record that parses to the same directories. */
#include "fuzz.h"
#include "cgroup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nb_cgroup cg, again;
	static char saved[1 << 17];
	static int fd = -1;
	char *text = fuzz_string(data, size);
	struct nb_error err = { 0 };
	ssize_t n;

	if (fd < 0 && (fd = memfd_create("fuzz", 0)) < 0)
		abort();
	if (!cgroup_state_parse(&cg, text, NULL, &err)) {
		for (int i = 0; i < cg.n_dirs; i++)
			if (strncmp(cg.dirs[i].path, "/sys/fs/cgroup/", 15) ||
			    strstr(cg.dirs[i].path, "/../"))
				abort();
		if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET) || cgroup_state_save(&cg, fd))
			abort();
		n = pread(fd, saved, sizeof(saved) - 1, 0);
		if (n < 0)
			abort();
		saved[n] = '\0';
		if (cgroup_state_parse(&again, saved, NULL, &err) || again.n_dirs != cg.n_dirs ||
		    again.version != cg.version)
			abort();
		for (int i = 0; i < cg.n_dirs; i++)
			if (strcmp(again.dirs[i].path, cg.dirs[i].path) ||
			    again.dirs[i].ino != cg.dirs[i].ino ||
			    again.dirs[i].ctrls != cg.dirs[i].ctrls ||
			    again.dirs[i].base_len != cg.dirs[i].base_len)
				abort();
	}
	free(text);
	return 0;
}

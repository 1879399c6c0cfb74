/* What the cgroup code reads from the kernel (runtime/cgroup_layout.c): /proc/self/mountinfo
 * lines (mount fields, v1 hierarchy options, the options a view mount takes) and "key value"
 * cgroup files (memory.stat, pids.peak ...), and /proc/self/cgroup's "ID:CONTROLLERS:PATH" lines. The file is included so that its static parsers are
 * reached without widening its interface; faults.mk links the rest of the runtime without it. */
#include "../../runtime/cgroup_layout.c"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nb_cgroup cg;
	char *text = fuzz_string(data, size), *save = NULL, opts[256];
	const char *path = fuzz_file(data, size);
	const char *slash = strrchr(path, '/');
	char dir[64];

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *root, *mnt, *type, *o;

		if (mount_fields(line, &root, &mnt, &type, &o))
			continue;
		view_options(o, opts, sizeof(opts));
		cg.n_dirs = 0;
		add_v1_dir(&cg, "", mnt, root, o);
	}
	char *proc_cgroup = fuzz_string(data, size);

	for (size_t i = 0; i < N_CONTROLLERS; i++)
		cgroup_file_path(proc_cgroup, controllers[i].name, opts, sizeof(opts));
	cgroup_file_path(proc_cgroup, "", opts, sizeof(opts));
	free(proc_cgroup);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	cg_read_value(dir, slash + 1, "oom_kill");
	cg_read_value(dir, slash + 1, NULL);
	free(text);
	return 0;
}

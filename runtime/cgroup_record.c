/* The container's group as lines of the run record (state.h), so that `nestbox delete` in
 * another process removes exactly the directories `nestbox create` made:
 *   version V
 *   dir BASE_LEN MADE_FROM SHARED PATH */
#include <stdio.h>
#include <string.h>

#include "cgroup_impl.h"

void cgroup_record(char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	if (!cg.version)
		return;
	used += (size_t)snprintf(buf, size, "version %d\n", cg.version);
	for (int i = 0; i < cg.n_dirs && used < size; i++) {
		const struct cg_dir *d = &cg.dirs[i];

		used += (size_t)snprintf(buf + used, size - used, "dir %zu %zu %d %s\n",
					 d->base_len, d->made_from, d->shared_parent, d->path);
	}
}

int cgroup_restore(const char *lines)
{
	memset(&cg, 0, sizeof(cg));
	cg.clone_fd = -1;
	for (const char *p = lines; *p;) {
		struct cg_dir *d = &cg.dirs[cg.n_dirs];
		int shared = 0, off = 0;

		if (sscanf(p, "version %d", &cg.version) == 1) {
		} else if (cg.n_dirs < CG_MAX_DIRS &&
			   sscanf(p, "dir %zu %zu %d %n", &d->base_len, &d->made_from, &shared,
				  &off) == 3 &&
			   off) {
			size_t len = strcspn(p + off, "\n");

			if (len >= sizeof(d->path))
				return -1;
			memcpy(d->path, p + off, len);
			d->path[len] = '\0';
			d->shared_parent = shared;
			cg.n_dirs++;
		} else {
			return -1;
		}
		p += strcspn(p, "\n");
		p += *p == '\n';
	}
	return 0;
}

/* Start order of boot mode (boot_conf.h, README "Boot mode"): `after=A,B` on a line and
 * `group` lines become one set of entries each entry waits for (a bit mask: at most 32
 * entries). A name that is not there, or a cycle, is a bad line with its number; its entries
 * are dropped, and so, in the next round, is whatever waits for them: the rest still starts. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "boot_conf.h"

static int find(const struct boot_conf *c, const char *name, size_t len)
{
	for (int i = 0; i < c->n; i++)
		if (c->e[i].kind != BOOT_MODULE && strlen(c->e[i].name) == len &&
		    strncmp(c->e[i].name, name, len) == 0)
			return i;
	return -1;
}

/* One entry's mask from its after= names and its group; -1 (reported) for an unknown name. */
static int mask_of(struct boot_conf *c, int i)
{
	struct boot_entry *e = &c->e[i];
	char why[192];

	e->after_mask = 0;
	for (int j = 0; j < c->n; j++)
		if (c->e[j].kind != BOOT_MODULE && c->e[j].group < e->group)
			e->after_mask |= 1u << j;
	for (const char *p = e->after; p && *p;) {
		size_t len = strcspn(p, ",");
		int j = find(c, p, len);

		if (j < 0) {
			snprintf(why, sizeof(why),
				 "%s: after=%.*s: no such entry (or its line was refused)", e->name,
				 (int)len, p);
			boot_conf_bad_line(c, e->line, why);
			return -1;
		}
		e->after_mask |= 1u << j;
		p += len + (p[len] == ',');
	}
	return 0;
}

/* Depth-first from i; on a cycle, name it on the line of the entry that closes it. */
static bool cycle_from(struct boot_conf *c, int i, unsigned char *color, int *path, int depth,
		       unsigned *drop)
{
	color[i] = 1;
	path[depth] = i;
	for (int j = 0; j < c->n; j++) {
		if (!(c->e[i].after_mask & (1u << j)))
			continue;
		if (color[j] == 1) {
			char why[512];
			size_t o = (size_t)snprintf(why, sizeof(why), "after: cycle: ");
			int k = depth;

			while (path[k] != j)
				k--;
			for (; k <= depth && o < sizeof(why); k++) {
				o += (size_t)snprintf(why + o, sizeof(why) - o, "%s -> ",
						      c->e[path[k]].name);
				*drop |= 1u << path[k];
			}
			snprintf(why + (o < sizeof(why) ? o : sizeof(why) - 1),
				 sizeof(why) - (o < sizeof(why) ? o : sizeof(why) - 1), "%s",
				 c->e[j].name);
			boot_conf_bad_line(c, c->e[i].line, why);
			return true;
		}
		if (color[j] == 0 && cycle_from(c, j, color, path, depth + 1, drop))
			return true;
	}
	color[i] = 2;
	return false;
}

static void compact(struct boot_conf *c, unsigned drop)
{
	int n = 0;

	for (int i = 0; i < c->n; i++)
		if (!(drop & (1u << i)))
			c->e[n++] = c->e[i];
	c->n = n;
}

void boot_order_resolve(struct boot_conf *c)
{
	unsigned drop;

	do {
		unsigned char color[BOOT_MAX_ENTRIES] = { 0 };
		int path[BOOT_MAX_ENTRIES];

		drop = 0;
		for (int i = 0; i < c->n; i++)
			if (c->e[i].kind != BOOT_MODULE && mask_of(c, i) != 0)
				drop |= 1u << i;
		for (int i = 0; i < c->n && !drop; i++)
			if (color[i] == 0 && c->e[i].kind != BOOT_MODULE &&
			    cycle_from(c, i, color, path, 0, &drop))
				break;
		compact(c, drop);
	} while (drop);
}

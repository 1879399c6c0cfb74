/* nestbox-init: the standalone PID-1 reaper, usable alone as tini is. */
#include "init.h"

int main(int argc, char **argv)
{
	return init_main("nestbox-init", argc, argv);
}

/* compat_call: make getpid through the 32-bit ABI of this 64-bit architecture, the calls a seccomp
 * filter written for the native numbers would misread (the filter must kill them: issue 24), and
 * exit 0 when the call returned; exit 3 when the 32-bit ABI is not there to try.
 *   x86_64:  int $0x80 with eax = 20 (i386's getpid), AUDIT_ARCH_I386.
 *   aarch64: exec a 104-byte 32-bit ARM (EABI) program, written to DIR (argv[1], default /tmp),
 *            that calls getpid (arm's 20) and exits 0: AUDIT_ARCH_ARM, compat arm32. ENOEXEC from
 *            execve: no CONFIG_COMPAT or no AArch32 at EL0 (exit 3). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define COMPAT_NR_GETPID 20 /* i386 and arm (EABI) alike */

#if defined(__x86_64__)
int main(void)
{
	long rc = COMPAT_NR_GETPID;

	__asm__ volatile("int $0x80" : "+a"(rc) : : "memory");
	printf("compat getpid: %ld\n", rc);
	return rc > 0 ? 0 : 1;
}
#elif defined(__aarch64__)
#define ARM_BASE 0x10000u
#define EHDR_LEN 52u
#define PHDR_LEN 32u

static void put16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, 2); /* both ends little endian */
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* ELF32 header, one PT_LOAD of the whole file, then ARM code (elf(5), ARM ELF ABI). */
static size_t arm32_program(unsigned char *f)
{
	static const uint32_t code[] = {
		0xe3a07014, /* mov r7, #20  (getpid) */
		0xef000000, /* svc #0 */
		0xe3a00000, /* mov r0, #0 */
		0xe3a07001, /* mov r7, #1   (exit) */
		0xef000000, /* svc #0 */
	};
	const size_t len = EHDR_LEN + PHDR_LEN + sizeof(code);
	unsigned char *ph = f + EHDR_LEN;

	memset(f, 0, len);
	memcpy(f, "\177ELF\1\1\1", 7); /* ELFCLASS32, ELFDATA2LSB, EV_CURRENT */
	put16(f + 16, 2);	       /* ET_EXEC */
	put16(f + 18, 40);	       /* EM_ARM */
	put32(f + 20, 1);
	put32(f + 24, ARM_BASE + EHDR_LEN + PHDR_LEN); /* e_entry */
	put32(f + 28, EHDR_LEN);		       /* e_phoff */
	put32(f + 36, 0x05000000);		       /* EF_ARM_EABI_VER5: arm64 runs EABI only */
	put16(f + 40, EHDR_LEN);
	put16(f + 42, PHDR_LEN);
	put16(f + 44, 1);
	put32(ph, 1); /* PT_LOAD */
	put32(ph + 8, ARM_BASE);
	put32(ph + 12, ARM_BASE);
	put32(ph + 16, (uint32_t)len);
	put32(ph + 20, (uint32_t)len);
	put32(ph + 24, 5); /* PF_R | PF_X */
	put32(ph + 28, 0x1000);
	memcpy(f + EHDR_LEN + PHDR_LEN, code, sizeof(code));
	return len;
}

int main(int argc, char **argv)
{
	unsigned char prog[128];
	char path[256];
	size_t len = arm32_program(prog);
	int fd;

	snprintf(path, sizeof(path), "%s/compat_call32", argc > 1 ? argv[1] : "/tmp");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0 || write(fd, prog, len) != (ssize_t)len || close(fd)) {
		printf("write %s: errno %d\n", path, errno);
		return 2;
	}
	execv(path, (char *[]){ path, NULL });
	printf("exec %s: errno %d (%s)\n", path, errno, strerror(errno));
	return errno == ENOEXEC ? 3 : 2;
}
#else
int main(void)
{
	printf("no compat ABI known here\n");
	return 3;
}
#endif

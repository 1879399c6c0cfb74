/* runtime/malloc.c, the allocator the musl build links instead of musl's mallocng: freed
 * chunks are reused (the boot-mode PID 1 runs for months), realloc keeps the contents as it
 * grows and shrinks, calloc zeroes and refuses a product that overflows, every payload is
 * 16-byte aligned, and a double free aborts. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nb_malloc.h"

TEST(freed_memory_is_reused)
{
	static const size_t sizes[] = { 0, 1, 16, 17, 100, 4000, 100000, 1 << 20 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		void *p = nb_malloc(sizes[i]), *q;

		ASSERT_NE(NULL, p);
		memset(p, 0xa5, sizes[i]);
		nb_free(p);
		q = nb_malloc(sizes[i]);
		ASSERT_NE(NULL, q);
		if (sizes[i] <= 100000) /* a small chunk: the same one again */
			EXPECT_EQ(p, q);
		nb_free(q);
	}
	/* a long run of alloc/free cycles stays in the same memory */
	void *first = nb_malloc(300);

	nb_free(first);
	for (int i = 0; i < 100000; i++) {
		void *p = nb_malloc(300);

		ASSERT_EQ(first, p);
		nb_free(p);
	}
}

TEST(chunks_do_not_overlap_and_are_aligned)
{
	enum { N = 2000 };
	static unsigned char *p[N];
	size_t len;

	for (int i = 0; i < N; i++) {
		len = (size_t)(i * 37 % 3000) + 1;
		p[i] = nb_malloc(len);
		ASSERT_NE(NULL, p[i]);
		EXPECT_EQ(0, (uintptr_t)p[i] % 16);
		memset(p[i], i & 0xff, len);
	}
	for (int i = 0; i < N; i++) {
		len = (size_t)(i * 37 % 3000) + 1;
		for (size_t k = 0; k < len; k++)
			ASSERT_EQ(i & 0xff, p[i][k]);
		nb_free(p[i]);
	}
}

TEST(realloc_grows_and_shrinks_keeping_contents)
{
	unsigned char *p = nb_realloc(NULL, 10), *q;

	ASSERT_NE(NULL, p);
	for (int i = 0; i < 10; i++)
		p[i] = (unsigned char)i;
	for (size_t n = 20; n <= 400000; n *= 3) {
		q = nb_realloc(p, n);
		ASSERT_NE(NULL, q);
		EXPECT_EQ(0, (uintptr_t)q % 16);
		for (int i = 0; i < 10; i++)
			ASSERT_EQ(i, q[i]);
		memset(q + 10, 0xee, n - 10);
		p = q;
	}
	q = nb_realloc(p, 5); /* shrink */
	ASSERT_NE(NULL, q);
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(i, q[i]);
	nb_free(q);
}

TEST(calloc_zeroes_and_refuses_overflow)
{
	unsigned char *p = nb_malloc(512);

	memset(p, 0xff, 512);
	nb_free(p);
	p = nb_calloc(16, 32); /* the chunk just freed, dirty */
	ASSERT_NE(NULL, p);
	for (int i = 0; i < 512; i++)
		ASSERT_EQ(0, p[i]);
	nb_free(p);
	errno = 0;
	EXPECT_EQ(NULL, nb_calloc(SIZE_MAX / 2, 3));
	EXPECT_EQ(ENOMEM, errno);
	errno = 0;
	EXPECT_EQ(NULL, nb_malloc(SIZE_MAX - 8));
	EXPECT_EQ(ENOMEM, errno);
}

/* The harness takes any SIGABRT for a failed assertion: the double free is in a child. */
TEST(double_free_aborts)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		void *p = nb_malloc(64);

		nb_free(p);
		nb_free(p);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGABRT, WTERMSIG(status));
}

TEST_HARNESS_MAIN

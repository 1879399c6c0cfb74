/* config.json's linux.seccomp, resolved by oci_seccomp.c, compiled to classic BPF after the
 * preamble seccomp.c emits (the accumulator holds the syscall number).
 *
 * Semantics (libseccomp's, as runc and crun load it): a syscall's rules are tried in the file's
 * order and the first that matches gives the action; the comparisons of one rule are ANDed;
 * a syscall without a matching rule gets the default action. A rule whose action is the default
 * one is dropped (runc skips those too: libseccomp refuses them).
 *
 * Layout: the syscalls whose first rule has no arguments are tested in chains, one per action,
 * by ranges of consecutive numbers (an allow-list like Docker's is mostly runs), each chain
 * jumping to one RET; then one block per syscall with argument rules. Classic BPF's conditional
 * jumps reach 255 instructions ahead: chains are cut before that, blocks are skipped with JA. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <linux/seccomp.h>

#include "seccomp_bpf.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "seccomp_profile.c: args[n]'s low word is first only on little-endian machines"
#endif

#define JEQ	  (BPF_JMP | BPF_JEQ | BPF_K)
#define JGT	  (BPF_JMP | BPF_JGT | BPF_K)
#define JGE	  (BPF_JMP | BPF_JGE | BPF_K)
#define JA	  (BPF_JMP | BPF_JA)
#define RET(p, v) seccomp_emit(p, BPF_RET | BPF_K, v, 0, 0)
#define MARK	  0xff /* a jump to patch: to the next rule, or a chain's RET (all < 255 away) */
#define CHAIN_MAX 250  /* instructions in one chain, so that its MARKs reach its RET */

enum { NONE, SIMPLE, ARGS }; /* what a syscall's first (not default) rule is */

/* Every MARK of insn[from, to) becomes a jump to insn[target]. */
static void patch(struct seccomp_prog *p, unsigned from, unsigned to, unsigned target)
{
	for (unsigned i = from; i < to && i < BPF_MAXINSNS; i++) {
		struct sock_filter *f = &p->insn[i];

		if (BPF_CLASS(f->code) != BPF_JMP || BPF_OP(f->code) == BPF_JA)
			continue;
		if (f->jt == MARK)
			f->jt = (unsigned char)(target - i - 1);
		if (f->jf == MARK)
			f->jf = (unsigned char)(target - i - 1);
	}
}

/* The accumulator is 32 bits: a comparison of a 64-bit argument is one on its high word, then
 * (when that does not decide) one on its low word, as libseccomp emits it. Falls through when
 * the comparison holds, jumps to MARK when not. */
static void emit_cmp(struct seccomp_prog *p, const struct nb_seccomp_cmp *a)
{
	bool masked = a->op == NB_CMP_MASKED_EQ;
	uint64_t want = masked ? a->value_two : a->value;

	for (int high = 1; high >= 0; high--) {
		unsigned k = (unsigned)(high ? want >> 32 : want);

		seccomp_emit(p, BPF_LD | BPF_W | BPF_ABS,
			     (unsigned)(offsetof(struct seccomp_data, args[0]) + 8u * a->index +
					(high ? 4u : 0u)),
			     0, 0);
		switch (a->op) {
		case NB_CMP_MASKED_EQ:
		case NB_CMP_EQ:
			if (masked)
				seccomp_emit(p, BPF_ALU | BPF_AND | BPF_K,
					     (unsigned)(high ? a->value >> 32 : a->value), 0, 0);
			seccomp_emit(p, JEQ, k, 0, MARK);
			break;
		case NB_CMP_NE: /* high words differ: holds (over the low word's load and test) */
			seccomp_emit(p, JEQ, k, high ? 0 : MARK, high ? 2 : 0);
			break;
		case NB_CMP_GT:
		case NB_CMP_GE:
			if (high) { /* above: holds; below: fails; equal: the low word decides */
				seccomp_emit(p, JGT, k, 3, 0);
				seccomp_emit(p, JEQ, k, 0, MARK);
			} else
				seccomp_emit(p, a->op == NB_CMP_GT ? JGT : JGE, k, 0, MARK);
			break;
		default: /* LT, LE */
			if (high) {
				seccomp_emit(p, JGE, k, 0, 3);
				seccomp_emit(p, JEQ, k, 0, MARK);
			} else
				seccomp_emit(p, a->op == NB_CMP_LT ? JGE : JGT, k, MARK, 0);
		}
	}
}

/* if (nr == N) { each argument rule in order; then its first plain rule or the default } */
static void emit_block(const struct nb_seccomp_profile *pr, struct seccomp_prog *p, unsigned nr)
{
	unsigned start = p->n;
	uint32_t last = pr->default_ret;

	seccomp_emit(p, JEQ, nr, 1, 0);
	seccomp_emit(p, JA, 0, 0, 0); /* over the block: patched below */
	for (int i = 0; i < pr->n; i++) {
		const struct nb_seccomp_entry *e = &pr->e[i];
		unsigned rule = p->n;

		if (e->nr != nr || e->ret == pr->default_ret)
			continue;
		if (!e->n_cmp) {
			last = e->ret;
			break;
		}
		for (int a = 0; a < e->n_cmp; a++)
			emit_cmp(p, &pr->cmp[e->first_cmp + a]);
		RET(p, e->ret);
		patch(p, rule, p->n, p->n);
	}
	RET(p, last);
	if (start + 1 < BPF_MAXINSNS)
		p->insn[start + 1].k = p->n - start - 2;
}

/* The syscalls of kind SIMPLE whose action is ret, from first on: range tests jumping to one
 * RET; a chain that grows too long ends and the next one takes the rest. */
static void emit_chain(struct seccomp_prog *p, unsigned char *kind, const uint32_t *ret,
		       unsigned count, unsigned first)
{
	uint32_t action = ret[first];
	unsigned start = p->n;

	for (unsigned nr = first; nr < count && p->n - start < CHAIN_MAX; nr++) {
		unsigned last = nr;

		if (kind[nr] != SIMPLE || ret[nr] != action)
			continue;
		while (last + 1 < count && kind[last + 1] == SIMPLE && ret[last + 1] == action)
			kind[++last] = NONE;
		kind[nr] = NONE;
		if (last - nr >= 2) { /* nr <= n <= last: two tests for the whole run */
			seccomp_emit(p, JGE, nr, 0, 1);
			seccomp_emit(p, JGT, last, 0, MARK);
		} else
			for (unsigned n = nr; n <= last; n++)
				seccomp_emit(p, JEQ, n, MARK, 0);
		nr = last;
	}
	seccomp_emit(p, JA, 1, 0, 0); /* no match: over the RET to the next test */
	patch(p, start, p->n, p->n);
	RET(p, action);
}

int seccomp_profile_build(const struct nb_seccomp_profile *pr, struct seccomp_prog *p)
{
	unsigned count = 0;
	unsigned char *kind;
	uint32_t *ret;

	for (int i = 0; i < pr->n; i++)
		if (pr->e[i].nr >= count)
			count = pr->e[i].nr + 1u;
	kind = calloc(count + 1, 1);
	ret = calloc(count + 1, sizeof(*ret));
	if (!kind || !ret) {
		free(kind);
		free(ret);
		return -ENOMEM;
	}
	for (int i = 0; i < pr->n; i++) {
		const struct nb_seccomp_entry *e = &pr->e[i];

		if (e->ret == pr->default_ret || kind[e->nr] != NONE)
			continue;
		kind[e->nr] = e->n_cmp ? ARGS : SIMPLE;
		ret[e->nr] = e->ret;
	}
	for (unsigned nr = 0; nr < count; nr++)
		if (kind[nr] == ARGS)
			emit_block(pr, p, nr);
	for (unsigned nr = 0; nr < count; nr++)
		while (kind[nr] == SIMPLE)
			emit_chain(p, kind, ret, count, nr);
	RET(p, pr->default_ret);
	free(kind);
	free(ret);
	return 0;
}

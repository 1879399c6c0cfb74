/* config.json's linux.seccomp, resolved by oci_seccomp.c, compiled to classic BPF after the
 * preamble seccomp.c emits (the accumulator holds the syscall number).
 *
 * Semantics (libseccomp's, as runc and crun load it): rules are tried in the file's order and
 * the first that matches gives the action; the comparisons of one rule are ANDed, several rules
 * for one syscall are ORed; a syscall no rule matches gets the default action. A rule whose
 * action is the default one is dropped (runc skips those too: libseccomp refuses them).
 *
 * Layout: a linear list, as libseccomp emits without its binary-tree option: a run of plain
 * rules of one action is a chain of tests jumping to one RET (classic BPF's conditional jumps
 * reach 255 instructions ahead: a longer run is cut into chains); a rule with comparisons loads
 * the arguments and, when one fails, the syscall number again for the rules after it. */
#include <stddef.h>
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

/* The jumps of each operator on the high word, then on the low word: {test, jt, jf} x 2, test
 * 0 for none; M is MARK (the comparison fails), a number skips to the end of the comparison
 * (it holds). The high word decides unless it equals the value's (then the low word does). */
enum { NO, EQ, GT, GE };
#define M MARK
static const unsigned char cmp_jumps[][2][2][3] = {
	[NB_CMP_NE] = { { { EQ, 0, 2 } }, { { EQ, M, 0 } } },
	[NB_CMP_LT] = { { { GE, 0, 3 }, { EQ, 0, M } }, { { GE, M, 0 } } },
	[NB_CMP_LE] = { { { GE, 0, 3 }, { EQ, 0, M } }, { { GT, M, 0 } } },
	[NB_CMP_EQ] = { { { EQ, 0, M } }, { { EQ, 0, M } } },
	[NB_CMP_GE] = { { { GT, 3, 0 }, { EQ, 0, M } }, { { GE, 0, M } } },
	[NB_CMP_GT] = { { { GT, 3, 0 }, { EQ, 0, M } }, { { GT, 0, M } } },
	[NB_CMP_MASKED_EQ] = { { { EQ, 0, M } }, { { EQ, 0, M } } },
};
static const unsigned short jump_code[] = { 0, JEQ, JGT, JGE };

/* The accumulator is 32 bits: a comparison of a 64-bit argument is one on its high word, then
 * one on its low word, as libseccomp emits it (MASKED_EQ: each half ANDed with the mask's).
 * Falls through when the comparison holds, jumps to MARK when not. */
static void emit_cmp(struct seccomp_prog *p, const struct nb_seccomp_cmp *a)
{
	uint64_t want = a->op == NB_CMP_MASKED_EQ ? a->value_two : a->value;

	for (int half = 0; half < 2; half++) { /* 0: high word, 1: low */
		const unsigned char(*j)[3] = cmp_jumps[a->op][half];
		int shift = half ? 0 : 32;

		seccomp_emit(p, BPF_LD | BPF_W | BPF_ABS,
			     (unsigned)(offsetof(struct seccomp_data, args[0]) + 8u * a->index +
					(half ? 0u : 4u)),
			     0, 0);
		if (a->op == NB_CMP_MASKED_EQ)
			seccomp_emit(p, BPF_ALU | BPF_AND | BPF_K, (unsigned)(a->value >> shift), 0,
				     0);
		for (int k = 0; k < 2 && j[k][0]; k++)
			seccomp_emit(p, jump_code[j[k][0]], (unsigned)(want >> shift), j[k][1],
				     j[k][2]);
	}
}
#undef M

/* Consecutive plain rules of one action (a profile's allow-list is one rule of many names):
 * one test each, jumping to one RET, at most CHAIN_MAX of them. Returns the next entry. */
static int emit_chain(const struct nb_seccomp_profile *pr, struct seccomp_prog *p, int i)
{
	uint32_t ret = pr->e[i].ret;
	unsigned start = p->n;

	for (; i < pr->n && p->n - start < CHAIN_MAX; i++) {
		const struct nb_seccomp_entry *e = &pr->e[i];

		if (e->ret == pr->default_ret)
			continue;
		if (e->n_cmp || e->ret != ret)
			break;
		seccomp_emit(p, JEQ, e->nr, MARK, 0);
	}
	seccomp_emit(p, JA, 1, 0, 0); /* no match: over the RET to the next test */
	patch(p, start, p->n, p->n);
	RET(p, ret);
	return i;
}

/* if (nr == N && every comparison holds) return action; else the syscall number again. */
static void emit_rule(struct seccomp_prog *p, const struct nb_seccomp_entry *e,
		      const struct nb_seccomp_cmp *cmp)
{
	unsigned start = p->n;

	seccomp_emit(p, JEQ, e->nr, 0, MARK);
	for (int a = 0; a < e->n_cmp; a++)
		emit_cmp(p, &cmp[a]);
	RET(p, e->ret);
	patch(p, start, p->n, p->n);
	seccomp_emit(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
}

int seccomp_profile_build(const struct nb_seccomp_profile *pr, struct seccomp_prog *p)
{
	for (int i = 0; i < pr->n;) {
		const struct nb_seccomp_entry *e = &pr->e[i];

		if (e->ret == pr->default_ret)
			i++;
		else if (e->n_cmp)
			emit_rule(p, e, &pr->cmp[e->first_cmp]), i++;
		else
			i = emit_chain(pr, p, i);
	}
	RET(p, pr->default_ret);
	return 0;
}

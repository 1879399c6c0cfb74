/* A strict RFC 8259 parser into a small tree (include/json.h). Recursive descent, bounded by
 * JSON_MAX_DEPTH; columns count bytes from 1. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct parser {
	char *s;
	size_t len, pos;
	unsigned line;
	size_t line_start;
	const char *name;
	struct nb_error *err;
};

static int peek(const struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static unsigned col_at(const struct parser *p, size_t pos)
{
	return (unsigned)(pos - p->line_start + 1);
}

/* "NAME:LINE:COL: what" at pos (on the current line). */
static int fail_at(struct parser *p, size_t pos, const char *what)
{
	p->err->code = EINVAL;
	snprintf(p->err->msg, sizeof(p->err->msg), "%s:%u:%u: %s", p->name, p->line, col_at(p, pos),
		 what);
	return -EINVAL;
}

/* A byte where another was wanted: say which one we got. */
static int fail_unexpected(struct parser *p, const char *wanted)
{
	char what[96];
	int c = peek(p);

	if (c < 0)
		snprintf(what, sizeof(what), "expected %s, got the end of the text", wanted);
	else if (c >= 0x20 && c < 0x7f)
		snprintf(what, sizeof(what), "expected %s, got '%c'", wanted, c);
	else
		snprintf(what, sizeof(what), "expected %s, got byte 0x%02x", wanted, c);
	return fail_at(p, p->pos, what);
}

/* RFC 8259 section 2: whitespace is space, tab, LF, CR only. */
static void skip_ws(struct parser *p)
{
	for (int c; (c = peek(p)) == ' ' || c == '\t' || c == '\n' || c == '\r'; p->pos++)
		if (c == '\n') {
			p->line++;
			p->line_start = p->pos + 1;
		}
}

static int hex4(struct parser *p, size_t at, unsigned *out)
{
	unsigned v = 0;

	if (at + 4 > p->len)
		return fail_at(p, at, "\\u wants four hex digits");
	for (int i = 0; i < 4; i++) {
		char c = p->s[at + i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail_at(p, at + i, "\\u wants four hex digits");
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* \uXXXX at p->pos (after the backslash and 'u'), with its low surrogate when it is a high one.
 * Returns the code point or -errno. */
static long unicode_escape(struct parser *p, size_t esc)
{
	unsigned hi, lo;

	if (hex4(p, p->pos, &hi))
		return -EINVAL;
	p->pos += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail_at(p, esc, "lone low surrogate in \\u escape");
	if (hi < 0xd800 || hi > 0xdbff)
		return hi ? (long)hi : fail_at(p, esc, "\\u0000 is not taken (C strings)");
	if (p->pos + 2 > p->len || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
		return fail_at(p, esc, "high surrogate without its low surrogate");
	if (hex4(p, p->pos + 2, &lo))
		return -EINVAL;
	if (lo < 0xdc00 || lo > 0xdfff)
		return fail_at(p, esc, "high surrogate without its low surrogate");
	p->pos += 6;
	return 0x10000 + (((long)hi - 0xd800) << 10) + ((long)lo - 0xdc00);
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlongs, no surrogates, at
 * most U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	unsigned cp, min;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static int escape(struct parser *p, char **o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	size_t esc = p->pos - 1;
	const char *k;
	int c = peek(p);
	long cp;

	if (c == 'u') {
		p->pos++;
		cp = unicode_escape(p, esc);
		if (cp < 0)
			return (int)cp;
		*o += put_utf8(*o, (unsigned)cp);
		return 0;
	}
	k = c > 0 ? strchr(from, c) : NULL;
	if (!k)
		return fail_at(p, esc,
			       "unknown escape (RFC 8259: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)");
	*(*o)++ = to[k - from];
	p->pos++;
	return 0;
}

/* A string at p->pos (its opening quote), decoded in place. */
static int string(struct parser *p, const char **out)
{
	char *o = p->s + p->pos + 1;

	*out = o;
	for (p->pos++;;) {
		int c = peek(p);
		size_t n;

		if (c < 0)
			return fail_unexpected(p, "'\"' to end the string");
		if (c == '"')
			break;
		if (c < 0x20)
			return fail_at(p, p->pos, "control character in a string (escape it)");
		if (c == '\\') {
			p->pos++;
			if (escape(p, &o))
				return -EINVAL;
			continue;
		}
		n = utf8_len((const unsigned char *)p->s + p->pos, p->len - p->pos);
		if (!n)
			return fail_at(p, p->pos, "invalid UTF-8 in a string");
		memmove(o, p->s + p->pos, n);
		o += n;
		p->pos += n;
	}
	*o = '\0'; /* at most where the closing quote was */
	p->pos++;
	return 0;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* RFC 8259 section 6: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
static int number(struct parser *p, struct json_value *v)
{
	bool overflow = false;

	if (peek(p) == '-') {
		v->negative = true;
		p->pos++;
	}
	if (!is_digit(peek(p)))
		return fail_unexpected(p, "a digit");
	if (peek(p) == '0' && is_digit(p->pos + 1 < p->len ? p->s[p->pos + 1] : 0))
		return fail_at(p, p->pos, "numbers have no leading zeros");
	for (int c; is_digit(c = peek(p)); p->pos++) {
		unsigned d = (unsigned)(c - '0');

		if (v->magnitude > (UINT64_MAX - d) / 10)
			overflow = true;
		v->magnitude = v->magnitude * 10 + d;
	}
	v->is_int = !overflow;
	if (peek(p) == '.') {
		p->pos++;
		if (!is_digit(peek(p)))
			return fail_unexpected(p, "a digit after '.'");
		while (is_digit(peek(p)))
			p->pos++;
		v->is_int = false;
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		p->pos++;
		if (peek(p) == '+' || peek(p) == '-')
			p->pos++;
		if (!is_digit(peek(p)))
			return fail_unexpected(p, "a digit in the exponent");
		while (is_digit(peek(p)))
			p->pos++;
		v->is_int = false;
	}
	return 0;
}

static int literal(struct parser *p, const char *word, enum json_type t, struct json_value *v)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n))
		return fail_unexpected(p, "a value");
	v->type = t;
	p->pos += n;
	return 0;
}

static int value(struct parser *p, struct json_value **out, int depth);

/* The elements of an array or the members of an object, after the opening bracket. */
static int container(struct parser *p, struct json_value *v, int close, int depth)
{
	struct json_value **tail = &v->child;

	p->pos++;
	skip_ws(p);
	if (peek(p) == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		const char *key = NULL;

		if (close == '}') {
			if (peek(p) != '"')
				return fail_unexpected(p, v->n ? "a member name"
							       : "a member name or '}'");
			if (string(p, &key))
				return -EINVAL;
			skip_ws(p);
			if (peek(p) != ':')
				return fail_unexpected(p, "':'");
			p->pos++;
		}
		if (value(p, tail, depth + 1))
			return -EINVAL;
		(*tail)->key = key;
		tail = &(*tail)->next;
		v->n++;
		skip_ws(p);
		if (peek(p) == close) {
			p->pos++;
			return 0;
		}
		if (peek(p) != ',')
			return fail_unexpected(p, close == '}' ? "',' or '}'" : "',' or ']'");
		p->pos++;
		skip_ws(p);
		if (peek(p) == close)
			return fail_at(p, p->pos, "trailing comma");
	}
}

static int value(struct parser *p, struct json_value **out, int depth)
{
	struct json_value *v;
	int c;

	skip_ws(p);
	if (depth > JSON_MAX_DEPTH)
		return fail_at(p, p->pos, "nested too deep (64 levels at most)");
	v = calloc(1, sizeof(*v));
	if (!v) {
		p->err->code = ENOMEM;
		snprintf(p->err->msg, sizeof(p->err->msg), "%s: %s", p->name, strerror(ENOMEM));
		return -ENOMEM;
	}
	*out = v;
	v->line = p->line;
	v->col = col_at(p, p->pos);
	switch ((c = peek(p))) {
	case '{':
		v->type = JSON_OBJECT;
		return container(p, v, '}', depth);
	case '[':
		v->type = JSON_ARRAY;
		return container(p, v, ']', depth);
	case '"':
		v->type = JSON_STRING;
		return string(p, &v->str);
	case 't':
		return literal(p, "true", JSON_TRUE, v);
	case 'f':
		return literal(p, "false", JSON_FALSE, v);
	case 'n':
		return literal(p, "null", JSON_NULL, v);
	default:
		v->type = JSON_NUMBER;
		if (c == '-' || is_digit(c))
			return number(p, v);
		return fail_unexpected(p, "a value");
	}
}

struct json_value *json_parse(char *text, size_t len, const char *name, struct nb_error *err)
{
	struct parser p = { text, len, 0, 1, 0, name, err };
	struct json_value *root = NULL;
	const char *nul = memchr(text, '\0', len);

	if (nul) {
		/* Where it is, for the message: count lines up to it. */
		for (const char *c = text; c < nul; c++)
			if (*c == '\n') {
				p.line++;
				p.line_start = (size_t)(c - text) + 1;
			}
		fail_at(&p, (size_t)(nul - text), "NUL byte in the text");
		return NULL;
	}
	if (value(&p, &root, 1) == 0) {
		skip_ws(&p);
		if (p.pos == p.len)
			return root;
		fail_unexpected(&p, "the end of the text after the top value");
	}
	json_free(root);
	return NULL;
}

void json_free(struct json_value *v)
{
	while (v) {
		struct json_value *next = v->next;

		json_free(v->child);
		free(v);
		v = next;
	}
}

const char *json_type_name(enum json_type t)
{
	static const char *const names[] = { "null",	 "a boolean", "a boolean", "a number",
					     "a string", "an array",  "an object" };

	return names[t];
}

const struct json_value *json_member(const struct json_value *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (const struct json_value *m = obj->child; m; m = m->next)
		if (!strcmp(m->key, key))
			return m;
	return NULL;
}

int json_int(const struct json_value *v, int64_t min, int64_t max, int64_t *out)
{
	int64_t x;

	if (v->type != JSON_NUMBER || !v->is_int)
		return -1;
	if (!v->negative) {
		if (v->magnitude > (uint64_t)INT64_MAX)
			return -1;
		x = (int64_t)v->magnitude;
	} else {
		if (v->magnitude > (uint64_t)INT64_MAX + 1)
			return -1;
		x = v->magnitude ? -(int64_t)(v->magnitude - 1) - 1 : 0;
	}
	if (x < min || x > max)
		return -1;
	*out = x;
	return 0;
}

int json_uint(const struct json_value *v, uint64_t max, uint64_t *out)
{
	if (v->type != JSON_NUMBER || !v->is_int || (v->negative && v->magnitude) ||
	    v->magnitude > max)
		return -1;
	*out = v->magnitude;
	return 0;
}

/* A small strict JSON parser (RFC 8259) for config.json: no library (none can be had for static
 * musl), a tree of values over the caller's buffer. Strings are decoded in place (an escape is
 * never shorter than what it stands for), so the buffer must stay alive and writable as long as
 * the tree. Every value knows its line and column, for messages "NAME:LINE:COL: what".
 *
 * Strict: no trailing commas, no comments, no single quotes, no leading zeros, no control
 * characters in strings, escapes only as the RFC lists them, \u surrogates only in pairs, UTF-8
 * checked, nesting at most JSON_MAX_DEPTH, nothing after the top value. Not taken although the
 * RFC allows it: "\u0000" (our strings are C strings). Duplicate keys are the caller's to refuse
 * (the RFC leaves them to the application). */
#ifndef NB_JSON_H
#define NB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nb_error.h"

#define JSON_MAX_DEPTH 64

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT
};

struct json_value {
	enum json_type type;
	unsigned line, col; /* where it starts, from 1 */
	const char *key;    /* its name when it is an object's member, else NULL */
	const char *str;    /* JSON_STRING: decoded, NUL-terminated */
	/* JSON_NUMBER: an integer (no fraction or exponent) that fits is in i64/u64. */
	bool is_int, negative;
	uint64_t magnitude;	  /* |value| when is_int */
	struct json_value *child; /* arrays and objects: the first element or member */
	struct json_value *next;  /* the next element or member of the parent */
	size_t n;		  /* arrays and objects: how many */
};

/* Parse text[0..len) (NUL bytes in it are refused). Returns the root, or NULL with err filled:
 * "NAME:LINE:COL: what". Free with json_free. */
struct json_value *json_parse(char *text, size_t len, const char *name, struct nb_error *err);
void json_free(struct json_value *v);

/* "string", "array" ... for messages. */
const char *json_type_name(enum json_type t);

/* The member called key of an object, or NULL. */
const struct json_value *json_member(const struct json_value *obj, const char *key);

/* An integer number within [min, max]: 0, or -1 (not a number, not whole, out of range). */
int json_int(const struct json_value *v, int64_t min, int64_t max, int64_t *out);
int json_uint(const struct json_value *v, uint64_t max, uint64_t *out);

#endif

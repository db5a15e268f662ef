/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A tiny streaming JSON writer for `xmip -j` / `-p` output. */
#ifndef XMIP_JSON_H
#define XMIP_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define XMIP_JSON_DEPTH 16

struct xmip_json {
	FILE *f;
	bool pretty;
	int depth;
	bool need_comma[XMIP_JSON_DEPTH];
	bool after_key;
};

void xmip_json_init(struct xmip_json *j, FILE *f, bool pretty);
void xmip_json_key(struct xmip_json *j, const char *key);
void xmip_json_obj_open(struct xmip_json *j);
void xmip_json_obj_close(struct xmip_json *j);
void xmip_json_arr_open(struct xmip_json *j);
void xmip_json_arr_close(struct xmip_json *j);
void xmip_json_str(struct xmip_json *j, const char *s);
void xmip_json_u64(struct xmip_json *j, uint64_t v);
void xmip_json_i64(struct xmip_json *j, int64_t v);
void xmip_json_bool(struct xmip_json *j, bool v);
void xmip_json_null(struct xmip_json *j);
/* Ends the document with a newline. */
void xmip_json_end(struct xmip_json *j);

#endif

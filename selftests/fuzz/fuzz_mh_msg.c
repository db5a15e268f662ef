// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip_mh_parse on a bare Mobility Header message (BU, BA, BE, BRR and
 * their options, RFC 6275 §6.1-6.2, RFC 4283, RFC 4285). Properties
 * (fuzz_mh.h): the reported fields and option offsets are those on the
 * wire and inside the input; a parsed BU/BA/BE re-built by our builder
 * parses to the same fields, and is the same bytes when the input was in
 * the builder's layout; parsing is deterministic.
 */
#include "fuzz_mh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xmip_mh_msg m, again;
	enum xmip_parse_err err = xmip_mh_parse(data, size, &m);

	FUZZ_CHECK(xmip_mh_parse(data, size, &again) == err && !memcmp(&m, &again, sizeof(m)),
		   "parse is not deterministic");
	if (err == XMIP_PARSE_UNKNOWN_MH_TYPE) {
		/* RFC 6275 §9.2's order: the type is judged before Payload Proto
		 * and Header Len, once the message lies inside the input. */
		FUZZ_CHECK(size >= 8 && ((size_t)data[1] + 1) * 8 <= size && m.type == data[2] &&
			   !fuzz_mh_fixed_len(data[2]));
		return 0;
	}
	if (err != XMIP_PARSE_OK)
		return 0;
	FUZZ_CHECK(((size_t)data[1] + 1) * 8 <= size, "a message longer than the input was accepted");
	fuzz_check_fields(data, ((size_t)data[1] + 1) * 8, &m);
	fuzz_check_rebuild(data, ((size_t)data[1] + 1) * 8, &m);
	return 0;
}

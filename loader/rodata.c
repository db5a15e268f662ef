// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Reading an instance's static configuration back from its pinned .rodata (rodata.h). */
#include "rodata.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Copy variable `name` of `size` octets out of the datasec value `val`; 0 if found. */
static int find_var(const struct btf *btf, const struct btf_type *sec, const void *val,
		    size_t val_size, const char *name, void *out, size_t size)
{
	const struct btf_var_secinfo *vs = btf_var_secinfos(sec);

	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (!var || strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		if (vs->size != size || vs->offset + size > val_size)
			return -1;
		memcpy(out, (const char *)val + vs->offset, size);
		return 0;
	}
	return -1;
}

int xmip_rodata_read(const char *pin_dir, struct xmip_rodata *out, char *err, size_t errlen)
{
	struct bpf_map_info mi = { 0 };
	uint32_t mi_len = sizeof(mi), zero = 0;
	const struct btf_type *sec;
	struct btf *btf = NULL;
	char path[512];
	void *val = NULL;
	int fd, rc = -1;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/%s", pin_dir, XMIP_PIN_RODATA);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (bpf_obj_get_info_by_fd(fd, &mi, &mi_len) || !mi.btf_id || !mi.value_size) {
		snprintf(err, errlen, "%s: no BTF to read the configuration with", path);
		goto out;
	}
	val = calloc(1, mi.value_size);
	btf = btf__load_from_kernel_by_id(mi.btf_id);
	if (!val || !btf || bpf_map_lookup_elem(fd, &zero, val)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : ENOMEM));
		goto out;
	}
	sec = btf__type_by_id(btf, mi.btf_value_type_id);
	if (!sec || !btf_is_datasec(sec)) {
		snprintf(err, errlen, "%s: not a .rodata map", path);
		goto out;
	}
	if (find_var(btf, sec, val, mi.value_size, XMIP_RODATA_HA, &out->ha, sizeof(out->ha)) == 0)
		out->role = XMIP_ROLE_HA;
	else if (find_var(btf, sec, val, mi.value_size, XMIP_RODATA_MN, &out->mn,
			  sizeof(out->mn)) == 0)
		out->role = XMIP_ROLE_MN;
	else if (find_var(btf, sec, val, mi.value_size, XMIP_RODATA_RS, &out->rs,
			  sizeof(out->rs)) == 0)
		out->role = XMIP_ROLE_RS;
	else if (find_var(btf, sec, val, mi.value_size, XMIP_RODATA_CN, &out->cn,
			  sizeof(out->cn)) == 0)
		out->role = XMIP_ROLE_CN;
	else if (find_var(btf, sec, val, mi.value_size, XMIP_RODATA_NTM, &out->ntm,
			  sizeof(out->ntm)) == 0)
		out->role = XMIP_ROLE_NTM;
	else if (find_var(btf, sec, val, mi.value_size, XMIP_RODATA_MIP4, &out->mip4,
			  sizeof(out->mip4)) == 0)
		out->role = (int)out->mip4.role;
	else {
		snprintf(err, errlen, "%s: holds none of %s, %s, %s", path, XMIP_RODATA_HA,
			 XMIP_RODATA_MN, XMIP_RODATA_CN);
		goto out;
	}
	rc = 0;
out:
	btf__free(btf);
	free(val);
	close(fd);
	return rc;
}

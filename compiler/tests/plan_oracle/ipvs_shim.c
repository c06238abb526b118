/*
 * An LD_PRELOAD shim for the plan oracle test (plan_oracle.rs): makes keepalived's
 * checker process believe the kernel has IPVS, so it gets as far as dumping its
 * configuration (-d) on a kernel without the ip_vs module.
 *
 * Only the IPVS socket options (level IPPROTO_IP, option numbers from IP_VS_BASE_CTL,
 * 64 + 1024 + 64, upwards) are answered here: every "set" succeeds without doing
 * anything, "get info" reports an empty IPVS 1.2.1 table, every other "get" returns
 * zeroes. keepalived falls back to these socket options when the generic netlink
 * family "IPVS" does not exist. Everything else goes to the C library.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define IPVS_FIRST 1152
#define IPVS_LAST 1183
#define IPVS_GET_VERSION IPVS_FIRST
#define IPVS_GET_INFO (IPVS_FIRST + 1)

static int is_ipvs(int level, int name)
{
	return level == IPPROTO_IP && name >= IPVS_FIRST && name <= IPVS_LAST;
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	static int (*next)(int, int, int, void *, socklen_t *);

	if (is_ipvs(level, name)) {
		if (val && len && *len > 0) {
			memset(val, 0, *len);
			if (name == IPVS_GET_INFO && *len >= 3 * sizeof(unsigned int)) {
				unsigned int *info = val;
				info[0] = 0x010201; /* version 1.2.1 */
				info[1] = 4096;     /* connection table size */
			} else if (name == IPVS_GET_VERSION) {
				strncpy(val, "IP Virtual Server version 1.2.1 (size=4096)", *len - 1);
			}
		}
		return 0;
	}
	if (!next)
		next = (int (*)(int, int, int, void *, socklen_t *))dlsym(RTLD_NEXT, "getsockopt");
	return next(fd, level, name, val, len);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	static int (*next)(int, int, int, const void *, socklen_t);

	if (is_ipvs(level, name))
		return 0;
	if (!next)
		next = (int (*)(int, int, int, const void *, socklen_t))dlsym(RTLD_NEXT, "setsockopt");
	return next(fd, level, name, val, len);
}

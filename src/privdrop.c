/* privdrop.c: drop root after the captures are open (-Z USER).
 *
 * Open packet sockets keep working after setuid: the kernel checks
 * CAP_NET_RAW when a socket is created, not when it is read. Going from
 * uid 0 to another uid also clears the permitted capability set (no
 * SECBIT_KEEP_CAPS here), so nothing privileged survives the drop. */
#define _GNU_SOURCE /* initgroups */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "privdrop.h"

int privdrop(const char *user, char *errbuf, size_t errlen)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		snprintf(errbuf, errlen, "-Z %s: %s", user, errno ? strerror(errno) : "no such user");
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (initgroups(pw->pw_name, gid) != 0) {
		snprintf(errbuf, errlen, "-Z %s: initgroups: %s", user, strerror(errno));
		return -1;
	}
	if (setgid(gid) != 0) {
		snprintf(errbuf, errlen, "-Z %s: setgid(%lu): %s", user, (unsigned long)gid, strerror(errno));
		return -1;
	}
	if (setuid(uid) != 0) {
		snprintf(errbuf, errlen, "-Z %s: setuid(%lu): %s", user, (unsigned long)uid, strerror(errno));
		return -1;
	}
	if (getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid) {
		snprintf(errbuf, errlen, "-Z %s: the user and group ids did not change", user);
		return -1;
	}
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(errbuf, errlen, "-Z %s: root could be regained after dropping privileges", user);
		return -1;
	}
	return 0;
}

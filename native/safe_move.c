/*
 * safe-move: renames files inside a root without ever following a symlink, for the maintenance
 * tools of symphony-conductor (cleanup's quarantine, restore), and takes their lock. Node has no
 * openat/renameat: a path checked in JavaScript can have a parent folder swapped for a symlink
 * before rename(2) runs, which would move a file from outside the root. Here every folder is
 * opened relative to the root's descriptor with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)
 * (or, on kernels without openat2, one component at a time with openat(O_NOFOLLOW |
 * O_DIRECTORY)), and the rename is renameat2(RENAME_NOREPLACE) between those descriptors.
 *
 * Usage:
 *   safe-move move ROOT     requests on stdin, one reply line per request on stdout
 *   safe-move lock WAIT_MS  flock(LOCK_EX) on file descriptor 3, waiting at most WAIT_MS
 *
 * move: ROOT is an absolute path; it is opened with O_NOFOLLOW. Each request is 7 fields, every
 * field NUL-terminated, so any byte of a name but NUL survives:
 *   SRC DST DEV INO SIZE MTIME_NS DIRMODE
 * SRC and DST are paths relative to ROOT (no empty, "." or ".." component). DEV, INO, SIZE and
 * MTIME_NS (decimal) are what the caller saw of SRC (lstat); "-" skips the comparison. DIRMODE
 * (octal) is the mode of the folders created on the way to DST. The file (or symlink) at SRC is
 * renamed to DST; DST is never replaced. Replies, one write() per line:
 *   ok
 *   error STAGE ERRNO_NAME MESSAGE
 * STAGE: source (opening SRC's folder, or SRC itself), changed (SRC is not what the caller saw),
 * target (creating or opening DST's folder), rename (the rename itself; EEXIST: DST exists).
 * Requests are handled in order; a malformed request ends the helper (exit 2) without a reply.
 *
 * lock: exit 0 once the lock on fd 3 is taken, 1 when another open file holds it after WAIT_MS,
 * 2 on an error (message on stderr). The lock belongs to the open file description, which the
 * caller keeps open: it is held until the caller closes it or dies, and the kernel releases it.
 *
 * Tests only: with CONDUCTOR_TEST_PAUSE_AT=safe-move-before-rename and CONDUCTOR_TEST_PAUSE_DIR=DIR
 * set, the helper writes DIR/safe-move-before-rename.paused once both folders of a request are
 * open and waits (at most 60 s) for DIR/safe-move-before-rename.resume before renaming.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define HAVE_OPENAT2_H 1
#endif
#endif

#define MAX_INPUT (64u << 20)
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

static void fatal(const char *what, int err) {
  if (err) fprintf(stderr, "safe-move: %s: %s\n", what, strerror(err));
  else fprintf(stderr, "safe-move: %s\n", what);
  exit(2);
}

static const char *errno_name(int err) {
  switch (err) {
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ELOOP: return "ELOOP";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EROFS: return "EROFS";
    case ENOSPC: return "ENOSPC";
    case EDQUOT: return "EDQUOT";
    case EBUSY: return "EBUSY";
    case EINVAL: return "EINVAL";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EMLINK: return "EMLINK";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EIO: return "EIO";
    default: return "EUNKNOWN";
  }
}

static void reply_line(const char *line) {
  size_t len = strlen(line);
  for (size_t off = 0; off < len;) {
    ssize_t w = write(STDOUT_FILENO, line + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) exit(2); /* the caller is gone */
    off += (size_t)w;
  }
}

static void reply_error(const char *stage, int err) {
  char line[512];
  snprintf(line, sizeof line, "error %s %s %s\n", stage, errno_name(err), strerror(err));
  reply_line(line);
}

/* A relative path of non-empty components, none of them "." or "..". */
static int contained(const char *rel) {
  if (rel[0] == '\0' || rel[0] == '/') return 0;
  for (const char *p = rel; *p;) {
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) return 0;
    if (!slash) break;
    p = slash + 1;
  }
  return 1;
}

/* Opens folder `rel` (may be "") beneath `rootfd`, never through a symlink; -1 with errno. */
static int open_dir_beneath(int rootfd, const char *rel, int create, mode_t mode) {
  if (rel[0] == '\0') return fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
#if defined(HAVE_OPENAT2_H) && defined(SYS_openat2)
  if (!create) {
    struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
    long fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) return (int)fd; /* EPERM: a seccomp filter */
  }
#endif
  /* One component at a time: openat(O_NOFOLLOW | O_DIRECTORY) fails on a symlink (ELOOP) or a file. */
  int dir = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
  if (dir < 0) return -1;
  char part[4096];
  for (const char *p = rel; *p;) {
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    if (n >= sizeof part) {
      close(dir);
      errno = ENAMETOOLONG;
      return -1;
    }
    memcpy(part, p, n);
    part[n] = '\0';
    int next = openat(dir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0 && errno == ENOENT && create) {
      if (mkdirat(dir, part, mode) != 0 && errno != EEXIST) {
        int saved = errno;
        close(dir);
        errno = saved;
        return -1;
      }
      next = openat(dir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    int saved = errno;
    close(dir);
    if (next < 0) {
      errno = saved;
      return -1;
    }
    dir = next;
    p = slash ? slash + 1 : p + n;
  }
  return dir;
}

/* Splits `rel` into its folder (written to `dir`) and its last component. */
static const char *split(const char *rel, char *dir, size_t size) {
  const char *slash = strrchr(rel, '/');
  size_t n = slash ? (size_t)(slash - rel) : 0;
  if (n >= size) return NULL;
  memcpy(dir, rel, n);
  dir[n] = '\0';
  return slash ? slash + 1 : rel;
}

static void pause_for_test(void) {
  const char *at = getenv("CONDUCTOR_TEST_PAUSE_AT"), *dir = getenv("CONDUCTOR_TEST_PAUSE_DIR");
  if (!at || !dir || strcmp(at, "safe-move-before-rename") != 0) return;
  char paused[4096], resume[4096];
  snprintf(paused, sizeof paused, "%s/safe-move-before-rename.paused", dir);
  snprintf(resume, sizeof resume, "%s/safe-move-before-rename.resume", dir);
  int fd = open(paused, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) close(fd);
  struct timespec tick = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
  for (int i = 0; i < 6000 && access(resume, F_OK) != 0; i++) nanosleep(&tick, NULL);
}

static int rename_noreplace(int fromdir, const char *from, int todir, const char *to) {
#ifdef SYS_renameat2
  if (syscall(SYS_renameat2, fromdir, from, todir, to, RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
#endif
  /* The file system cannot refuse to replace: check, then rename (a window of one syscall). */
  struct stat st;
  if (fstatat(todir, to, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    errno = EEXIST;
    return -1;
  }
  if (errno != ENOENT) return -1;
  return renameat(fromdir, from, todir, to);
}

static int field_matches(const char *want, unsigned long long have) {
  if (strcmp(want, "-") == 0) return 1;
  char *end;
  errno = 0;
  unsigned long long value = strtoull(want, &end, 10);
  if (errno || end == want || *end) fatal("malformed request: a number is expected", 0);
  return value == have;
}

static void move_one(int rootfd, char **f) {
  const char *src = f[0], *dst = f[1];
  char srcdir[4096], dstdir[4096];
  if (!contained(src) || !contained(dst)) fatal("malformed request: a path leaves the root", 0);
  char *end;
  errno = 0;
  unsigned long mode = strtoul(f[6], &end, 8);
  if (errno || end == f[6] || *end || mode > 07777) fatal("malformed request: DIRMODE", 0);
  const char *srcbase = split(src, srcdir, sizeof srcdir), *dstbase = split(dst, dstdir, sizeof dstdir);
  if (!srcbase || !dstbase) {
    reply_error("source", ENAMETOOLONG);
    return;
  }
  int from = open_dir_beneath(rootfd, srcdir, 0, 0);
  if (from < 0) {
    reply_error("source", errno);
    return;
  }
  struct stat st;
  if (fstatat(from, srcbase, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    reply_error("source", errno);
    close(from);
    return;
  }
  unsigned long long mtime_ns = (unsigned long long)st.st_mtim.tv_sec * 1000000000ull + (unsigned long long)st.st_mtim.tv_nsec;
  if (!field_matches(f[2], (unsigned long long)st.st_dev) || !field_matches(f[3], (unsigned long long)st.st_ino) ||
      !field_matches(f[4], (unsigned long long)st.st_size) || !field_matches(f[5], mtime_ns)) {
    reply_line("error changed ECHANGED not the file that was checked (device, inode, size or time differ)\n");
    close(from);
    return;
  }
  int to = open_dir_beneath(rootfd, dstdir, 1, (mode_t)mode);
  if (to < 0) {
    reply_error("target", errno);
    close(from);
    return;
  }
  pause_for_test();
  if (rename_noreplace(from, srcbase, to, dstbase) != 0) reply_error("rename", errno);
  else reply_line("ok\n");
  close(from);
  close(to);
}

static int run_moves(const char *root) {
  if (root[0] != '/') fatal("usage: safe-move move ROOT (an absolute path)", 0);
  int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (rootfd < 0) fatal("cannot open the root", errno);
  size_t cap = 65536, len = 0;
  char *buf = malloc(cap);
  if (!buf) fatal("out of memory", 0);
  for (;;) {
    if (len == cap) {
      if (cap >= MAX_INPUT) fatal("input too large", 0);
      cap *= 2;
      char *grown = realloc(buf, cap);
      if (!grown) fatal("out of memory", 0);
      buf = grown;
    }
    ssize_t n = read(STDIN_FILENO, buf + len, cap - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fatal("read", errno);
    if (n == 0) break;
    len += (size_t)n;
  }
  size_t pos = 0;
  while (pos < len) {
    char *f[7];
    for (int i = 0; i < 7; i++) {
      char *nul = memchr(buf + pos, '\0', len - pos);
      if (!nul) fatal("malformed request: 7 NUL-terminated fields expected", 0);
      f[i] = buf + pos;
      pos = (size_t)(nul - buf) + 1;
    }
    move_one(rootfd, f);
  }
  free(buf);
  close(rootfd);
  return 0;
}

static int run_lock(const char *wait) {
  char *end;
  errno = 0;
  long wait_ms = strtol(wait, &end, 10);
  if (errno || end == wait || *end || wait_ms < 0) fatal("usage: safe-move lock WAIT_MS", 0);
  struct timespec tick = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
  for (long waited = 0;; waited += 10) {
    if (flock(3, LOCK_EX | LOCK_NB) == 0) return 0;
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) fatal("flock", errno);
    if (waited >= wait_ms) return 1;
    nanosleep(&tick, NULL);
  }
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "move") == 0) return run_moves(argv[2]);
  if (argc == 3 && strcmp(argv[1], "lock") == 0) return run_lock(argv[2]);
  fatal("usage: safe-move move ROOT | safe-move lock WAIT_MS", 0);
  return 2;
}

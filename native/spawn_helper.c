/*
 * spawn-helper: starts task processes for symphony-conductor far more cheaply than Node's
 * child_process.spawn (posix_spawn, i.e. clone(CLONE_VM|CLONE_VFORK) + exec) and reaps them.
 *
 * Usage: spawn-helper [PARENT_PID]   (driven over stdin/stdout by helperExecutor.ts)
 *
 * Requests on stdin, every field NUL-terminated, so any byte but NUL survives:
 *   "start" ID COMMAND CWD OUTPUT_PATH GRACE_MS N ENV_1 ... ENV_N  (ID, GRACE_MS: digits; ENV_i: KEY=VALUE)
 * Runs `/bin/sh -c COMMAND` in CWD as the leader of a new process group, with default signal
 * dispositions and an empty signal mask, stdin from /dev/null, stdout and stderr appended to
 * OUTPUT_PATH (created 0644), and the helper's own environment (the conductor's, inherited when
 * it started the helper) with ENV_1..ENV_N set on top: an ENV_i whose name is already there
 * replaces that variable. The conductor so sends only a run's own variables, not its whole
 * environment with every request. GRACE_MS is the run's kill grace, used only if the conductor
 * dies (below).
 *   "write" ID TARGET TEMP CONTENT    (ID: digits; CONTENT: any bytes but NUL)
 * Replaces the file TARGET atomically, in a thread of its own (the health files the conductor
 * writes after every run): TEMP is created (O_EXCL, never through a symlink, mode 0644 less the
 * umask), CONTENT written to it, fsynced, closed and renamed over TARGET; TEMP is removed when a
 * step fails. Writes are done one after another, in the order asked: the last one asked for a
 * file wins. The conductor so makes no request of libuv's thread pool for them (each request
 * wakes a pool thread, then the conductor's main thread: five a file).
 * Replies on stdout, whole lines (the `started` lines of the requests read together in one write,
 * after all of them, or 32 of them, were started; the `wrote` lines of the writes done together,
 * in one write; every other reply in a write of its own):
 *   started ID PID STARTTICKS     (STARTTICKS: field 22 of /proc/PID/stat, or - if unreadable)
 *   error ID STAGE MESSAGE        (STAGE: output | cwd | spawn; MESSAGE: strerror text)
 *   exit ID PID CODE SIGNAL EMPTY STRAYS
 *                                 (CODE -1 when killed by SIGNAL; SIGNAL 0 after a normal exit;
 *                                  EMPTY 1 when the group had no member left, zombies included,
 *                                  once the leader and every child ended with it were reaped, else 0;
 *                                  STRAYS, with EMPTY 1: the children taken in then that the helper
 *                                  did not start, comma-separated, or - for none; ? when not listed)
 *   wrote ID 0                    (the write is done)
 *   wrote ID ERRNO STEP MESSAGE   (it failed: ERRNO the error number; STEP: open | write | fsync |
 *                                  close | rename; MESSAGE: strerror text)
 * The helper is a child subreaper (PR_SET_CHILD_SUBREAPER): a process a run left behind outside
 * its process group (setsid, a double fork) becomes the helper's child when its parent ends, so
 * the conductor can find it among the helper's children (/proc/HELPER/task/HELPER/children) and
 * the helper reaps it. Every group it started is remembered while the group has members.
 * When the conductor dies (its parent death signal, SIGTERM) or closes stdin, the helper stops
 * what it started: SIGTERM to every remembered group and to every other child, SIGKILL to each
 * after its run's grace, then exits once all are gone (or 5 s after the last SIGKILL): no task
 * outlives the conductor that started it, however that conductor ended. Writes already asked for
 * are done before it exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQUEST (256u << 20)

struct child {
  pid_t pid;        /* the group leader, and so the process group id */
  char id[24];
  long grace_ms;    /* SIGTERM -> SIGKILL, when the conductor dies */
  int leader_done;  /* the leader was reaped (and reported); the group may live on */
  int killed;       /* SIGKILL sent (the conductor is gone) */
};

#define SURVIVOR_WAIT_MS 5000

static struct child *children;
static size_t nchildren, children_cap;
/*
 * Indexes in children of the processes started whose `started` reply is still to be written: at
 * most REPORT_EVERY, so that in a long batch (a thousand watched files) the conductor learns each
 * pid within ~50 ms of its start, to stop that run's group on time.
 */
#define REPORT_EVERY 32
static size_t *unreported;
static size_t nunreported, unreported_cap;
/* Its reply pipe broke, its death signal came, or stdin ended. Set under out_lock; read without
   it only by the main thread, which is the only other one to set it (from 0 to 1, never back). */
static volatile int conductor_gone;
/* Reply lines go out whole: the writer thread's and the main thread's never interleave. */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static char *buf;
static size_t buf_len, buf_cap;

static void fatal(const char *what, int err) {
  if (err) fprintf(stderr, "spawn-helper: %s: %s\n", what, strerror(err));
  else fprintf(stderr, "spawn-helper: %s\n", what);
  exit(2);
}

/* Room for one more element of a growing array (64 at first, then twice as many). */
static void *grow(void *array, size_t *cap, size_t size) {
  size_t next = *cap ? *cap * 2 : 64;
  void *grown = realloc(array, next * size);
  if (!grown) fatal("out of memory", 0);
  *cap = next;
  return grown;
}

/* `text` (of *cap bytes, `len` used) with at least `need` bytes free, grown twice over as needed. */
static char *room(char *text, size_t *cap, size_t len, size_t need) {
  if (*cap - len >= need) return text;
  size_t next = *cap ? *cap * 2 : 8192;
  while (next - len < need) next *= 2;
  char *grown = realloc(text, next);
  if (!grown) fatal("out of memory", 0);
  *cap = next;
  return grown;
}

/* Writes whole reply lines; nothing once the conductor is gone. */
static void write_replies(const char *text, size_t n) {
  pthread_mutex_lock(&out_lock);
  for (size_t off = 0; off < n && !conductor_gone;) {
    ssize_t w = write(STDOUT_FILENO, text + off, n - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) { /* a non-blocking stdout: wait until it drains */
      struct pollfd out = {.fd = STDOUT_FILENO, .events = POLLOUT};
      if (poll(&out, 1, -1) < 0 && errno != EINTR) fatal("poll", errno);
      continue;
    }
    if (w < 0 && errno == EPIPE) { /* the conductor is gone: so are the replies' readers */
      conductor_gone = 1;
      break;
    }
    if (w < 0) fatal("write", errno);
    off += (size_t)w;
  }
  pthread_mutex_unlock(&out_lock);
}

/* One reply line, in a write() of its own (lines stay far below PIPE_BUF). */
static void reply(const char *fmt, ...) {
  if (conductor_gone) return;
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof line) fatal("reply too long", 0);
  write_replies(line, (size_t)n);
}

/* Field 22 (starttime) of /proc/PID/stat, or -1. The comm field may hold spaces and ')'. */
static long long start_ticks(pid_t pid) {
  char path[64], text[2048];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return -1;
  text[n] = '\0';
  char *p = strrchr(text, ')');
  for (int field = 2; p && field < 22; field++) p = strchr(p + 1, ' '); /* p: the space before 22 */
  if (!p) return -1;
  char *end;
  errno = 0;
  long long ticks = strtoll(p + 1, &end, 10);
  return errno || end == p + 1 ? -1 : ticks;
}

/* Which stage failed when posix_spawn did: the working directory, or the exec of /bin/sh. */
static const char *spawn_stage(const char *cwd, int *err) {
  struct stat st;
  if (stat(cwd, &st) != 0) *err = errno;
  else if (!S_ISDIR(st.st_mode)) *err = ENOTDIR;
  else if (access(cwd, X_OK) != 0) *err = errno;
  else return "spawn";
  return "cwd";
}

static void report_started(void);

static void start(const char *id, const char *command, const char *cwd, const char *output, long grace_ms, char **envp) {
  int fd = open(output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0 && fd <= STDERR_FILENO) { /* never when 0-2 are open; dup2(fd, fd) would keep CLOEXEC */
    int high = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    int saved = errno;
    close(fd);
    fd = high;
    errno = saved;
  }
  if (fd < 0) {
    reply("error %s output %s\n", id, strerror(errno));
    return;
  }
  if (nchildren == children_cap) children = grow(children, &children_cap, sizeof *children);
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};
  pid_t pid = -1;
  const char *stage = "spawn";
  int err = posix_spawn_file_actions_init(&actions);
  if (err == 0) {
    if ((err = posix_spawnattr_init(&attr)) == 0) {
      if (!(err = posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)) &&
          !(err = posix_spawn_file_actions_adddup2(&actions, fd, STDOUT_FILENO)) &&
          !(err = posix_spawn_file_actions_adddup2(&actions, fd, STDERR_FILENO)) &&
          !(err = posix_spawn_file_actions_addchdir_np(&actions, cwd)) &&
          !(err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) &&
          !(err = posix_spawnattr_setpgroup(&attr, 0)) && !(err = posix_spawnattr_setsigmask(&attr, &none)) &&
          !(err = posix_spawnattr_setsigdefault(&attr, &all)) &&
          (err = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp)) != 0)
        stage = spawn_stage(cwd, &err); /* glibc reports chdir and exec failures, and reaps that child */
      posix_spawnattr_destroy(&attr);
    }
    posix_spawn_file_actions_destroy(&actions);
  }
  close(fd);
  if (err) {
    reply("error %s %s %s\n", id, stage, strerror(err));
    return;
  }
  children[nchildren].pid = pid;
  snprintf(children[nchildren].id, sizeof children[nchildren].id, "%s", id);
  children[nchildren].grace_ms = grace_ms;
  children[nchildren].leader_done = 0;
  children[nchildren].killed = 0;
  nchildren++;
  if (nunreported == unreported_cap) unreported = grow(unreported, &unreported_cap, sizeof *unreported);
  unreported[nunreported++] = nchildren - 1;
  if (nunreported >= REPORT_EVERY) report_started();
}

/*
 * The `started` replies of the requests just read, in one write once all of them were started:
 * with a hundred runs due on one second the helper starts the next process instead of reading a
 * /proc file and waking the conductor between two starts. Their processes cannot have been reaped
 * yet (that happens in the main loop), so each /proc/PID/stat is still there.
 */
static void report_started(void) {
  static char *text;
  static size_t text_cap;
  size_t len = 0;
  for (size_t i = 0; i < nunreported; i++) {
    const struct child *c = &children[unreported[i]];
    text = room(text, &text_cap, len, 128);
    long long ticks = start_ticks(c->pid);
    int n = ticks >= 0 ? snprintf(text + len, text_cap - len, "started %s %d %lld\n", c->id, (int)c->pid, ticks)
                       : snprintf(text + len, text_cap - len, "started %s %d -\n", c->id, (int)c->pid);
    if (n < 0 || (size_t)n >= text_cap - len) fatal("reply too long", 0);
    len += (size_t)n;
  }
  nunreported = 0;
  write_replies(text, len);
}

/* True when one of the n entries sets the variable of `entry` (NAME=VALUE: the same NAME). */
static int overridden(const char *entry, char *const *set, unsigned long n) {
  size_t len = strcspn(entry, "=");
  for (unsigned long i = 0; i < n; i++)
    if (strncmp(set[i], entry, len) == 0 && (set[i][len] == '=' || set[i][len] == '\0')) return 1;
  return 0;
}

/* A write asked for: the fields point into one allocation of their own. */
struct write_job {
  struct write_job *next;
  char id[24];
  const char *target, *temp, *content;
  size_t content_len;
};

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_cond = PTHREAD_COND_INITIALIZER;
static struct write_job *jobs_head, **jobs_tail = &jobs_head;
static int writer_closing, writer_running;
static pthread_t writer;

/* Does one write; returns 0, or the error number with the step that failed in *step. */
static int write_file(const struct write_job *job, const char **step) {
  *step = "open";
  int fd = open(job->temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return errno;
  int err = 0;
  for (size_t off = 0; off < job->content_len;) {
    ssize_t w = write(fd, job->content + off, job->content_len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      err = errno;
      *step = "write";
      break;
    }
    off += (size_t)w;
  }
  if (!err && fsync(fd) != 0) {
    err = errno;
    *step = "fsync";
  }
  if (close(fd) != 0 && !err && errno != EINTR) {
    err = errno;
    *step = "close";
  }
  if (!err && rename(job->temp, job->target) != 0) {
    err = errno;
    *step = "rename";
  }
  if (err) unlink(job->temp);
  return err;
}

/* The writer thread: takes every write queued, does them in order, replies for all in one write. */
static void *write_files(void *unused) {
  (void)unused;
  char *text = NULL;
  size_t text_cap = 0;
  for (;;) {
    pthread_mutex_lock(&jobs_lock);
    while (!jobs_head && !writer_closing) pthread_cond_wait(&jobs_cond, &jobs_lock);
    struct write_job *batch = jobs_head;
    jobs_head = NULL;
    jobs_tail = &jobs_head;
    pthread_mutex_unlock(&jobs_lock);
    if (!batch) break; /* closing, and nothing is left */
    size_t len = 0;
    while (batch) {
      struct write_job *job = batch;
      batch = job->next;
      const char *step;
      int err = write_file(job, &step);
      text = room(text, &text_cap, len, 320);
      int n = err ? snprintf(text + len, text_cap - len, "wrote %s %d %s %s\n", job->id, err, step, strerror(err))
                  : snprintf(text + len, text_cap - len, "wrote %s 0\n", job->id);
      if (n < 0 || (size_t)n >= text_cap - len) fatal("reply too long", 0);
      len += (size_t)n;
      free(job);
    }
    write_replies(text, len);
  }
  free(text);
  return NULL;
}

/* Queues a write for the writer thread (started with the first). */
static void queue_write(const char *id, const char *target, const char *temp, const char *content) {
  size_t lt = strlen(target) + 1, lp = strlen(temp) + 1, lc = strlen(content);
  struct write_job *job = malloc(sizeof *job + lt + lp + lc + 1);
  if (!job) fatal("out of memory", 0);
  char *at = (char *)(job + 1);
  job->next = NULL;
  snprintf(job->id, sizeof job->id, "%s", id);
  job->target = memcpy(at, target, lt);
  job->temp = memcpy(at + lt, temp, lp);
  job->content = memcpy(at + lt + lp, content, lc + 1);
  job->content_len = lc;
  pthread_mutex_lock(&jobs_lock);
  if (!writer_running) {
    int err = pthread_create(&writer, NULL, write_files, NULL);
    if (err) fatal("pthread_create", err);
    writer_running = 1;
  }
  *jobs_tail = job;
  jobs_tail = &job->next;
  pthread_cond_signal(&jobs_cond);
  pthread_mutex_unlock(&jobs_lock);
}

/* Waits until every write asked for is done (before exiting). */
static void finish_writes(void) {
  pthread_mutex_lock(&jobs_lock);
  int running = writer_running;
  writer_closing = 1;
  pthread_cond_signal(&jobs_cond);
  pthread_mutex_unlock(&jobs_lock);
  if (running) pthread_join(writer, NULL);
}

/* True for an ID of 1-20 digits. */
static int valid_id(const char *id) {
  size_t len = strspn(id, "0123456789");
  return len > 0 && len <= 20 && id[len] == '\0';
}

/* Parses and runs one request from the front of buf; returns its length, or 0 if incomplete. */
static size_t take_request(void) {
  char *field[7];
  size_t pos = 0;
  int nfields = 7;
  for (int i = 0; i < nfields; i++) {
    char *nul = memchr(buf + pos, '\0', buf_len - pos);
    if (!nul) return 0;
    field[i] = buf + pos;
    pos = (size_t)(nul - buf) + 1;
    if (i == 0 && strcmp(field[0], "write") == 0) nfields = 5;
    else if (i == 0 && strcmp(field[0], "start") != 0) fatal("malformed request", 0);
  }
  if (nfields == 5) {
    if (!valid_id(field[1]) || !field[2][0] || !field[3][0]) fatal("malformed request", 0);
    queue_write(field[1], field[2], field[3], field[4]);
    return pos;
  }
  char *end, *grace_end;
  errno = 0;
  unsigned long n = strtoul(field[6], &end, 10);
  long grace_ms = strtol(field[5], &grace_end, 10);
  if (!valid_id(field[1]) || errno ||
      end == field[6] || *end != '\0' || n > MAX_REQUEST / 2 || grace_end == field[5] || *grace_end != '\0' ||
      grace_ms < 0)
    fatal("malformed request", 0);
  if (n > buf_len - pos) return 0; /* each entry takes a byte at least: wait for more */
  size_t inherited = 0;
  while (environ[inherited]) inherited++;
  char **envp = malloc((inherited + n + 1) * sizeof *envp);
  if (!envp) fatal("out of memory", 0);
  char **set = envp + inherited; /* the request's entries, after the inherited ones kept */
  for (unsigned long i = 0; i < n; i++) {
    char *nul = memchr(buf + pos, '\0', buf_len - pos);
    if (!nul) {
      free(envp);
      return 0;
    }
    set[i] = buf + pos;
    pos = (size_t)(nul - buf) + 1;
  }
  size_t kept = 0;
  for (size_t i = 0; i < inherited; i++)
    if (!overridden(environ[i], set, n)) envp[kept++] = environ[i];
  memmove(envp + kept, set, n * sizeof *envp);
  envp[kept + n] = NULL;
  start(field[1], field[2], field[3], field[4], grace_ms, envp);
  free(envp);
  return pos;
}

/* Reads what stdin has; runs every complete request. Returns 0 at end of file. */
static int read_requests(void) {
  if (buf_len == buf_cap) {
    if (buf_cap >= MAX_REQUEST) fatal("request too large", 0);
    size_t cap = buf_cap ? buf_cap * 2 : 65536;
    char *grown = realloc(buf, cap);
    if (!grown) fatal("out of memory", 0);
    buf = grown;
    buf_cap = cap;
  }
  ssize_t n = read(STDIN_FILENO, buf + buf_len, buf_cap - buf_len);
  if (n < 0) {
    if (errno == EINTR || errno == EAGAIN) return 1;
    fatal("read", errno);
  }
  if (n == 0) return 0;
  buf_len += (size_t)n;
  size_t used;
  while (buf_len > 0 && (used = take_request()) > 0) {
    memmove(buf, buf + used, buf_len - used);
    buf_len -= used;
  }
  report_started();
  return 1;
}

/* True while some process (a zombie too) is in group `pgid`. */
static int group_exists(pid_t pgid) {
  return kill(-pgid, 0) == 0 || errno == EPERM;
}

/* Forgets groups whose leader was reported and that have no member left (their id may be reused). */
static void forget_empty_groups(void) {
  for (size_t i = 0; i < nchildren;) {
    if (children[i].leader_done && !group_exists(children[i].pid)) children[i] = children[--nchildren];
    else i++;
  }
}

/* Whether `pid` is a group leader this helper started (its shell runs, or its group lives on). */
static int started_here(pid_t pid) {
  for (size_t i = 0; i < nchildren; i++)
    if (children[i].pid == pid) return 1;
  return 0;
}

/*
 * The children taken in (not started here) as "pid,pid,...", "-" for none, into `out`; "?" when
 * they cannot be read or do not fit (the conductor then reads them itself).
 */
static void list_strays(char *out, size_t size) {
  char path[64], text[65536];
  snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)getpid(), (int)getpid());
  snprintf(out, size, "?");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n < 0 || n == (ssize_t)sizeof text - 1) return;
  text[n] = '\0';
  size_t used = 0;
  for (char *p = text, *end;; p = end) {
    long pid = strtol(p, &end, 10);
    if (end == p) break;
    if (pid <= 0 || started_here((pid_t)pid)) continue;
    int w = snprintf(out + used, size - used, "%s%ld", used ? "," : "", pid);
    if (w < 0 || (size_t)w >= size - used) {
      snprintf(out, size, "?");
      return;
    }
    used += (size_t)w;
  }
  if (used == 0) snprintf(out, size, "-");
}

struct ended {
  size_t child; /* index in children */
  int code, signo;
};

/*
 * Reaps every child that has ended (group leaders are reported; orphans taken in are just
 * reaped). Each leader's exit is reported once the round has reaped all it could, with whether
 * its group is empty then and, if so, the strays: a group with no member left never gains one,
 * and whatever left it was taken in before its last member ended, so the conductor needs neither
 * to look for members nor to list the helper's children itself.
 */
static void reap_children(void) {
  static struct ended *ended;
  static size_t ended_cap;
  size_t nended = 0;
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0 && errno == ECHILD) break;
    if (pid < 0) fatal("waitpid", errno);
    if (pid == 0) break;
    for (size_t i = 0; i < nchildren; i++) {
      if (children[i].pid != pid || children[i].leader_done) continue;
      if (nended == ended_cap) ended = grow(ended, &ended_cap, sizeof *ended);
      ended[nended++] = (struct ended){i, WIFSIGNALED(status) ? -1 : WEXITSTATUS(status), WIFSIGNALED(status) ? WTERMSIG(status) : 0};
      children[i].leader_done = 1;
      break;
    }
  }
  char strays[320] = "";
  for (size_t k = 0; k < nended; k++) {
    struct child *c = &children[ended[k].child];
    int empty = !group_exists(c->pid);
    if (empty && strays[0] == '\0') list_strays(strays, sizeof strays);
    reply("exit %s %d %d %d %d %s\n", c->id, (int)c->pid, ended[k].code, ended[k].signo, empty, empty ? strays : "?");
  }
  forget_empty_groups();
}

/* Drains the signalfd (SIGCHLD, SIGTERM), then reaps. Returns 1 when SIGTERM came. */
static int take_signals(int sfd) {
  struct signalfd_siginfo info;
  int term = 0;
  for (;;) {
    ssize_t n = read(sfd, &info, sizeof info);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n != (ssize_t)sizeof info) fatal("read signalfd", n < 0 ? errno : EIO);
    if (info.ssi_signo == SIGTERM) term = 1;
  }
  reap_children();
  return term;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Signals the children that are not remembered group leaders: processes that left a run's group
 * and were reparented to this subreaper. Each is signalled with its own group when it leads one
 * (setsid). Returns how many there were.
 */
static int signal_strays(int sig) {
  char path[64], text[65536];
  snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)getpid(), (int)getpid());
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return 0;
  text[n] = '\0';
  int count = 0;
  for (char *p = text, *end; *p; p = end) {
    long pid = strtol(p, &end, 10);
    if (end == p) break;
    int known = 0;
    for (size_t i = 0; i < nchildren; i++) known |= children[i].pid == (pid_t)pid;
    if (known || pid <= 0) continue;
    if (getpgid((pid_t)pid) == (pid_t)pid) kill(-(pid_t)pid, sig);
    else kill((pid_t)pid, sig);
    count++;
  }
  return count;
}

/* True while this process has a child (running, or a zombie not yet reaped). */
static int has_children(void) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  return waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

/* The conductor is gone: stop every group and stray (SIGTERM, SIGKILL after each grace), then exit. */
static void stop_everything(int sfd) {
  pthread_mutex_lock(&out_lock);
  conductor_gone = 1;
  pthread_mutex_unlock(&out_lock);
  long long start = now_ms(), last_kill = start;
  long grace_max = 0;
  for (size_t i = 0; i < nchildren; i++) {
    kill(-children[i].pid, SIGTERM);
    if (children[i].grace_ms > grace_max) grace_max = children[i].grace_ms;
  }
  signal_strays(SIGTERM);
  int strays_killed = 0;
  for (;;) {
    reap_children();
    long long now = now_ms();
    int left = 0;
    for (size_t i = 0; i < nchildren; i++) {
      if (!group_exists(children[i].pid)) continue;
      left = 1;
      if (now - start >= children[i].grace_ms && !children[i].killed) {
        kill(-children[i].pid, SIGKILL);
        children[i].killed = 1;
        last_kill = now;
      }
    }
    if (!strays_killed && now - start >= grace_max) {
      if (signal_strays(SIGKILL) > 0) last_kill = now;
      strays_killed = 1;
    }
    if ((!left && !has_children()) || (strays_killed && now - last_kill > SURVIVOR_WAIT_MS && now - start > grace_max + SURVIVOR_WAIT_MS)) {
      finish_writes();
      exit(0);
    }
    struct pollfd fds = {.fd = sfd, .events = POLLIN};
    if (poll(&fds, 1, 20) > 0) {
      struct signalfd_siginfo info;
      while (read(sfd, &info, sizeof info) > 0) {
      }
    }
  }
}

int main(int argc, char **argv) {
  pid_t parent = getppid();
  if (argc > 1) {
    char *end;
    long given = strtol(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0' || given <= 0) fatal("usage: spawn-helper [PARENT_PID]", 0);
    parent = (pid_t)given;
  }
  /* SIGTERM (the parent death signal) and SIGCHLD both arrive on the signalfd, blocked before
     the prctl so the death signal cannot be lost in between. */
  struct sigaction ignore = {.sa_handler = SIG_IGN}, dfl = {.sa_handler = SIG_DFL};
  if (sigaction(SIGPIPE, &ignore, NULL) != 0 || sigaction(SIGCHLD, &dfl, NULL) != 0 ||
      sigaction(SIGTERM, &dfl, NULL) != 0)
    fatal("sigaction", errno);
  sigset_t wanted;
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGCHLD);
  sigaddset(&wanted, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &wanted, NULL) != 0) fatal("sigprocmask", errno);
  int sfd = signalfd(-1, &wanted, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) fatal("signalfd", errno);
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) fatal("prctl", errno);
  if (getppid() != parent) return 0; /* the parent died before the prctl took effect */
  /* Best effort: without it (an old kernel) escaped processes go to init, unseen. */
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  struct pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      fatal("poll", errno);
    }
    if (fds[1].revents && take_signals(sfd)) stop_everything(sfd);
    if (fds[0].revents && !read_requests()) stop_everything(sfd); /* EOF: the conductor is gone */
    if (conductor_gone) stop_everything(sfd);
  }
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A power cut for quorum-server, after SQLite's own crash tests: loaded with
 * LD_PRELOAD, it keeps, for every file under QUORUM_POWERCUT_DIR, what a disk
 * would still hold if the power went now, and at the cut puts the files back
 * to that and kills the process.
 *
 * The model is POSIX's, not one file system's:
 *  - a write to a file is durable once fsync or fdatasync of that file (by
 *    any descriptor) returns; until then the shim keeps the last durable
 *    bytes of every 4 KiB block it overwrites, and the file's durable size;
 *  - a new name (a created file, a new folder, a rename's target) is durable
 *    once its folder is synced;
 *  - sync() and syncfs() make everything durable.
 * At the cut every file gets its durable blocks back and its durable size,
 * then the non-durable names are undone, newest first: a created file or
 * folder disappears (with what it holds), a renamed file goes back to its
 * old name, and a file a rename replaced comes back. In the "torn" mode
 * (QUORUM_POWERCUT_MODE=torn) the disk is taken to have written part of
 * what it was given, in any order: each unsynced block survives or not at
 * random, the appended tail is cut at a random block and some of what is
 * left of it reads as zeros, and each unsynced name survives or not.
 *
 * The shim does not call the real fsync: what it proves is that the server
 * asks for durability at the right moments, and the test runs at memory
 * speed (with QUORUM_POWERCUT_SYNC_US, at a disk's). The SQLite -shm file is left out: it is shared memory written
 * through mmap, and SQLite rebuilds it from the log when the first
 * connection opens the database.
 *
 * Environment:
 *   QUORUM_POWERCUT_DIR     the data folder (nothing is watched without it)
 *   QUORUM_POWERCUT_WRITES  cut just before the Nth write to a watched file
 *   QUORUM_POWERCUT_MODE    "drop" (every unsynced write lost, the default)
 *                           or "torn"
 *   QUORUM_POWERCUT_SEED    the seed of the torn mode's choices
 *   QUORUM_POWERCUT_LOG     a file that gets one line per cut with what was
 *                           thrown away
 *   QUORUM_POWERCUT_SYNC_US how long a sync takes (after the point it makes
 *                           durable), as a disk's would: 0 by default
 *   QUORUM_POWERCUT_DEBUG   also log every new name and folder sync
 * SIGUSR2 cuts at once (from a thread of the shim's, so that the cut never
 * runs inside a signal handler).
 */
/* The plain and the 64 names of each call are defined here, one an alias of
 * the other: that needs a 64-bit off_t without the header's renaming. */
#undef _FILE_OFFSET_BITS
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

_Static_assert (sizeof (off_t) == 8, "the shim needs a 64-bit off_t");

#define BLOCK 4096

typedef struct {
  long  index;
  int   length;          /* durable bytes in the block: less at the durable end */
  char *data;
} Saved;

typedef struct {
  dev_t  dev;
  ino_t  ino;
  int    fd;             /* the shim's own read-write descriptor */
  off_t  durable_size;
  Saved *saved;
  size_t n_saved;
  size_t allocated;
  char   path[PATH_MAX];
} Node;

typedef enum { OP_CREATE, OP_MKDIR, OP_RENAME } OpKind;

typedef struct {
  OpKind kind;
  int    durable;
  dev_t  parent_dev;     /* the folder whose sync makes the name durable */
  ino_t  parent_ino;
  dev_t  dev;            /* what the name names */
  ino_t  ino;
  char   path[PATH_MAX]; /* the new name */
  char   from[PATH_MAX]; /* a rename's old name */
  char   kept[PATH_MAX]; /* a hard link to the file a rename replaced */
} Op;

static pthread_mutex_t lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static char   data_dir[PATH_MAX];
static size_t data_dir_length;
static long   cut_at_write;
static long   writes;
static int    torn;
static unsigned int seed = 1;
static char   log_path[PATH_MAX];
static Node  *nodes;
static size_t n_nodes, nodes_allocated;
static Op    *ops;
static size_t n_ops, ops_allocated;
static long   kept_counter;
static int    signal_pipe[2] = { -1, -1 };
static int    debug;
static int    cutting;
static long   sync_delay_us;

static int     (*real_open) (const char *, int, ...);
static int     (*real_openat) (int, const char *, int, ...);
static ssize_t (*real_write) (int, const void *, size_t);
static ssize_t (*real_pwrite) (int, const void *, size_t, off_t);
static ssize_t (*real_writev) (int, const struct iovec *, int);
static ssize_t (*real_pwritev) (int, const struct iovec *, int, off_t);
static int     (*real_ftruncate) (int, off_t);
static int     (*real_fsync) (int);
static int     (*real_fdatasync) (int);
static int     (*real_mkdir) (const char *, mode_t);
static int     (*real_mkdirat) (int, const char *, mode_t);
static int     (*real_rename) (const char *, const char *);
static int     (*real_renameat) (int, const char *, int, const char *);
static int     (*real_renameat2) (int, const char *, int, const char *, unsigned int);
static ssize_t (*real_send) (int, const void *, size_t, int);
static ssize_t (*real_sendto) (int, const void *, size_t, int, const struct sockaddr *, socklen_t);
static ssize_t (*real_sendmsg) (int, const struct msghdr *, int);

static void
resolve (void)
{
  if (real_open != NULL)
    return;
  real_openat = dlsym (RTLD_NEXT, "openat");
  real_write = dlsym (RTLD_NEXT, "write");
  real_pwrite = dlsym (RTLD_NEXT, "pwrite");
  real_writev = dlsym (RTLD_NEXT, "writev");
  real_pwritev = dlsym (RTLD_NEXT, "pwritev");
  real_ftruncate = dlsym (RTLD_NEXT, "ftruncate");
  real_fsync = dlsym (RTLD_NEXT, "fsync");
  real_fdatasync = dlsym (RTLD_NEXT, "fdatasync");
  real_mkdir = dlsym (RTLD_NEXT, "mkdir");
  real_mkdirat = dlsym (RTLD_NEXT, "mkdirat");
  real_rename = dlsym (RTLD_NEXT, "rename");
  real_renameat = dlsym (RTLD_NEXT, "renameat");
  real_renameat2 = dlsym (RTLD_NEXT, "renameat2");
  real_send = dlsym (RTLD_NEXT, "send");
  real_sendto = dlsym (RTLD_NEXT, "sendto");
  real_sendmsg = dlsym (RTLD_NEXT, "sendmsg");
  __atomic_store_n (&real_open, dlsym (RTLD_NEXT, "open"), __ATOMIC_RELEASE);
}

static void
say (const char *format,
     ...)
{
  char line[1024];
  va_list args;
  int fd, length;

  if (log_path[0] == '\0')
    return;
  va_start (args, format);
  length = vsnprintf (line, sizeof line, format, args);
  va_end (args);
  fd = real_open (log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  if (real_write (fd, line, length < (int) sizeof line ? (size_t) length : sizeof line - 1) < 0)
    (void) 0;
  close (fd);
}

static int
chance (int one_in)
{
  return rand_r (&seed) % one_in == 0;
}

static int
under_data_dir (const char *path)
{
  return data_dir_length > 0 && strncmp (path, data_dir, data_dir_length) == 0 &&
         (path[data_dir_length] == '/' || path[data_dir_length] == '\0');
}

static int
fd_path (int   fd,
         char *path)
{
  char link[64];
  ssize_t length;

  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  length = readlink (link, path, PATH_MAX - 1);
  if (length < 0)
    return -1;
  path[length] = '\0';
  return 0;
}

/* The absolute name of @path seen from @dirfd, its folder made real. */
static int
absolute_path (int         dirfd,
               const char *path,
               char       *absolute)
{
  char base[2 * PATH_MAX + 2], folder[2 * PATH_MAX + 2], real[PATH_MAX];
  const char *slash;

  if (path[0] == '/')
    snprintf (base, sizeof base, "%s", path);
  else
    {
      char dir[PATH_MAX];

      if (dirfd == AT_FDCWD)
        {
          if (getcwd (dir, sizeof dir) == NULL)
            return -1;
        }
      else if (fd_path (dirfd, dir) != 0)
        return -1;
      snprintf (base, sizeof base, "%s/%s", dir, path);
    }
  slash = strrchr (base, '/');
  if (slash == base)
    snprintf (folder, sizeof folder, "/");
  else
    snprintf (folder, sizeof folder, "%.*s", (int) (slash - base), base);
  if (realpath (folder, real) == NULL)
    return -1;
  if (snprintf (absolute, PATH_MAX, "%s/%s", strcmp (real, "/") == 0 ? "" : real, slash + 1) >= PATH_MAX)
    return -1;
  return 0;
}

static int
parent_of (const char *path,
           struct stat *st)
{
  char folder[PATH_MAX];
  const char *slash = strrchr (path, '/');

  snprintf (folder, sizeof folder, "%.*s", (int) (slash - path), path);
  return stat (folder[0] != '\0' ? folder : "/", st);
}

/* ---- data ------------------------------------------------------------- */

static Node *
node_for_fd (int fd)
{
  struct stat st;
  Node *node;
  char path[PATH_MAX], own[64];

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    return NULL;
  for (size_t i = 0; i < n_nodes; i++)
    if (nodes[i].dev == st.st_dev && nodes[i].ino == st.st_ino)
      return &nodes[i];
  /* Only watched files are remembered: the shim's descriptor keeps their
   * inode from being reused, and another file's may be, by one of ours. */
  if (fd_path (fd, path) != 0 || !under_data_dir (path) ||
      (strlen (path) > 4 && strcmp (path + strlen (path) - 4, "-shm") == 0))
    return NULL;
  if (n_nodes == nodes_allocated)
    {
      nodes_allocated = nodes_allocated ? nodes_allocated * 2 : 64;
      nodes = realloc (nodes, nodes_allocated * sizeof *nodes);
    }
  node = &nodes[n_nodes++];
  memset (node, 0, sizeof *node);
  node->dev = st.st_dev;
  node->ino = st.st_ino;
  snprintf (node->path, sizeof node->path, "%s", path);
  /* A description of our own, never closed: closing any descriptor of a
   * file drops the process's POSIX locks on it, which SQLite relies on. */
  snprintf (own, sizeof own, "/proc/self/fd/%d", fd);
  node->fd = real_open (own, O_RDWR | O_CLOEXEC);
  if (node->fd < 0)
    {
      say ("powercut: cannot watch %s: %s\n", path, strerror (errno));
      abort ();
    }
  node->durable_size = st.st_size;
  return node;
}

static Saved *
find_saved (Node *node,
            long  index)
{
  for (size_t i = 0; i < node->n_saved; i++)
    if (node->saved[i].index == index)
      return &node->saved[i];
  return NULL;
}

/* Keeps the durable bytes of every block of [offset, offset + length) not
 * kept yet, before they are overwritten or cut off. */
static void
keep_durable (Node  *node,
              off_t  offset,
              off_t  length)
{
  long first = offset / BLOCK;
  long last;

  if (length <= 0 || offset >= node->durable_size)
    return;
  if (offset + length > node->durable_size)
    length = node->durable_size - offset;
  last = (offset + length - 1) / BLOCK;
  for (long index = first; index <= last; index++)
    {
      Saved *saved;
      off_t start = (off_t) index * BLOCK;
      int valid = node->durable_size - start < BLOCK ? (int) (node->durable_size - start) : BLOCK;

      if (find_saved (node, index) != NULL)
        continue;
      if (node->n_saved == node->allocated)
        {
          node->allocated = node->allocated ? node->allocated * 2 : 16;
          node->saved = realloc (node->saved, node->allocated * sizeof *node->saved);
        }
      saved = &node->saved[node->n_saved++];
      saved->index = index;
      saved->length = valid;
      saved->data = malloc (BLOCK);
      if (pread (node->fd, saved->data, valid, start) != valid)
        {
          say ("powercut: cannot read %s at %lld\n", node->path, (long long) start);
          abort ();
        }
    }
}

static void
make_durable (Node *node)
{
  struct stat st;

  for (size_t i = 0; i < node->n_saved; i++)
    free (node->saved[i].data);
  node->n_saved = 0;
  if (fstat (node->fd, &st) == 0)
    node->durable_size = st.st_size;
}

static void
make_names_durable (dev_t dev,
                    ino_t ino)
{
  for (size_t i = 0; i < n_ops; i++)
    if (!ops[i].durable && ops[i].parent_dev == dev && ops[i].parent_ino == ino)
      {
        ops[i].durable = 1;
        if (ops[i].kept[0] != '\0')
          unlink (ops[i].kept);
      }
}

static void power_cut (const char *why);

/* Called before a write of @length bytes at @offset (-1: the descriptor's
 * position) to @fd. */
static void
before_write (int    fd,
              off_t  offset,
              size_t length)
{
  Node *node;

  if (data_dir_length == 0)
    return;
  node = node_for_fd (fd);
  if (node == NULL)
    return;
  writes++;
  if (cut_at_write > 0 && writes >= cut_at_write)
    power_cut ("at-write");
  if (offset < 0)
    {
      int flags = fcntl (fd, F_GETFL);

      if (flags >= 0 && (flags & O_APPEND))
        {
          struct stat st;

          offset = fstat (fd, &st) == 0 ? st.st_size : 0;
        }
      else
        offset = lseek (fd, 0, SEEK_CUR);
    }
  keep_durable (node, offset, (off_t) length);
}

/* A descriptor opened with O_SYNC or O_DSYNC makes each write durable. */
static void
after_write (int fd)
{
  int flags;
  Node *node;

  if (data_dir_length == 0)
    return;
  flags = fcntl (fd, F_GETFL);
  if (flags >= 0 && (flags & (O_SYNC | O_DSYNC)) && (node = node_for_fd (fd)) != NULL)
    make_durable (node);
}

/* ---- names ------------------------------------------------------------ */

static Op *
new_op (OpKind      kind,
        const char *path)
{
  struct stat parent, st;
  Op *op;

  if (parent_of (path, &parent) != 0 || lstat (path, &st) != 0)
    return NULL;
  if (n_ops == ops_allocated)
    {
      ops_allocated = ops_allocated ? ops_allocated * 2 : 64;
      ops = realloc (ops, ops_allocated * sizeof *ops);
    }
  op = &ops[n_ops++];
  memset (op, 0, sizeof *op);
  op->kind = kind;
  op->parent_dev = parent.st_dev;
  op->parent_ino = parent.st_ino;
  op->dev = st.st_dev;
  op->ino = st.st_ino;
  snprintf (op->path, sizeof op->path, "%s", path);
  if (debug)
    say ("name %d %s\n", (int) kind, path);
  return op;
}

static int
remove_entry (const char        *path,
              const struct stat *st,
              int                flag,
              struct FTW        *ftw)
{
  return remove (path);
}

static int
names_same (const char *path,
            dev_t       dev,
            ino_t       ino)
{
  struct stat st;

  return lstat (path, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

static int
undo_names (void)
{
  int undone = 0;

  for (size_t i = n_ops; i-- > 0;)
    {
      Op *op = &ops[i];

      if (op->durable || (torn && chance (2)))
        continue;
      undone++;
      switch (op->kind)
        {
        case OP_CREATE:
          if (names_same (op->path, op->dev, op->ino))
            unlink (op->path);
          break;
        case OP_MKDIR:
          if (names_same (op->path, op->dev, op->ino))
            nftw (op->path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
          break;
        case OP_RENAME:
          if (names_same (op->path, op->dev, op->ino))
            real_rename (op->path, op->from);
          if (op->kept[0] != '\0')
            real_rename (op->kept, op->path);
          break;
        }
    }
  return undone;
}

/* ---- the cut ---------------------------------------------------------- */

static void
power_cut (const char *why)
{
  long blocks = 0, lost_bytes = 0;
  int files = 0, names;

  pthread_mutex_lock (&lock);
  /* From here on nothing leaves the process: a reply the other threads make
   * from the files being put back must not reach a client. Writes and
   * names wait on the lock, sends on this. */
  __atomic_store_n (&cutting, 1, __ATOMIC_SEQ_CST);
  for (size_t i = 0; i < n_nodes; i++)
    {
      Node *node = &nodes[i];
      struct stat st;
      off_t size;

      if (fstat (node->fd, &st) != 0)
        continue;
      if (node->n_saved == 0 && st.st_size == node->durable_size)
        continue;
      files++;
      size = node->durable_size;
      if (torn && st.st_size > node->durable_size)
        {
          /* Part of the appended tail reached the disk, maybe with holes. */
          long tail_blocks = (st.st_size - node->durable_size + BLOCK - 1) / BLOCK;
          long kept = rand_r (&seed) % (tail_blocks + 1);
          static const char zeros[BLOCK];

          size = node->durable_size + (off_t) kept * BLOCK;
          if (size > st.st_size)
            size = st.st_size;
          for (off_t at = node->durable_size; at < size; at += BLOCK)
            if (chance (4))
              real_pwrite (node->fd, zeros, size - at < BLOCK ? (size_t) (size - at) : BLOCK, at);
        }
      if (st.st_size > size)
        lost_bytes += st.st_size - size;
      real_ftruncate (node->fd, size);
      for (size_t j = 0; j < node->n_saved; j++)
        {
          Saved *saved = &node->saved[j];

          if (torn && chance (2))
            continue;
          blocks++;
          if (real_pwrite (node->fd, saved->data, saved->length,
                           (off_t) saved->index * BLOCK) != saved->length)
            {
              say ("powercut: cannot restore %s\n", node->path);
              abort ();
            }
        }
    }
  names = undo_names ();
  say ("cut %s writes=%ld mode=%s files=%d blocks_reverted=%ld tail_bytes_dropped=%ld names_undone=%d\n",
       why, writes, torn ? "torn" : "drop", files, blocks, lost_bytes, names);
  kill (getpid (), SIGKILL);
  for (;;)
    pause ();
}

static void
on_signal (int number)
{
  char byte = 1;
  int saved_errno = errno;

  if (syscall (SYS_write, signal_pipe[1], &byte, 1) < 0)
    (void) 0;
  errno = saved_errno;
}

/* A thread that reads a file through a mapping (an upload being checked)
 * while the cut shortens that file gets SIGBUS: after a power cut nothing
 * would have run at all, so it waits for the SIGKILL under way. */
static void
on_bus_error (int number)
{
  if (__atomic_load_n (&cutting, __ATOMIC_SEQ_CST))
    for (;;)
      pause ();
  signal (SIGBUS, SIG_DFL);
  raise (SIGBUS);
}

static void *
wait_for_signal (void *data)
{
  char byte;

  while (read (signal_pipe[0], &byte, 1) != 1)
    ;
  power_cut ("signal");
  return NULL;
}

__attribute__((constructor)) static void
powercut_init (void)
{
  const char *dir = getenv ("QUORUM_POWERCUT_DIR");
  const char *value;
  pthread_t thread;

  resolve ();
  if (dir == NULL || realpath (dir, data_dir) == NULL)
    return;
  data_dir_length = strlen (data_dir);
  if ((value = getenv ("QUORUM_POWERCUT_WRITES")) != NULL)
    cut_at_write = atol (value);
  if ((value = getenv ("QUORUM_POWERCUT_MODE")) != NULL)
    torn = strcmp (value, "torn") == 0;
  if ((value = getenv ("QUORUM_POWERCUT_SEED")) != NULL)
    seed = (unsigned int) strtoul (value, NULL, 10);
  debug = getenv ("QUORUM_POWERCUT_DEBUG") != NULL;
  if ((value = getenv ("QUORUM_POWERCUT_SYNC_US")) != NULL)
    sync_delay_us = atol (value);
  if ((value = getenv ("QUORUM_POWERCUT_LOG")) != NULL)
    snprintf (log_path, sizeof log_path, "%s", value);
  if (pipe2 (signal_pipe, O_CLOEXEC) == 0 &&
      pthread_create (&thread, NULL, wait_for_signal, NULL) == 0)
    {
      struct sigaction action = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
      struct sigaction bus = { .sa_handler = on_bus_error };

      sigaction (SIGUSR2, &action, NULL);
      sigaction (SIGBUS, &bus, NULL);
    }
}

/* ---- the calls -------------------------------------------------------- */

static int
open_watched (int         dirfd,
              const char *path,
              int         flags,
              mode_t      mode)
{
  char absolute[PATH_MAX];
  int existed = 1, fd;

  resolve ();
  if (data_dir_length == 0 || !(flags & O_CREAT))
    return real_openat (dirfd, path, flags, mode);
  pthread_mutex_lock (&lock);
  if (absolute_path (dirfd, path, absolute) != 0 || !under_data_dir (absolute))
    {
      fd = real_openat (dirfd, path, flags, mode);
      pthread_mutex_unlock (&lock);
      return fd;
    }
  {
    struct stat st;

    existed = lstat (absolute, &st) == 0;
  }
  fd = real_openat (dirfd, path, flags, mode);
  if (fd >= 0 && !existed)
    new_op (OP_CREATE, absolute);
  pthread_mutex_unlock (&lock);
  return fd;
}

int
open (const char *path,
      int         flags,
      ...)
{
  mode_t mode = 0;

  if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
    {
      va_list args;

      va_start (args, flags);
      mode = va_arg (args, mode_t);
      va_end (args);
    }
  return open_watched (AT_FDCWD, path, flags, mode);
}

int open64 (const char *path, int flags, ...) __attribute__((alias ("open")));

int
openat (int         dirfd,
        const char *path,
        int         flags,
        ...)
{
  mode_t mode = 0;

  if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
    {
      va_list args;

      va_start (args, flags);
      mode = va_arg (args, mode_t);
      va_end (args);
    }
  return open_watched (dirfd, path, flags, mode);
}

int openat64 (int dirfd, const char *path, int flags, ...) __attribute__((alias ("openat")));

int
creat (const char *path,
       mode_t      mode)
{
  return open_watched (AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

int creat64 (const char *path, mode_t mode) __attribute__((alias ("creat")));

ssize_t
write (int         fd,
       const void *buffer,
       size_t      length)
{
  ssize_t written;

  resolve ();
  pthread_mutex_lock (&lock);
  before_write (fd, -1, length);
  written = real_write (fd, buffer, length);
  after_write (fd);
  pthread_mutex_unlock (&lock);
  return written;
}

ssize_t
pwrite (int         fd,
        const void *buffer,
        size_t      length,
        off_t       offset)
{
  ssize_t written;

  resolve ();
  pthread_mutex_lock (&lock);
  before_write (fd, offset, length);
  written = real_pwrite (fd, buffer, length, offset);
  after_write (fd);
  pthread_mutex_unlock (&lock);
  return written;
}

ssize_t pwrite64 (int fd, const void *buffer, size_t length, off_t offset) __attribute__((alias ("pwrite")));

static size_t
iov_length (const struct iovec *iov,
            int                 count)
{
  size_t length = 0;

  for (int i = 0; i < count; i++)
    length += iov[i].iov_len;
  return length;
}

ssize_t
writev (int                 fd,
        const struct iovec *iov,
        int                 count)
{
  ssize_t written;

  resolve ();
  pthread_mutex_lock (&lock);
  before_write (fd, -1, iov_length (iov, count));
  written = real_writev (fd, iov, count);
  after_write (fd);
  pthread_mutex_unlock (&lock);
  return written;
}

ssize_t
pwritev (int                 fd,
         const struct iovec *iov,
         int                 count,
         off_t               offset)
{
  ssize_t written;

  resolve ();
  pthread_mutex_lock (&lock);
  before_write (fd, offset, iov_length (iov, count));
  written = real_pwritev (fd, iov, count, offset);
  after_write (fd);
  pthread_mutex_unlock (&lock);
  return written;
}

ssize_t pwritev64 (int fd, const struct iovec *iov, int count, off_t offset) __attribute__((alias ("pwritev")));

int
ftruncate (int   fd,
           off_t length)
{
  int result;
  Node *node;

  resolve ();
  pthread_mutex_lock (&lock);
  if (data_dir_length > 0 && (node = node_for_fd (fd)) != NULL)
    keep_durable (node, length, node->durable_size - length);
  result = real_ftruncate (fd, length);
  pthread_mutex_unlock (&lock);
  return result;
}

int ftruncate64 (int fd, off_t length) __attribute__((alias ("ftruncate")));

static int
sync_fd (int fd)
{
  struct stat st;

  resolve ();
  if (data_dir_length == 0)
    return real_fsync (fd);
  if (fstat (fd, &st) != 0)
    return -1;
  pthread_mutex_lock (&lock);
  if (S_ISDIR (st.st_mode))
    {
      if (debug)
        say ("folder sync %ld\n", (long) st.st_ino);
      make_names_durable (st.st_dev, st.st_ino);
    }
  else
    {
      Node *node = node_for_fd (fd);

      if (node != NULL)
        make_durable (node);
      else
        {
          pthread_mutex_unlock (&lock);
          return real_fsync (fd);
        }
    }
  pthread_mutex_unlock (&lock);
  /* A disk's time to sync, after the point that is durable: what is
   * written meanwhile is not, as with a real fsync. */
  if (sync_delay_us > 0)
    usleep (sync_delay_us);
  return 0;
}

int
fsync (int fd)
{
  return sync_fd (fd);
}

int
fdatasync (int fd)
{
  return sync_fd (fd);
}

static void
everything_durable (void)
{
  pthread_mutex_lock (&lock);
  for (size_t i = 0; i < n_nodes; i++)
    make_durable (&nodes[i]);
  for (size_t i = 0; i < n_ops; i++)
    if (!ops[i].durable)
      make_names_durable (ops[i].parent_dev, ops[i].parent_ino);
  pthread_mutex_unlock (&lock);
}

void
sync (void)
{
  everything_durable ();
}

int
syncfs (int fd)
{
  everything_durable ();
  return 0;
}

static int
mkdir_watched (int         dirfd,
               const char *path,
               mode_t      mode)
{
  char absolute[PATH_MAX];
  int result;

  resolve ();
  if (data_dir_length == 0)
    return real_mkdirat (dirfd, path, mode);
  pthread_mutex_lock (&lock);
  result = real_mkdirat (dirfd, path, mode);
  if (result == 0 && absolute_path (dirfd, path, absolute) == 0 && under_data_dir (absolute))
    new_op (OP_MKDIR, absolute);
  pthread_mutex_unlock (&lock);
  return result;
}

int
mkdir (const char *path,
       mode_t      mode)
{
  return mkdir_watched (AT_FDCWD, path, mode);
}

int
mkdirat (int         dirfd,
         const char *path,
         mode_t      mode)
{
  return mkdir_watched (dirfd, path, mode);
}

static int
rename_watched (int          old_dirfd,
                const char  *old_path,
                int          new_dirfd,
                const char  *new_path,
                unsigned int flags)
{
  char from[PATH_MAX], to[PATH_MAX], kept[PATH_MAX] = "";
  struct stat st;
  int result;
  Op *op;

  resolve ();
  if (data_dir_length == 0)
    return real_renameat2 (old_dirfd, old_path, new_dirfd, new_path, flags);
  pthread_mutex_lock (&lock);
  if (absolute_path (old_dirfd, old_path, from) != 0 || absolute_path (new_dirfd, new_path, to) != 0 ||
      !under_data_dir (to))
    {
      result = real_renameat2 (old_dirfd, old_path, new_dirfd, new_path, flags);
      pthread_mutex_unlock (&lock);
      return result;
    }
  if (lstat (to, &st) == 0 && S_ISREG (st.st_mode))
    {
      /* Until the folder is synced the replaced file is what a cut brings back. */
      snprintf (kept, sizeof kept, "%.*s/.powercut-kept-%d-%ld", (int) (strrchr (to, '/') - to), to,
                (int) getpid (), kept_counter++);
      if (link (to, kept) != 0)
        kept[0] = '\0';
    }
  result = real_renameat2 (old_dirfd, old_path, new_dirfd, new_path, flags);
  if (result == 0 && (op = new_op (OP_RENAME, to)) != NULL)
    {
      snprintf (op->from, sizeof op->from, "%s", from);
      snprintf (op->kept, sizeof op->kept, "%s", kept);
    }
  else if (kept[0] != '\0')
    unlink (kept);
  pthread_mutex_unlock (&lock);
  return result;
}

int
rename (const char *old_path,
        const char *new_path)
{
  return rename_watched (AT_FDCWD, old_path, AT_FDCWD, new_path, 0);
}

int
renameat (int         old_dirfd,
          const char *old_path,
          int         new_dirfd,
          const char *new_path)
{
  return rename_watched (old_dirfd, old_path, new_dirfd, new_path, 0);
}

int
renameat2 (int          old_dirfd,
           const char  *old_path,
           int          new_dirfd,
           const char  *new_path,
           unsigned int flags)
{
  return rename_watched (old_dirfd, old_path, new_dirfd, new_path, flags);
}

static void
hold_during_cut (void)
{
  if (__atomic_load_n (&cutting, __ATOMIC_SEQ_CST))
    for (;;)
      pause ();
}

ssize_t
send (int         fd,
      const void *buffer,
      size_t      length,
      int         flags)
{
  resolve ();
  hold_during_cut ();
  return real_send (fd, buffer, length, flags);
}

ssize_t
sendto (int                    fd,
        const void            *buffer,
        size_t                 length,
        int                    flags,
        const struct sockaddr *address,
        socklen_t              address_length)
{
  resolve ();
  hold_during_cut ();
  return real_sendto (fd, buffer, length, flags, address, address_length);
}

ssize_t
sendmsg (int                  fd,
         const struct msghdr *message,
         int                  flags)
{
  resolve ();
  hold_during_cut ();
  return real_sendmsg (fd, message, flags);
}

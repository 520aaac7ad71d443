/* A GlusterFS client on Debian's libgfapi, for the end-to-end tests: it
 * fetches the volfile from a volfile server (glusterd-actor) exactly as any
 * libgfapi application does, then writes or checks files through the volume.
 *
 *   gfapi_client HOST VOLUME write  PREFIX COUNT SIZE [LOGFILE]
 *   gfapi_client HOST VOLUME verify PREFIX COUNT SIZE [LOGFILE]
 *
 * File i is "/PREFIX-i", SIZE bytes of a pattern derived from its name, so
 * verify proves the exact content came back. Exit 0 on success; else 1 and
 * one line on stderr naming the file and what went wrong. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glusterfs/api/glfs.h>

static void fill(char* buf, size_t size, const char* name) {
  /* why: a byte stream that differs per file and per offset (FNV-1a of
   * the name as the seed of a linear congruential sequence). */
  unsigned long h = 1469598103934665603UL;
  for (const char* p = name; *p; ++p)
    h = (h ^ (unsigned char)*p) * 1099511628211UL;
  for (size_t i = 0; i < size; ++i) {
    h = h * 6364136223846793005UL + 1442695040888963407UL;
    buf[i] = (char)(h >> 56);
  }
}

int main(int argc, char** argv) {
  if (argc < 7) {
    fprintf(stderr, "usage: %s HOST VOLUME write|verify PREFIX COUNT SIZE "
                    "[LOGFILE]\n", argv[0]);
    return 2;
  }
  const char* host = argv[1];
  const char* volume = argv[2];
  const char* mode = argv[3];
  const char* prefix = argv[4];
  long count = atol(argv[5]);
  long size = atol(argv[6]);
  const char* logfile = argc > 7 ? argv[7] : "/dev/null";
  int writing = strcmp(mode, "write") == 0;
  if (!writing && strcmp(mode, "verify") != 0) {
    fprintf(stderr, "mode must be write or verify, not %s\n", mode);
    return 2;
  }

  glfs_t* fs = glfs_new(volume);
  if (!fs) {
    fprintf(stderr, "glfs_new(%s) failed: %s\n", volume, strerror(errno));
    return 1;
  }
  glfs_set_volfile_server(fs, "tcp", host, 24007);
  glfs_set_logging(fs, logfile, 7);
  if (glfs_init(fs) != 0) {
    fprintf(stderr, "glfs_init of volume %s from %s failed: %s\n", volume,
            host, strerror(errno));
    return 1;
  }
  char* want = malloc((size_t)size + 1);
  char* got = malloc((size_t)size + 1);
  int rc = 0;
  for (long i = 0; i < count && rc == 0; ++i) {
    char name[512];
    snprintf(name, sizeof(name), "/%s-%ld", prefix, i);
    fill(want, (size_t)size, name);
    if (writing) {
      glfs_fd_t* fd = glfs_creat(fs, name, O_WRONLY | O_TRUNC, 0644);
      if (!fd) {
        fprintf(stderr, "create %s: %s\n", name, strerror(errno));
        rc = 1;
        break;
      }
      if (glfs_write(fd, want, (size_t)size, 0) != size) {
        fprintf(stderr, "write %s: %s\n", name, strerror(errno));
        rc = 1;
      }
      /* why: the volume's write-behind flushes behind close; fsync makes
       * the data reach the bricks before this process exits. */
      if (rc == 0 && glfs_fsync(fd, NULL, NULL) != 0) {
        fprintf(stderr, "fsync %s: %s\n", name, strerror(errno));
        rc = 1;
      }
      if (glfs_close(fd) != 0) {
        fprintf(stderr, "close %s: %s\n", name, strerror(errno));
        rc = 1;
      }
    } else {
      glfs_fd_t* fd = glfs_open(fs, name, O_RDONLY);
      if (!fd) {
        fprintf(stderr, "open %s: %s\n", name, strerror(errno));
        rc = 1;
        break;
      }
      ssize_t n = glfs_read(fd, got, (size_t)size + 1, 0);
      if (n != size) {
        fprintf(stderr, "read %s: %zd bytes, want %ld (%s)\n", name, n, size,
                n < 0 ? strerror(errno) : "wrong length");
        rc = 1;
      } else if (memcmp(want, got, (size_t)size) != 0) {
        fprintf(stderr, "read %s: the content differs\n", name);
        rc = 1;
      }
      glfs_close(fd);
    }
  }
  free(want);
  free(got);
  /* why: no glfs_fini: it takes ~9 s to wind down libgfapi's threads here,
   * and every write was fsynced to the bricks above. */
  (void)fs;
  return rc;
}

/* An LD_PRELOAD shim for the storage-fault tests: while the file named by $GREGOR_FSYNC_FAIL_IF
 * exists, fsync(2) and fdatasync(2) fail with EIO, as a failing disk makes them fail. Everything
 * else passes through. Built by the tests with `cc -shared -fPIC`. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static int failing(void) {
  const char* path = getenv("GREGOR_FSYNC_FAIL_IF");
  return path && access(path, F_OK) == 0;
}

int fsync(int fd) {
  static int (*real)(int);
  if (failing()) {
    errno = EIO;
    return -1;
  }
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  return real(fd);
}

int fdatasync(int fd) {
  static int (*real)(int);
  if (failing()) {
    errno = EIO;
    return -1;
  }
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  return real(fd);
}

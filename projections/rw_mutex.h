// RwMutex: a reader-writer mutex that prefers writers. std::shared_mutex on glibc prefers
// readers, so a steady stream of overlapping report queries could hold off the commit listener
// (Projections::Apply) indefinitely, and with it every append's return. Here a waiting writer
// stops new readers from entering. Readers must not lock recursively (a waiting writer would
// deadlock them). Meets the SharedMutex requirements (std::shared_lock, std::unique_lock).
#pragma once

#include <pthread.h>

#include <cstdlib>

namespace tl::projections {

class RwMutex {
 public:
  RwMutex() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    // Fails only without memory; a lock that does not exist cannot be worked around.
    if (pthread_rwlock_init(&lock_, &attr) != 0) std::abort();
    pthread_rwlockattr_destroy(&attr);
  }
  ~RwMutex() { pthread_rwlock_destroy(&lock_); }
  RwMutex(const RwMutex&) = delete;
  RwMutex& operator=(const RwMutex&) = delete;

  void lock() { pthread_rwlock_wrlock(&lock_); }
  bool try_lock() { return pthread_rwlock_trywrlock(&lock_) == 0; }
  void unlock() { pthread_rwlock_unlock(&lock_); }
  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  bool try_lock_shared() { return pthread_rwlock_tryrdlock(&lock_) == 0; }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

 private:
  pthread_rwlock_t lock_;
};

}  // namespace tl::projections

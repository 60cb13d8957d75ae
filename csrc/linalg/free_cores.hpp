// Parallel parts on the cores that are actually free.
//
// An OpenMP region ends when every thread of its team has arrived.  When
// another process holds the second core, the second thread starts only once
// the scheduler gives it a slice, and an inversion made of many short regions
// (Γ's assembly, the two halves of the band factor and of each solve) then
// pays that wait in every region and runs slower than on one thread.  Here
// the parts of a region are claimed by whichever thread is free, so the caller
// does them all if its helper does not come; and a region that two threads
// did not make clearly faster than one thread would have (its helper started
// late, or lost its core midway) keeps the following regions on the calling
// thread for a while (longer while it keeps happening), after which two
// threads are tried again.  "One thread" is the CPU time the threads spent on
// the parts: parts of unequal cost (a group of a factor's solve that the
// cache left cold, measured twice as long as its twin) are judged by what
// they cost, not as if each took the caller's time.
//
// Where the helper runs matters too.  Woken while every core is busy, Linux
// tends to put it on the core of the thread that woke it (the caller), where
// the two share one core while the other process keeps the other to itself.
// So a helper keeps off the caller's CPU (stay_off): it shares a core with
// the other process instead, and the caller keeps its own.  Measured beside
// one busy process on 2 cores: pseudo-2D 8 x 1024 5-8% faster
// (docs/performance.md).  Only the helper's affinity changes, never the
// caller's; the helper is a thread of OpenMP's pool, so other OpenMP code in
// the process that reuses it finds it kept off that CPU too.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace fastilt {

namespace free_cores {

using Clock = std::chrono::steady_clock;

// Threads for a region of `parts` parts now: 1 while backing off after a slow
// region, otherwise min(parts, OpenMP's thread count).
int team_size(int parts);

// The CPU time this thread has used (a steady clock where the platform has
// no per-thread clock).
Clock::duration thread_cpu_time();

// What a region on several threads took: `wall` in all, while its threads
// spent `work` of CPU time on its parts.
void record(Clock::duration work, Clock::duration wall);

// The CPU this thread runs on now (-1 where unknown).
int current_cpu();
// Keeps the calling thread off `cpu` (the CPU of the thread that started its
// region) where it is allowed elsewhere: its affinity becomes what it was
// allowed before fastilt first restricted it, less `cpu`.  Nothing where the
// platform has no affinity (not Linux) or `cpu` is -1; one system call only
// when `cpu` differs from the last one avoided.
void stay_off(int cpu);

}  // namespace free_cores

// body(p) for p in [0, parts): the caller does part 0 (it is there first),
// then each part is done by whichever thread claims it first; an exception
// thrown by a part is rethrown once all are done.
template <typename Body>
void for_each_part(int parts, const Body& body) {
  const int threads = parts > 1 ? free_cores::team_size(parts) : 1;
  if (threads == 1) {
    for (int p = 0; p < parts; ++p) body(p);
    return;
  }
  std::vector<std::exception_ptr> errors(parts);
  std::atomic<int> next{1};
  std::atomic<free_cores::Clock::rep> work{0};
  const auto start = free_cores::Clock::now();
  const int caller_cpu = free_cores::current_cpu();
#pragma omp parallel num_threads(threads)
  {
#ifdef _OPENMP
    const bool caller = omp_get_thread_num() == 0;
#else
    const bool caller = true;
#endif
    if (!caller) free_cores::stay_off(caller_cpu);
    const auto used = free_cores::thread_cpu_time();
    for (int p = caller ? 0 : next.fetch_add(1); p < parts; p = next.fetch_add(1)) {
      try {
        body(p);
      } catch (...) {
        errors[p] = std::current_exception();
      }
    }
    work += (free_cores::thread_cpu_time() - used).count();
  }
  free_cores::record(free_cores::Clock::duration(work.load()), free_cores::Clock::now() - start);
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
}

}  // namespace fastilt

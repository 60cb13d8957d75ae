#include "free_cores.hpp"

#include <algorithm>
#include <ctime>

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#endif

namespace fastilt {
namespace free_cores {
namespace {

// Regions shorter than this tell nothing (a thread woken on a free core
// starts within tens of microseconds).
constexpr Clock::duration kShortest = std::chrono::microseconds(500);
// Threads pay when the region takes at most this share of the CPU time its
// threads spent on its parts (what one thread alone would have taken).
constexpr double kWorthwhile = 0.8;
// The first stretch on one thread after a slow region, doubled at each slow
// region in a row up to the longest; a worthwhile region resets it.
constexpr Clock::duration kFirstSolo = std::chrono::milliseconds(10);
constexpr Clock::duration kLongestSolo = std::chrono::milliseconds(640);

// The machine's state, shared by every caller (the regions of concurrent
// inversions see the same cores).
std::atomic<Clock::rep> solo_until{0};
std::atomic<Clock::rep> next_solo{kFirstSolo.count()};

}  // namespace

int team_size(int parts) {
#ifdef _OPENMP
  if (Clock::now().time_since_epoch().count() < solo_until.load(std::memory_order_relaxed)) return 1;
  return std::min(parts, omp_get_max_threads());
#else
  (void)parts;
  return 1;
#endif
}

void record(Clock::duration work, Clock::duration wall) {
  if (wall < kShortest) return;
  // The threads' CPU time is what the parts cost, on one thread as on two
  // (a part that reads memory the other's left in cache takes longer, and
  // the region's wall time then says nothing about a late helper); a helper
  // without a core adds to the wall time, not to the CPU time.
  if (static_cast<double>(wall.count()) <= kWorthwhile * static_cast<double>(work.count())) {
    next_solo.store(kFirstSolo.count(), std::memory_order_relaxed);
    return;
  }
  const Clock::rep solo = next_solo.load(std::memory_order_relaxed);
  solo_until.store((Clock::now().time_since_epoch() + Clock::duration(solo)).count(), std::memory_order_relaxed);
  next_solo.store(std::min(2 * solo, kLongestSolo.count()), std::memory_order_relaxed);
}

Clock::duration thread_cpu_time() {
#ifdef CLOCK_THREAD_CPUTIME_ID
  timespec t{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0)
    return std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(t.tv_sec) +
                                                       std::chrono::nanoseconds(t.tv_nsec));
#endif
  return Clock::now().time_since_epoch();
}

#ifdef __linux__
int current_cpu() { return sched_getcpu(); }

void stay_off(int cpu) {
  thread_local int avoided = -1;
  thread_local bool known = false;
  thread_local cpu_set_t allowed;  // before the first restriction
  if (cpu < 0 || cpu >= CPU_SETSIZE || cpu == avoided) return;
  if (!known) {
    if (pthread_getaffinity_np(pthread_self(), sizeof allowed, &allowed) != 0) return;
    known = true;
  }
  cpu_set_t elsewhere = allowed;
  CPU_CLR(cpu, &elsewhere);
  if (CPU_COUNT(&elsewhere) > 0 && pthread_setaffinity_np(pthread_self(), sizeof elsewhere, &elsewhere) == 0)
    avoided = cpu;
}
#else
int current_cpu() { return -1; }
void stay_off(int) {}
#endif

}  // namespace free_cores
}  // namespace fastilt

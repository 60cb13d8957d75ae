#include "batch.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "../linalg/cholesky.hpp"
#include "../linalg/errors.hpp"

namespace fastilt {
namespace {

// The items are taken one at a time from a shared counter: they differ in
// iteration count, so a fixed split would leave threads idle.
struct Shared {
  std::atomic<std::int64_t> next{0}, finished{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable workers_done;
  std::size_t workers_left = 0;
};

void invert_item(Iteration& it, const BatchInput& in, std::int64_t i, BatchOutput& out) {
  const std::int64_t n = it.size(), k = it.coefficient_count();
  const int maxloop = it.maxloop();
  it.restart(in.y + i * n, in.coefficients != nullptr ? in.coefficients + i * k : nullptr);
  try {
    if (in.g_start != nullptr)
      it.start(std::vector<double>(in.g_start, in.g_start + n));
    else
      it.start_from_solve();
    it.run(IterationCallback{});
  } catch (const NotPositiveDefinite&) {
    out.status[i] = static_cast<std::uint8_t>(ItemStatus::NotPositiveDefinite);
    return;
  } catch (const NonFinite&) {
    out.status[i] = static_cast<std::uint8_t>(ItemStatus::NonFinite);
    return;
  }
  std::copy(it.g().begin(), it.g().end(), out.g + i * n);
  const auto& conv = it.convergence();
  double* row = out.convergence + i * maxloop;
  std::fill(row, row + maxloop, std::numeric_limits<double>::quiet_NaN());
  std::copy(conv.begin(), conv.end(), row);
  out.iterations[i] = static_cast<std::int32_t>(conv.size());
  out.status[i] = static_cast<std::uint8_t>(ItemStatus::Done);
}

void work(Iteration& it, const BatchInput& in, BatchOutput& out, Shared& shared, std::exception_ptr& error) {
  const FixedBlasThreads fixed;  // OpenBLAS stays on one thread: the caller set it so
#ifdef _OPENMP
  omp_set_num_threads(1);  // no OpenMP team per worker inside the items either
#endif
  try {
    for (std::int64_t i = shared.next++; i < in.items && !shared.stop; i = shared.next++) {
      invert_item(it, in, i, out);
      ++shared.finished;
    }
  } catch (...) {
    error = std::current_exception();
    shared.stop = true;
  }
  const std::lock_guard<std::mutex> lock(shared.mutex);
  --shared.workers_left;
  shared.workers_done.notify_all();
}

// OpenMP's thread count on this thread set to `count` while alive (-1: left
// alone), then restored.
class OpenMPThreads {
 public:
  explicit OpenMPThreads(int count) {
#ifdef _OPENMP
    if (count > 0) {
      saved_ = omp_get_max_threads();
      omp_set_num_threads(count);
    }
#else
    (void)count;
#endif
  }
  ~OpenMPThreads() {
#ifdef _OPENMP
    if (saved_ > 0) omp_set_num_threads(saved_);
#endif
  }
  OpenMPThreads(const OpenMPThreads&) = delete;
  OpenMPThreads& operator=(const OpenMPThreads&) = delete;

 private:
  int saved_ = 0;
};

// A lone worker: the items one after the other on the calling thread.  A
// solve split over the cores (a band in two halves) keeps OpenMP's threads,
// any other stays on this thread as a worker of its own would.  On a thread
// started for the batch the split solves took 15% longer (iltstats of
// pseudo-2D samples: 0.89 s an item against 0.77 s here and 0.79 s for a
// single invert).
void invert_on_this_thread(Iteration& it, const BatchInput& in, BatchOutput& out, const BatchProgress& progress,
                           int interval_ms) {
  const FixedBlasThreads fixed;
  const OpenMPThreads threads(it.parallel_parts() > 1 ? -1 : 1);
  auto reported = std::chrono::steady_clock::now();
  for (std::int64_t i = 0; i < in.items; ++i) {
    invert_item(it, in, i, out);
    const auto now = std::chrono::steady_clock::now();
    if (progress && (i + 1 == in.items || now - reported >= std::chrono::milliseconds(interval_ms))) {
      progress(i + 1);  // may throw to stop the batch: the items not run stay Cancelled
      reported = now;
    }
  }
}

}  // namespace

void invert_batch(const std::vector<Iteration*>& workers, const BatchInput& input, BatchOutput& output,
                  const BatchProgress& progress, int interval_ms) {
  if (workers.empty()) throw std::invalid_argument("a batch needs at least one worker");
  for (const Iteration* it : workers)
    if (it->size() != workers[0]->size() || it->maxloop() != workers[0]->maxloop() ||
        it->coefficient_count() != workers[0]->coefficient_count())
      throw std::invalid_argument("the workers of a batch must solve systems of the same form");
  if (workers[0]->coefficient_count() > 0 && input.coefficients == nullptr)
    throw std::invalid_argument("this system needs coefficients for every item");
  std::fill(output.status, output.status + input.items, static_cast<std::uint8_t>(ItemStatus::Cancelled));

  const BlasThreads one_blas_thread(1);  // set once here, held by FixedBlasThreads in the workers
  if (workers.size() == 1) {
    invert_on_this_thread(*workers[0], input, output, progress, interval_ms);
    return;
  }
  Shared shared;
  shared.workers_left = workers.size();
  std::vector<std::exception_ptr> errors(workers.size());
  std::vector<std::thread> threads;
  threads.reserve(workers.size());
  for (std::size_t w = 0; w < workers.size(); ++w)
    threads.emplace_back(work, std::ref(*workers[w]), std::cref(input), std::ref(output), std::ref(shared),
                         std::ref(errors[w]));

  std::exception_ptr progress_error;
  {
    std::unique_lock<std::mutex> lock(shared.mutex);
    bool all_done = false;
    while (!all_done) {
      all_done = shared.workers_done.wait_for(lock, std::chrono::milliseconds(interval_ms),
                                              [&] { return shared.workers_left == 0; });
      if (!progress || progress_error) continue;
      lock.unlock();
      try {
        progress(shared.finished.load());
      } catch (...) {
        progress_error = std::current_exception();
        shared.stop = true;
      }
      lock.lock();
    }
  }
  for (auto& t : threads) t.join();
  if (progress_error) std::rethrow_exception(progress_error);
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace fastilt

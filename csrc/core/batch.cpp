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

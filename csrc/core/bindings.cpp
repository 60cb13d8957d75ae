// pybind11 bindings for fastilt._core: conversion of the penalty model and
// arrays, GIL handling and the progress callback only; the numerics live in
// penalty.cpp, normal_equations.cpp, iteration.cpp and batch.cpp.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "../linalg/cholesky.hpp"
#include "../linalg/errors.hpp"
#include "batch.hpp"
#include "grid_dissection.hpp"
#include "iteration.hpp"
#include "low_rank.hpp"
#include "normal_equations.hpp"
#include "penalty.hpp"

namespace py = pybind11;
using namespace fastilt;

namespace {

using DArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using IArray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

std::vector<double> to_vector(const py::handle& obj) {
  const auto a = obj.cast<DArray>();
  return {a.data(), a.data() + a.size()};
}
std::vector<std::int64_t> to_ivector(const py::handle& obj) {
  const auto a = obj.cast<IArray>();
  return {a.data(), a.data() + a.size()};
}

// The lower triangle (rows >= column) of the n x n CSC arrays of a symmetric
// matrix (or its CSR arrays: the same for a symmetric matrix); SciPy's 32- or
// 64-bit indices are read in place.
template <typename Index>
Csc lower_columns(const py::handle& indptr_obj, const py::handle& indices_obj, const DArray& data,
                  std::int64_t n) {
  using Indices = py::array_t<Index, py::array::c_style | py::array::forcecast>;
  const auto indptr_array = indptr_obj.cast<Indices>(), indices_array = indices_obj.cast<Indices>();
  const Index* indptr = indptr_array.data();
  const Index* indices = indices_array.data();
  if (indptr_array.size() != n + 1 || indptr[0] != 0 || indptr[n] > indices_array.size() ||
      indices_array.size() != data.size())
    throw py::value_error("W must be given as the CSC arrays of an n x n matrix");
  Csc out;
  out.indptr.reserve(n + 1);
  out.indptr.push_back(0);
  for (std::int64_t j = 0; j < n; ++j) {
    if (indptr[j] > indptr[j + 1]) throw py::value_error("W's indptr must not decrease");
    for (Index s = indptr[j]; s < indptr[j + 1]; ++s) {
      if (indices[s] < 0 || indices[s] >= n) throw py::value_error("W has a row index out of range");
      if (indices[s] < j) continue;
      out.indices.push_back(indices[s]);
      out.data.push_back(data.data()[s]);
    }
    out.indptr.push_back(static_cast<std::int64_t>(out.indices.size()));
  }
  return out;
}

Csc lower_triangle(const py::handle& indptr, const py::handle& indices, const py::handle& data,
                   std::int64_t n) {
  const auto values = data.cast<DArray>();
  const bool int32 = py::isinstance<py::array_t<std::int32_t>>(indptr) &&
                     py::isinstance<py::array_t<std::int32_t>>(indices);
  return int32 ? lower_columns<std::int32_t>(indptr, indices, values, n)
               : lower_columns<std::int64_t>(indptr, indices, values, n);
}

// W's CSC (or CSR: the same for a symmetric matrix) arrays, read in place by
// the core; the arrays stay alive as long as the core holds the view.
CscView csc_view(const py::handle& indptr_obj, const py::handle& indices_obj, const py::handle& data_obj,
                 std::int64_t n) {
  const bool int32 = py::isinstance<py::array_t<std::int32_t>>(indptr_obj) &&
                     py::isinstance<py::array_t<std::int32_t>>(indices_obj);
  using I32Array = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>;
  const py::array indptr = int32 ? py::array(indptr_obj.cast<I32Array>()) : py::array(indptr_obj.cast<IArray>());
  const py::array indices = int32 ? py::array(indices_obj.cast<I32Array>()) : py::array(indices_obj.cast<IArray>());
  const auto data = data_obj.cast<DArray>();
  if (indptr.size() != n + 1 || indices.size() != data.size())
    throw py::value_error("W must be given as the CSC arrays of an n x n matrix");
  const std::int64_t nnz = int32 ? static_cast<const std::int32_t*>(indptr.data())[n]
                                 : static_cast<const std::int64_t*>(indptr.data())[n];
  if (nnz > data.size()) throw py::value_error("W's indptr points past its data");
  auto* kept = new py::object(py::make_tuple(indptr, indices, data));
  CscView view;
  view.indptr = indptr.data();
  view.indices = indices.data();
  view.wide_indices = !int32;
  view.data = data.data();
  view.owner = std::shared_ptr<const void>(kept, [](const void* p) {
    py::gil_scoped_acquire gil;
    delete static_cast<const py::object*>(p);
  });
  return view;
}

template <typename T>
T attr(const py::handle& obj, const char* name) {
  return obj.attr(name).cast<T>();
}

// fastilt.penalty_model.PenaltyModel -> PenaltyAssembler
PenaltyAssembler make_assembler(const py::object& model) {
  Grid grid(attr<std::vector<std::int64_t>>(model, "shape"), attr<std::vector<std::int64_t>>(model, "box"));
  const auto a0 = to_vector(model.attr("alpha_0")), ap = to_vector(model.attr("alpha_p")),
             ac = to_vector(model.attr("alpha_c")), ad = to_vector(model.attr("alpha_d")),
             dq = to_vector(model.attr("delta_q"));
  const auto cn = to_ivector(model.attr("c_nmax")), pn = to_ivector(model.attr("p_nmax")),
             zn = to_ivector(model.attr("zc_nmax"));
  std::vector<Direction> dirs;
  std::size_t k = 0;
  for (const py::handle d : model.attr("directions")) {
    Direction dir;
    const auto step = attr<std::vector<int>>(d, "step");
    for (std::size_t a = 0; a < step.size(); ++a) dir.step[a] = step[a];
    dir.is_axis = attr<bool>(d, "is_axis");
    dir.alpha_0 = a0.at(k), dir.alpha_p = ap.at(k), dir.alpha_c = ac.at(k), dir.alpha_d = ad.at(k);
    dir.delta_q = dq.at(k);
    dir.c_nmax = static_cast<int>(cn.at(k)), dir.p_nmax = static_cast<int>(pn.at(k));
    dir.zc_nmax = static_cast<int>(zn.at(k));
    dirs.push_back(dir);
    ++k;
  }
  Schedule s{};  // every field set below
  s.alpha_00 = attr<double>(model, "alpha_00");
  s.alpha_nn = attr<double>(model, "alpha_nn");
  s.nn = attr<bool>(model, "nn");
  s.reg_zc = attr<bool>(model, "reg_zc");
  s.zc_on = attr<int>(model, "zc_on");
  s.zc_down = attr<int>(model, "zc_down");
  s.zc_upd = attr<double>(model, "zc_upd");
  s.zc_updmin = attr<double>(model, "zc_updmin");
  s.zc_downrate = attr<double>(model, "zc_downrate");
  s.zc_max = attr<double>(model, "zc_max");
  s.reg_down = attr<int>(model, "reg_down");
  s.reg_upd = attr<double>(model, "reg_upd");
  s.reg_updmin = attr<double>(model, "reg_updmin");
  s.reg_downrate = attr<double>(model, "reg_downrate");
  s.initial_scale = attr<double>(model, "initial_scale");
  return PenaltyAssembler(grid, std::move(dirs), to_vector(model.attr("boundary")), s);
}

py::array_t<std::int64_t> offsets_array(const PenaltyAssembler& a) {
  const auto& offsets = a.gamma().offsets;
  const int ndim = a.grid().ndim;
  py::array_t<std::int64_t> out({static_cast<py::ssize_t>(offsets.size()), static_cast<py::ssize_t>(ndim)});
  auto v = out.mutable_unchecked<2>();
  for (std::size_t o = 0; o < offsets.size(); ++o)
    for (int d = 0; d < ndim; ++d) v(o, d) = offsets[o][d];
  return out;
}

// Hand a vector's memory to NumPy without copying it.
template <typename T>
py::array_t<T> as_array(std::vector<T>&& v) {
  auto* owner = new std::vector<T>(std::move(v));
  py::capsule release(owner, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(static_cast<py::ssize_t>(owner->size()), owner->data(), release);
}

// Γ as the (data, indices, indptr) of a full symmetric CSC matrix.
py::tuple gamma_csc(const PenaltyAssembler& a) {
  Csc csc = to_csc(a.gamma(), a.grid());
  return py::make_tuple(as_array(std::move(csc.data)), as_array(std::move(csc.indices)),
                        as_array(std::move(csc.indptr)));
}

py::list zero_crossing_state(const PenaltyAssembler& a) {
  py::list out;
  for (const auto& cz : a.zero_crossing_state()) out.append(py::array_t<double>(cz.size(), cz.data()));
  return out;
}

// The Python progress callback runs with the GIL; it also lets Ctrl-C through.
IterationCallback with_gil(const py::object& callback) {
  return [callback](int i) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (!callback.is_none()) callback(i);
  };
}

// fastilt._core.invert_batch: the arrays in and out of invert_batch (batch.cpp);
// the progress callback runs with the GIL on the calling thread and lets Ctrl-C through.
py::tuple invert_batch_arrays(const py::list& worker_objects, const DArray& y, const py::object& coefficients,
                              const py::object& g_start, const py::object& progress) {
  std::vector<Iteration*> workers;
  for (const py::handle w : worker_objects) workers.push_back(&w.cast<Iteration&>());
  if (workers.empty()) throw py::value_error("invert_batch needs at least one Iteration");
  const std::int64_t n = workers[0]->size(), k = workers[0]->coefficient_count();
  const int maxloop = workers[0]->maxloop();
  if (y.ndim() != 2 || y.shape(1) != n) throw py::value_error("y must be items x n");
  const std::int64_t items = y.shape(0);
  BatchInput input;
  input.items = items;
  input.y = y.data();
  DArray coefficient_array, g_start_array;
  if (!coefficients.is_none()) {
    coefficient_array = coefficients.cast<DArray>();
    if (coefficient_array.ndim() != 2 || coefficient_array.shape(0) != items || coefficient_array.shape(1) != k)
      throw py::value_error("coefficients must be items x " + std::to_string(k));
    input.coefficients = coefficient_array.data();
  }
  if (!g_start.is_none()) {
    g_start_array = g_start.cast<DArray>();
    if (g_start_array.size() != n) throw py::value_error("g_start has the wrong size");
    input.g_start = g_start_array.data();
  }
  py::array_t<double> g({static_cast<py::ssize_t>(items), static_cast<py::ssize_t>(n)});
  py::array_t<double> convergence({static_cast<py::ssize_t>(items), static_cast<py::ssize_t>(maxloop)});
  py::array_t<std::int32_t> iterations(static_cast<py::ssize_t>(items));
  py::array_t<std::uint8_t> status(static_cast<py::ssize_t>(items));
  BatchOutput output{g.mutable_data(), convergence.mutable_data(), iterations.mutable_data(),
                     status.mutable_data()};
  BatchProgress report = [&progress](std::int64_t finished) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (!progress.is_none()) progress(finished);
  };
  {
    py::gil_scoped_release release;
    invert_batch(workers, input, output, report);
  }
  return py::make_tuple(g, convergence, iterations, status);
}

// What an Iteration's linear system is built from: one bound constructor per
// system (dense_system, band_system, ...) names the system Python asks for.
// The system needs the grid and Γ's pattern of the Iteration's penalty
// assembler, so it is built with the Iteration; the arrays are held until then
// (and, for a band read from W's CSC arrays, as long as the system lives).
struct SystemDescription {
  std::string kind;
  std::function<std::unique_ptr<LinearSystem>(const Grid&, const StencilMatrix&)> build;
};

SystemDescription dense_system(const py::array& w) {
  return {"dense", [w](const Grid& grid, const StencilMatrix& gamma) {
            return std::make_unique<NormalEquations>(NormalEquations::dense(grid, gamma, to_vector(w)));
          }};
}

SystemDescription band_system(const py::array& w, const py::array& indptr, const py::array& indices,
                              std::int64_t kd) {
  return {"band", [=](const Grid& grid, const StencilMatrix& gamma) {
            return std::make_unique<NormalEquations>(
                NormalEquations::band(grid, gamma, csc_view(indptr, indices, w, grid.size), kd));
          }};
}

SystemDescription repeated_block_band_system(const py::array& block_obj, std::int64_t kd) {
  const auto block = block_obj.cast<py::array_t<double, py::array::f_style | py::array::forcecast>>();
  if (block.ndim() != 2 || block.shape(0) != block.shape(1)) throw py::value_error("the block must be square");
  return {"band", [block, kd](const Grid& grid, const StencilMatrix& gamma) {
            return std::make_unique<NormalEquations>(NormalEquations::band_of_repeated_block(
                grid, gamma, std::vector<double>(block.data(), block.data() + block.size()), block.shape(0), kd));
          }};
}

SystemDescription sparse_system(const py::array& w, const py::array& indptr, const py::array& indices,
                                bool natural) {
  return {"sparse", [=](const Grid& grid, const StencilMatrix& gamma) {
            return std::make_unique<NormalEquations>(
                NormalEquations::sparse(grid, gamma, lower_triangle(indptr, indices, w, grid.size),
                                        natural ? NormalEquations::Ordering::Natural
                                                : NormalEquations::Ordering::Cholmod));
          }};
}

SystemDescription low_rank_system(const py::list& w_factors, const py::array& a, const py::array& b, double rtol,
                                  int max_steps, bool single_precision) {
  if (!have_cholmod()) throw py::value_error("the low-rank system needs fastilt built with CHOLMOD");
  return {"lowrank", [=](const Grid& grid, const StencilMatrix& gamma) {
            std::vector<std::vector<double>> factors;
            for (const py::handle f : w_factors) factors.push_back(to_vector(f));
            return std::make_unique<LowRankSystem>(grid, gamma, std::move(factors), to_vector(a), to_vector(b),
                                                   rtol, max_steps, single_precision);
          }};
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  use_one_blas_thread_by_default();  // see BlasThreads
  m.doc() = "fastilt's compiled core: assembly of Γ and the iteration loop.";
  m.attr("HAVE_CHOLMOD") = have_cholmod();
  // pybind11 sets up its NumPy API (a version check) on the first
  // array it handles: here, at import, as NumPy's own extensions do, not in
  // the first inversion.
  (void)py::array_t<double>(0);

  // Share the exception class of fastilt._linalg (a numpy LinAlgError) and
  // fastilt.errors.NonFiniteError (which carries the quantity and iteration).
  static py::object not_pd = py::module_::import("fastilt._linalg").attr("NotPositiveDefiniteError");
  static py::object non_finite = py::module_::import("fastilt.errors").attr("NonFiniteError");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const NotPositiveDefinite& e) {
      PyErr_SetString(not_pd.ptr(), e.what());
    } catch (const NonFinite& e) {
      const py::object error = non_finite(e.what(), e.quantity(), e.iteration());
      PyErr_SetObject(non_finite.ptr(), error.ptr());
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_MemoryError,
                      "the compiled core ran out of memory (std::bad_alloc) while building or factoring "
                      "the linear system; use fewer tau points, compress=True, or another solver "
                      "(solver='lowrank' or 'band' where they apply)");
    }
  });

  py::class_<PenaltyAssembler>(m, "PenaltyAssembler",
                               "Γ from g in stencil storage (entry (i + linear(d), i) at values[o, i]).")
      .def(py::init(&make_assembler), py::arg("model"))
      .def(
          "assemble",
          [](PenaltyAssembler& a, const DArray& g, int iteration) {
            if (g.size() != a.grid().size) throw py::value_error("g has the wrong size");
            py::gil_scoped_release release;
            a.assemble(g.data(), iteration);
          },
          py::arg("g"), py::arg("iteration"))
      .def("reset", &PenaltyAssembler::reset)
      .def_property_readonly("offsets", &offsets_array)
      .def(
          "dissection_order",
          [](const PenaltyAssembler& a) {
            const std::vector<std::int64_t> order = grid_dissection(a.grid(), a.gamma());
            return py::array_t<std::int64_t>(static_cast<py::ssize_t>(order.size()), order.data());
          },
          "The elimination order of Γ's pattern by nested dissection of the grid (the low-rank form's).")
      .def("gamma_csc", &gamma_csc, "Γ as (data, indices, indptr) of the full symmetric CSC matrix.")
      .def_property_readonly("zero_crossing_state", &zero_crossing_state);

  py::class_<SystemDescription>(m, "SystemDescription",
                                "The linear system an Iteration builds; made by the *_system functions.")
      .def_readonly("kind", &SystemDescription::kind)
      .def("__repr__", [](const SystemDescription& d) { return "<SystemDescription " + d.kind + ">"; });
  m.def("dense_system", &dense_system, py::arg("w"), "W + Γ formed and factored dense; w: W (n x n).");
  m.def("band_system", &band_system, py::arg("w"), py::arg("indptr"), py::arg("indices"), py::arg("kd"),
        "W + Γ in LAPACK band storage of half-width kd; W as its CSC (or CSR) arrays, read in place.");
  m.def("repeated_block_band_system", &repeated_block_band_system, py::arg("block"), py::arg("kd"),
        "The band system of W = I ⊗ block (a series of spectra), W never formed.");
  m.def("sparse_system", &sparse_system, py::arg("w"), py::arg("indptr"), py::arg("indices"), py::arg("natural"),
        "W + Γ factored by CHOLMOD; natural: keep the given order (else CHOLMOD's fill-reducing one).");
  m.def("low_rank_system", &low_rank_system, py::arg("w_factors"), py::arg("a"), py::arg("b"), py::arg("rtol"),
        py::arg("max_steps"), py::arg("single_precision") = true,
        "W = ⊗ W_d in low-rank form (W ≈ AᵀA, Y = Aᵀb + r) with a CHOLMOD factor of Γ and CG on\n"
        "the exact W (csrc/core/low_rank.hpp); single_precision: CG solves with the factor rounded\n"
        "to single precision (csrc/linalg/single_factor.hpp).");

  py::class_<Iteration>(m, "Iteration", "The whole iteration in C++ for one linear system.")
      .def(py::init([](const py::object& model, const DArray& y, int maxloop, double conv_limit,
                       const SystemDescription& system) {
             PenaltyAssembler assembler = make_assembler(model);
             auto built = system.build(assembler.grid(), assembler.gamma());
             return Iteration(std::move(assembler), std::move(built), to_vector(y), maxloop, conv_limit);
           }),
           py::arg("model"), py::arg("y"), py::arg("maxloop"), py::arg("conv_limit"), py::arg("system"),
           "system: a SystemDescription (fastilt.compiled.SystemPlan.linear_system).")
      .def("start", [](Iteration& it, const DArray& g0) { it.start(to_vector(g0)); }, py::arg("g0"))
      .def("start_from_solve", &Iteration::start_from_solve, py::call_guard<py::gil_scoped_release>())
      .def(
          "run",
          [](Iteration& it, const py::object& callback) {
            IterationCallback cb = with_gil(callback);
            py::gil_scoped_release release;
            it.run(cb);
          },
          py::arg("callback") = py::none())
      .def(
          "complete",
          [](Iteration& it, const DArray& g, const py::object& callback) {
            it.complete(to_vector(g), with_gil(callback));
          },
          py::arg("g"), py::arg("callback") = py::none())
      .def("release_system", &Iteration::release_system,
           "Free the linear system (its factor) once no more iterations are needed.")
      .def_property_readonly("parallel_parts", &Iteration::parallel_parts,
                             "Parts of one solve that run side by side on free cores (2: a band split in two).")
      .def_property_readonly("finished", &Iteration::finished)
      .def_property_readonly("next_iteration", &Iteration::next_iteration)
      .def_property_readonly("g", [](const Iteration& it) {
        return py::array_t<double>(it.g().size(), it.g().data());
      })
      .def_property_readonly("convergence", [](const Iteration& it) { return it.convergence(); })
      .def_property_readonly("gamma_offsets", [](const Iteration& it) { return offsets_array(it.assembler()); })
      .def("gamma_csc", [](const Iteration& it) { return gamma_csc(it.assembler()); })
      .def_property_readonly("zero_crossing_state",
                             [](const Iteration& it) { return zero_crossing_state(it.assembler()); });

  m.def("invert_batch", &invert_batch_arrays, py::arg("workers"), py::arg("y"), py::arg("coefficients") = py::none(),
        py::arg("g_start") = py::none(), py::arg("progress") = py::none(),
        "Invert every row of y (items x n) with the Iterations `workers`, one thread each, W and\n"
        "the penalty model shared; coefficients: items x k (the low-rank system's b).  Returns\n"
        "(g, convergence, iterations, status); status 1: not positive definite, left to the caller.\n"
        "progress(finished) is called about every 0.1 s.");
}

// pybind11 bindings for fastilt._linalg: argument conversion and GIL
// handling only; the numerics live in cholesky.cpp / cholmod_solver.cpp.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cholesky.hpp"
#include "errors.hpp"
#include "gram.hpp"
#include "matvec.hpp"
#include "row_summary.hpp"
#include "panel_cholesky.hpp"
#include "split_band_cholesky.hpp"
#ifdef FASTILT_HAVE_CHOLMOD
#include "cholmod_solver.hpp"
#include "subtree_split.hpp"
#endif

namespace py = pybind11;
using fastilt::BandCholesky;

namespace {

// Any array-like is converted to float64 by pybind11 (copying only if needed).
using DArray = py::array_t<double, py::array::forcecast>;

// Copy a 2-D array with arbitrary strides into a column-major buffer.
// `symmetric` lets a C-contiguous input be taken as is: its column-major
// view is the transpose, which equals the matrix when it is symmetric.
std::vector<double> to_colmajor(const DArray& a, bool symmetric = false) {
  const py::ssize_t rows = a.shape(0), cols = a.shape(1);
  std::vector<double> out(static_cast<std::size_t>(rows * cols));
  const bool f = a.flags() & py::array::f_style;
  const bool c = a.flags() & py::array::c_style;
  if (f || (symmetric && c)) {
    if (!out.empty()) std::memcpy(out.data(), a.data(), sizeof(double) * out.size());
    return out;
  }
  auto v = a.unchecked<2>();
  for (py::ssize_t j = 0; j < cols; ++j)
    for (py::ssize_t i = 0; i < rows; ++i) out[i + j * rows] = v(i, j);
  return out;
}

// Right-hand side b of shape (n,) or (n, k) -> column-major copy, nrhs.
std::vector<double> rhs_colmajor(const DArray& b, py::ssize_t n, py::ssize_t& nrhs) {
  if (b.ndim() == 1) {
    if (b.shape(0) != n) throw py::value_error("b has length " + std::to_string(b.shape(0)) +
                                               ", expected " + std::to_string(n));
    nrhs = 1;
    auto v = b.unchecked<1>();
    std::vector<double> out(static_cast<std::size_t>(n));
    for (py::ssize_t i = 0; i < n; ++i) out[i] = v(i);
    return out;
  }
  if (b.ndim() == 2) {
    if (b.shape(0) != n) throw py::value_error("b has " + std::to_string(b.shape(0)) +
                                               " rows, expected " + std::to_string(n));
    nrhs = b.shape(1);
    return to_colmajor(b);
  }
  throw py::value_error("b must be 1-D or 2-D");
}

// Hand a column-major solution back with the shape of b.
py::array_t<double> rhs_result(const std::vector<double>& x, const DArray& b) {
  if (b.ndim() == 1) {
    py::array_t<double> out(b.shape(0));
    if (!x.empty()) std::memcpy(out.mutable_data(), x.data(), sizeof(double) * x.size());
    return out;
  }
  // Fortran-ordered (n, k) array: same memory layout as x.
  py::array_t<double, py::array::f_style> out({b.shape(0), b.shape(1)});
  if (!x.empty()) std::memcpy(out.mutable_data(), x.data(), sizeof(double) * x.size());
  return out;
}

py::array_t<double> cholesky_solve_dense(const DArray& a, const DArray& b) {
  if (a.ndim() != 2 || a.shape(0) != a.shape(1)) throw py::value_error("A must be square 2-D");
  const py::ssize_t n = a.shape(0);
  py::ssize_t nrhs = 0;
  std::vector<double> x = rhs_colmajor(b, n, nrhs);
  std::vector<double> work;
  {
    // Heavy part without the GIL: the arrays stay alive via a and b.
    py::gil_scoped_release nogil;
    work = to_colmajor(a, /*symmetric=*/true);
    fastilt::dense_cholesky_factor(work.data(), n);
    fastilt::dense_cholesky_solve(work.data(), n, x.data(), nrhs);
  }
  return rhs_result(x, b);
}

std::unique_ptr<BandCholesky> make_band(const DArray& ab) {
  if (ab.ndim() != 2 || ab.shape(0) < 1) {
    throw py::value_error("ab must be 2-D with shape (kd+1, n)");
  }
  std::vector<double> work = to_colmajor(ab);
  py::gil_scoped_release nogil;
  return std::make_unique<BandCholesky>(work.data(), ab.shape(1), ab.shape(0) - 1);
}

py::array_t<double> band_solve(const BandCholesky& f, const DArray& b) {
  py::ssize_t nrhs = 0;
  std::vector<double> x = rhs_colmajor(b, f.n(), nrhs);
  {
    py::gil_scoped_release nogil;
    f.solve(x.data(), nrhs);
  }
  return rhs_result(x, b);
}

// SplitBandCholesky of a matrix in (kd+1, n) lower band storage; `blocks`
// None: the solver's own choice.
std::unique_ptr<fastilt::SplitBandCholesky> make_split_band(const DArray& ab, const py::object& blocks) {
  if (ab.ndim() != 2 || ab.shape(0) < 1) throw py::value_error("ab must be 2-D with shape (kd+1, n)");
  const std::int64_t kd = ab.shape(0) - 1, n = ab.shape(1);
  const int count = blocks.is_none() ? fastilt::SplitBandCholesky::default_blocks(n, kd) : blocks.cast<int>();
  if (count != 1 && count != 2) throw py::value_error("blocks must be 1, 2 or None, got " + std::to_string(count));
  if (count == 2 && (kd < 1 || n < 3 * kd))
    throw py::value_error("blocks=2 needs kd >= 1 and n >= 3 kd (got n = " + std::to_string(n) +
                          ", kd = " + std::to_string(kd) + ")");
  const std::vector<double> band = to_colmajor(ab);
  py::gil_scoped_release nogil;
  auto f = std::make_unique<fastilt::SplitBandCholesky>(n, kd, count);
  f->factor([&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const auto line = f->begin_line(i);
      // A(i, i + p) ahead is A(i + p, i), entry p of band column i; behind,
      // A(i, i - p) is entry p of band column i - p.
      for (std::int64_t p = 0; p <= kd; ++p) {
        const std::int64_t j = line.direction > 0 ? i : i - p;
        if (j >= 0 && j + p < n) line.values[p] = band[p + j * (kd + 1)];
      }
    }
  });
  return f;
}

py::array_t<double> split_band_solve(const fastilt::SplitBandCholesky& f, const DArray& b) {
  py::ssize_t nrhs = 0;
  std::vector<double> x = rhs_colmajor(b, f.n(), nrhs);
  {
    py::gil_scoped_release nogil;
    for (py::ssize_t k = 0; k < nrhs; ++k) f.solve(x.data() + k * f.n());
  }
  return rhs_result(x, b);
}

#ifdef FASTILT_HAVE_CHOLMOD
using I64Array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
using CArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using fastilt::CholmodSolver;

std::unique_ptr<CholmodSolver> make_cholmod(const I64Array& indptr, const I64Array& indices,
                                            std::int64_t n, const py::object& ordering,
                                            int nthreads) {
  if (indptr.ndim() != 1 || indptr.shape(0) != n + 1) {
    throw py::value_error("indptr must have n + 1 entries");
  }
  const std::int64_t nnz = indptr.at(n);
  if (indices.ndim() != 1 || indices.shape(0) < nnz) {
    throw py::value_error("indices must have at least indptr[n] entries");
  }
  if (py::isinstance<py::str>(ordering)) {
    const auto ord = fastilt::parse_ordering(ordering.cast<std::string>());
    py::gil_scoped_release nogil;  // the symbolic analysis can take a while
    return std::make_unique<CholmodSolver>(n, indptr.data(), indices.data(), ord, nthreads);
  }
  const auto order = ordering.cast<I64Array>();
  if (order.ndim() != 1 || order.shape(0) != n) throw py::value_error("an elimination order must have n entries");
  py::gil_scoped_release nogil;
  return std::make_unique<CholmodSolver>(n, indptr.data(), indices.data(), CholmodSolver::Ordering::Given, nthreads,
                                         order.data());
}

py::array_t<double> one_column(CholmodSolver& s, const DArray& b, void (CholmodSolver::*apply)(double*)) {
  if (b.ndim() != 1 || b.shape(0) != s.n()) throw py::value_error("b must have shape (n,)");
  py::ssize_t nrhs = 0;
  std::vector<double> x = rhs_colmajor(b, s.n(), nrhs);
  {
    py::gil_scoped_release nogil;
    (s.*apply)(x.data());
  }
  return rhs_result(x, b);
}

// The values of a matrix in the solver's pattern: at least nnz of them.
const double* pattern_values(const CholmodSolver& s, const CArray& data) {
  if (data.ndim() != 1 || data.shape(0) < s.nnz())
    throw py::value_error("data must have at least nnz = " + std::to_string(s.nnz()) + " entries");
  return data.data();
}

py::array_t<double> cholmod_solver_solve(CholmodSolver& s, const CArray& data, const DArray& b) {
  const double* values = pattern_values(s, data);
  py::ssize_t nrhs = 0;
  std::vector<double> x = rhs_colmajor(b, s.n(), nrhs);
  {
    py::gil_scoped_release nogil;
    s.solve(values, x.data(), nrhs);
  }
  return rhs_result(x, b);
}
#endif

}  // namespace

PYBIND11_MODULE(_linalg, m) {
  fastilt::use_one_blas_thread_by_default();  // see BlasThreads
  m.doc() = "Compiled Cholesky solvers for fastilt (LAPACK dense/banded, CHOLMOD sparse).";
  // pybind11 sets up its NumPy API (a version check) on the first
  // array it handles: here, at import, as NumPy's own extensions do, not in
  // the first inversion.
  (void)py::array_t<double>(0);

  // NotPositiveDefiniteError derives from numpy.linalg.LinAlgError so that
  // existing `except LinAlgError` code keeps working.
  py::object linalg_error = py::module_::import("numpy.linalg").attr("LinAlgError");
  py::register_exception<fastilt::NotPositiveDefinite>(m, "NotPositiveDefiniteError",
                                                       linalg_error);

  // Which code factors dense systems of up to SMALL_CHOLESKY_MAX unknowns
  // here: fastilt's AVX2/FMA kernel, or LAPACK (see panel_cholesky.hpp).
  m.attr("SMALL_CHOLESKY") = fastilt::small_cholesky_available() ? "avx2 kernel" : "lapack";
  m.attr("SMALL_CHOLESKY_MAX") = fastilt::kSmallCholeskyMax;

  m.def("cholesky_solve_dense", &cholesky_solve_dense, py::arg("A"), py::arg("b"),
        "Solve A x = b for a dense symmetric positive definite A (n, n) by Cholesky\n"
        "(fastilt's AVX2 kernels up to SMALL_CHOLESKY_MAX unknowns, else LAPACK\n"
        "dpotrf/dpotrs). Only one triangle of A is read. b: (n,) or (n, k).\n"
        "Raises NotPositiveDefiniteError if A is not positive definite.");

  m.def(
      "gram",
      [](const DArray& b) {
        if (b.ndim() != 2) throw py::value_error("B must be a 2-D array");
        using FArray = py::array_t<double, py::array::f_style | py::array::forcecast>;
        // A row-major B is Bᵀ in column-major order; anything else is made column-major.
        const bool row_major = b.flags() & py::array::c_style;
        const FArray f = row_major ? FArray(0) : FArray(b);
        const py::ssize_t rows = b.shape(0), cols = b.shape(1);
        const double* data = row_major ? b.data() : f.data();
        const py::ssize_t ld = std::max<py::ssize_t>(row_major ? cols : rows, 1);
        py::array_t<double> out({cols, cols});
        {
          py::gil_scoped_release release;
          fastilt::gram_matrix(data, rows, cols, ld, row_major, out.mutable_data());
        }
        return out;
      },
      py::arg("B"),
      "BᵀB of a dense matrix B (rows, cols): fastilt's AVX2 kernel for a column-major B of\n"
      "up to 128 columns, else BLAS dsyrk on fastilt's BLAS (one thread unless raised).");

  m.def(
      "matvec",
      [](const DArray& a, const py::array_t<double, py::array::c_style | py::array::forcecast>& x) {
        if (a.ndim() != 2 || x.ndim() != 1) throw py::value_error("A must be 2-D and x 1-D");
        const py::ssize_t rows = a.shape(0), cols = a.shape(1);
        if (x.shape(0) != cols)
          throw py::value_error("x has length " + std::to_string(x.shape(0)) + ", expected " + std::to_string(cols));
        using CArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
        // A column-major A is Aᵀ row-major; anything else is made row-major.
        const bool column_major = !(a.flags() & py::array::c_style) && (a.flags() & py::array::f_style);
        const CArray c = column_major ? CArray(0) : CArray(a);
        py::array_t<double> y(rows);
        {
          py::gil_scoped_release release;
          if (column_major)
            fastilt::multiply_transposed(a.data(), cols, rows, std::max<py::ssize_t>(rows, 1), x.data(),
                                         y.mutable_data());
          else
            fastilt::multiply(c.data(), rows, cols, std::max<py::ssize_t>(cols, 1), x.data(), y.mutable_data());
        }
        return y;
      },
      py::arg("A"), py::arg("x"),
      "A x for a dense A (rows, cols) and x (cols,), summed in an order fixed by the shape\n"
      "(fastilt's AVX2 kernels where the CPU has them): no NumPy/BLAS first-call set-up.");

  m.def(
      "row_summary",
      [](const py::array_t<double, py::array::c_style | py::array::forcecast>& a) {
        if (a.ndim() != 2) throw py::value_error("the matrix must be a 2-D array");
        const py::ssize_t rows = a.shape(0), cols = a.shape(1);
        py::array_t<double> row_max(rows), row_min(rows);
        fastilt::RowSummary summary;
        {
          py::gil_scoped_release release;
          summary = fastilt::summarise_rows(a.data(), rows, cols, std::max<py::ssize_t>(cols, 1),
                                            row_max.mutable_data(), row_min.mutable_data());
        }
        return py::make_tuple(summary.finite, summary.nonzeros, row_max, row_min);
      },
      py::arg("K"),
      "(all finite, non-zero count, row maxima, row minima) of a dense matrix in one pass.");

  py::class_<BandCholesky>(m, "BandCholesky",
                           "Cholesky factor of an SPD band matrix (LAPACK dpbtrf), reusable.")
      .def(py::init(&make_band), py::arg("ab"),
           "ab: (kd+1, n) lower band storage, ab[i - j, j] = A[i, j] (as in\n"
           "scipy.linalg.solveh_banded(lower=True)). Raises NotPositiveDefiniteError.")
      .def("solve", &band_solve, py::arg("b"), "Solve A x = b; b: (n,) or (n, k).")
      .def_property_readonly("n", &BandCholesky::n)
      .def_property_readonly("kd", &BandCholesky::kd);

  py::class_<fastilt::SplitBandCholesky>(
      m, "SplitBandCholesky",
      "Cholesky factor of an SPD band matrix, its two halves factored concurrently\n"
      "(nested dissection with a separator of kd rows): the band factor up to rounding.")
      .def(py::init(&make_split_band), py::arg("ab"), py::arg("blocks") = py::none(),
           "ab: (kd+1, n) lower band storage as for BandCholesky; blocks: 1, 2 or None\n"
           "(two from 64 (kd + 1) rows). Raises NotPositiveDefiniteError.")
      .def("solve", &split_band_solve, py::arg("b"), "Solve A x = b; b: (n,) or (n, k).")
      .def_property_readonly("n", &fastilt::SplitBandCholesky::n)
      .def_property_readonly("kd", &fastilt::SplitBandCholesky::kd)
      .def_property_readonly("blocks", &fastilt::SplitBandCholesky::blocks);

  m.def(
      "cholesky_solve_banded",
      [](const DArray& ab, const DArray& b) { return band_solve(*make_band(ab), b); },
      py::arg("ab"), py::arg("b"),
      "Solve A x = b for an SPD band matrix given in (kd+1, n) lower band storage.");

#ifdef FASTILT_HAVE_CHOLMOD
  m.attr("HAVE_CHOLMOD") = true;
  py::class_<CholmodSolver>(
      m, "CholmodSolver",
      "Supernodal sparse Cholesky (CHOLMOD) for a FIXED CSC sparsity pattern.\n\n"
      "The symbolic analysis (ordering + supernodal structure) is done once in\n"
      "the constructor; solve(data, b) refactors numerically for new values.\n"
      "Only the lower triangle (row >= column) of the CSC pattern is used, so the\n"
      "full symmetric matrix may be passed; the pattern must be canonical (sorted\n"
      "row indices, no duplicates: ValueError otherwise). ordering: 'natural', 'amd', 'metis',\n"
      "'nesdis', 'default' (AMD, and METIS too where AMD's fill is poor), or an elimination\n"
      "order (n indices, each once). nthreads > 0 caps the OpenMP threads of CHOLMOD's assembly loops\n"
      "(0: CHOLMOD's built-in 4). The default 1 is fastest: the heavy lifting is\n"
      "done by the (already threaded) BLAS, and extra OpenMP threads only compete\n"
      "with the BLAS threads for cores.")
      .def(py::init(&make_cholmod), py::arg("indptr"), py::arg("indices"), py::arg("n"),
           py::arg("ordering") = "amd", py::arg("nthreads") = 1)
      .def("solve", &cholmod_solver_solve, py::arg("data"), py::arg("b"),
           "Factor the matrix with CSC values `data` and solve A x = b.\n"
           "Raises NotPositiveDefiniteError if A is not positive definite.")
      .def(
          "factor",
          [](CholmodSolver& s, const CArray& data) {
            const double* values = pattern_values(s, data);
            py::gil_scoped_release nogil;
            s.factor(values);
          },
          py::arg("data"), "Factor the matrix with CSC values `data` (CHOLMOD: P A Pᵀ = L Lᵀ, A = M Mᵀ).")
      .def(
          "factor_single",
          [](CholmodSolver& s, const CArray& data) {
            const double* values = pattern_values(s, data);
            py::gil_scoped_release nogil;
            return s.factor_single(values);
          },
          py::arg("data"),
          "Factor in single precision on CHOLMOD's symbolic analysis (csrc/linalg/single_factor.hpp);\n"
          "False where a pivot fails or a value does not fit (call factor() then).")
      .def("round_to_single", &CholmodSolver::round_to_single,
           "Round the factor to single precision (csrc/linalg/single_factor.hpp); False where a value\n"
           "does not fit.")
      .def(
          "forward", [](CholmodSolver& s, const DArray& b) { return one_column(s, b, &CholmodSolver::forward); },
          py::arg("b"), "M⁻¹ b for one right-hand side (the single-precision copy after round_to_single()).")
      .def(
          "backward", [](CholmodSolver& s, const DArray& b) { return one_column(s, b, &CholmodSolver::backward); },
          py::arg("b"), "M⁻ᵀ b for one right-hand side (the single-precision copy after round_to_single()).")
      .def(
          "forward_in_blocks",
          [](CholmodSolver& s, const DArray& b, std::int64_t columns) {
            py::ssize_t nrhs = 0;
            std::vector<double> x = rhs_colmajor(b, s.n(), nrhs);
            {
              py::gil_scoped_release nogil;
              s.forward_in_blocks(x.data(), nrhs, columns);
            }
            return rhs_result(x, b);
          },
          py::arg("b"), py::arg("columns"), "M⁻¹ B by CHOLMOD's own solves, `columns` columns at a time.")
      .def_property_readonly("n", &CholmodSolver::n)
      .def_property_readonly("nnz", &CholmodSolver::nnz)
      .def_property_readonly("factor_nnz", &CholmodSolver::factor_nnz)
      .def_property_readonly("is_supernodal", &CholmodSolver::is_supernodal)
      .def_property("nthreads", &CholmodSolver::nthreads, &CholmodSolver::set_nthreads)
      .def_property("split_solve_entries", &CholmodSolver::split_solve_entries,
                    &CholmodSolver::set_split_solve_entries,
                    "Entries of the single-precision factor from which forward() and backward() go through\n"
                    "two groups of subtrees on two cores (the same results on one); takes effect with the\n"
                    "next round_to_single() or factor_single().");

  m.def(
      "split_subtrees",
      [](const std::vector<std::int64_t>& parent, const std::vector<double>& work) {
        if (parent.size() != work.size()) throw py::value_error("parent and work must have the same length");
        for (std::size_t s = 0; s < parent.size(); ++s)
          if (parent[s] != -1 && (parent[s] <= static_cast<std::int64_t>(s) ||
                                  parent[s] >= static_cast<std::int64_t>(parent.size())))
            throw py::value_error("parent[s] must be -1 or a later supernode");
        return fastilt::split_subtrees(parent, work).owner;
      },
      py::arg("parent"), py::arg("work"),
      "The two groups of subtrees that factor_single() factors side by side\n"
      "(csrc/linalg/subtree_split.hpp): for each supernode 0, 1 or 2 (above both groups).\n"
      "parent[s]: -1 or a later supernode; work[s]: its own cost.");
#else
  m.attr("HAVE_CHOLMOD") = false;
#endif
}

// pybind11 bindings for fastilt._core: conversion of the penalty model and
// arrays, GIL handling and the progress callback only; the numerics live in
// penalty.cpp, normal_equations.cpp and iteration.cpp.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../linalg/errors.hpp"
#include "iteration.hpp"
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
  Schedule s;
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

py::array_t<double> values_array(const PenaltyAssembler& a) {
  const auto& values = a.gamma().values;
  const auto n = static_cast<py::ssize_t>(a.grid().size);
  py::array_t<double> out({static_cast<py::ssize_t>(values.size()) / n, n});
  std::copy(values.begin(), values.end(), out.mutable_data());
  return out;
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

NormalEquations make_system(const PenaltyAssembler& assembler, const std::string& layout,
                            const py::object& w, std::int64_t kd, const py::object& indptr,
                            const py::object& indices, bool natural) {
  const Grid& grid = assembler.grid();
  if (layout == "dense") return NormalEquations::dense(grid, assembler.gamma(), to_vector(w));
  if (layout == "band") return NormalEquations::band(grid, assembler.gamma(), to_vector(w), kd);
  if (layout == "sparse")
    return NormalEquations::sparse(grid, assembler.gamma(), to_ivector(indptr), to_ivector(indices),
                                   to_vector(w), natural);
  throw py::value_error("layout must be 'dense', 'band' or 'sparse', got '" + layout + "'");
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "fastilt's compiled core: assembly of Γ and the iteration loop.";
  m.attr("HAVE_CHOLMOD") = have_cholmod();

  // Share the exception class of fastilt._linalg (a numpy LinAlgError).
  static py::object not_pd = py::module_::import("fastilt._linalg").attr("NotPositiveDefiniteError");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const NotPositiveDefinite& e) {
      PyErr_SetString(not_pd.ptr(), e.what());
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
      .def_property_readonly("values", &values_array)
      .def_property_readonly("zero_crossing_state", &zero_crossing_state);

  py::class_<Iteration>(m, "Iteration", "The whole iteration in C++ for one system layout.")
      .def(py::init([](const py::object& model, const std::string& layout, const py::object& w,
                       const DArray& y, int maxloop, double conv_limit, std::int64_t kd,
                       const py::object& indptr, const py::object& indices, bool natural) {
             PenaltyAssembler assembler = make_assembler(model);
             NormalEquations system = make_system(assembler, layout, w, kd, indptr, indices, natural);
             return Iteration(std::move(assembler), std::move(system), to_vector(y), maxloop, conv_limit);
           }),
           py::arg("model"), py::arg("layout"), py::arg("w"), py::arg("y"), py::arg("maxloop"),
           py::arg("conv_limit"), py::arg("kd") = 0, py::arg("indptr") = py::none(),
           py::arg("indices") = py::none(), py::arg("natural") = true)
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
      .def_property_readonly("finished", &Iteration::finished)
      .def_property_readonly("next_iteration", &Iteration::next_iteration)
      .def_property_readonly("g", [](const Iteration& it) {
        return py::array_t<double>(it.g().size(), it.g().data());
      })
      .def_property_readonly("convergence", [](const Iteration& it) { return it.convergence(); })
      .def_property_readonly("gamma_offsets", [](const Iteration& it) { return offsets_array(it.assembler()); })
      .def_property_readonly("gamma_values", [](const Iteration& it) { return values_array(it.assembler()); })
      .def_property_readonly("zero_crossing_state",
                             [](const Iteration& it) { return zero_crossing_state(it.assembler()); })
      .def_property_readonly("bandwidth", [](const Iteration& it) { return it.system().bandwidth(); });
}

#include "panels.hpp"

#include <algorithm>

namespace fastilt {

using Index = std::int64_t;

void to_panels(const float* block, Index columns, Index rows, float* panel) {
  const Index blocks = blocks_of(rows);
  Index j = 0;
  for (; j + kPanelColumns <= columns; j += kPanelColumns)
    for (Index b = j / kPanelColumns; b < blocks; ++b)
      for (Index k = 0; k < kPanelColumns; ++k)
        for (Index r = 0; r < kPanelColumns; ++r, ++panel) {
          const Index i = b * kPanelColumns + r;
          *panel = i < rows && i >= j + k ? block[(j + k) * rows + i] : 0.0f;
        }
  for (; j < columns; ++j) panel = std::copy(block + j * rows + j, block + (j + 1) * rows, panel);
}

void dense_to_panels(const double* z, Index n, Index k, float* panels) {
  const Index blocks = blocks_of(n);
  for (Index g = 0; g < blocks_of(k); ++g)
    for (Index b = 0; b < blocks; ++b)
      for (Index c = 0; c < kPanelColumns; ++c)
        for (Index r = 0; r < kPanelColumns; ++r, ++panels) {
          const Index i = b * kPanelColumns + r, j = g * kPanelColumns + c;
          *panels = i < n && j < k ? static_cast<float>(z[j * n + i]) : 0.0f;
        }
}

namespace {

template <typename Loops>
__attribute__((always_inline)) inline void subtract_transposed_product_with(const float* panels, Index n, Index k,
                                                                            const double* x, double* y) {
  const Index blocks = blocks_of(n);
  for (Index g = 0; g < blocks_of(k); ++g, panels += blocks * kBlockValues, y += kPanelColumns) {
    double sums[kPanelColumns];
    Loops::dot4(panels, blocks, x, sums);
    for (Index c = 0; c < kPanelColumns; ++c) y[c] -= sums[c];
  }
}

// x -= Σ_c z_c (−s_c), four columns a pass over x.
template <typename Loops>
__attribute__((always_inline)) inline void add_product_with(const float* panels, Index n, Index k, const double* s,
                                                            double* x) {
  const Index blocks = blocks_of(n);
  for (Index g = 0; g < blocks_of(k); ++g, panels += blocks * kBlockValues, s += kPanelColumns) {
    const double minus_s[kPanelColumns] = {-s[0], -s[1], -s[2], -s[3]};
    Loops::subtract4(panels, blocks, minus_s, x);
  }
}

#ifdef FASTILT_HAVE_AVX2_KERNELS
__attribute__((target("avx2,fma"))) void subtract_transposed_product_avx2(const float* panels, Index n, Index k,
                                                                          const double* x, double* y) {
  subtract_transposed_product_with<Avx2PanelLoops>(panels, n, k, x, y);
}
__attribute__((target("avx2,fma"))) void add_product_avx2(const float* panels, Index n, Index k, const double* s,
                                                          double* x) {
  add_product_with<Avx2PanelLoops>(panels, n, k, s, x);
}
#endif

// The products this CPU runs.
struct Products {
  void (*subtract_transposed)(const float*, Index, Index, const double*, double*);
  void (*add)(const float*, Index, Index, const double*, double*);
};
const Products& products() {
  static const Products chosen = [] {
#ifdef FASTILT_HAVE_AVX2_KERNELS
    if (avx2_fma_available()) return Products{subtract_transposed_product_avx2, add_product_avx2};
#endif
    return Products{subtract_transposed_product_with<PlainPanelLoops>, add_product_with<PlainPanelLoops>};
  }();
  return chosen;
}

}  // namespace

void subtract_transposed_product(const float* panels, Index n, Index k, const double* x, double* y) {
  products().subtract_transposed(panels, n, k, x, y);
}

void add_product(const float* panels, Index n, Index k, const double* s, double* x) {
  products().add(panels, n, k, s, x);
}

}  // namespace fastilt

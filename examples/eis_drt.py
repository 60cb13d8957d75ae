"""Distribution of relaxation times (DRT) of a lithium-ion battery impedance spectrum
==================================================================================

Data: ``data/eis_pydrttools_lib`` - 107 frequencies, 1 kHz - 5 mHz, the "LIB_data"
example of ciuccislab/pyDRTtools (MIT, (c) 2023 ciuccislab; see SOURCE.md).

Model: ``Z(f) = R_inf + i 2 pi f L + ∫ gamma(tau) / (1 + 2 pi i f tau) dtau``.  The real
and the imaginary part are inverted separately with the built-in RealRcKernel
and ImagRcKernel, with non-negativity (``nn``; a passive RC network has
gamma >= 0).  For Kramers-Kronig-consistent data the two DRTs agree; where they
differ (here the low-frequency diffusion tail, which is not a finite set of RC
elements) the DRT is not reliable.

Steps:

1. **noise**: EIS has no replicate channel, so the noise sd is estimated with a
   linear Kramers-Kronig fit (Lin-KK, Schönleber et al., Electrochim. Acta 131
   (2014) 20): R_inf, an inductance and N/3 RC elements with log-spaced time
   constants fitted to Re and Im by linear least squares; the residual sd is the
   noise level of a KK-consistent spectrum (0.04 % of ``|Z|`` here);
2. **real part** (all 107 points; an inductance has no real part): RealRcKernel
   with a static baseline (``sb``) for R_inf;
3. **inductance**: the highest frequencies are inductive (Im Z > 0: cables, cell
   winding).  L is the least-squares fit of ``Im Z - Im(DRT of the real part)``
   by ``2 pi f L``; ``i 2 pi f L`` is then removed from the data;
4. **imaginary part** of the corrected spectrum: ImagRcKernel.

Run: ``python examples/eis_drt.py [--quick]``.
"""

import numpy as np

import _gallery as gallery
import fastilt as ilt

DATASET = "eis_pydrttools_lib"


def lin_kk_noise_sd(freq, z):
    """Residual sd of a linear Kramers-Kronig fit of the complex impedance ``z``."""
    omega = 2 * np.pi * freq
    n = freq.size
    time_constants = np.logspace(-np.log10(freq.max()) - 0.5, -np.log10(freq.min()) + 0.5, n // 3) / (2 * np.pi)
    rc = 1 / (1 + 1j * omega[:, None] * time_constants[None, :])
    design = np.vstack([
        np.column_stack([np.ones(n), np.zeros(n), rc.real]),  # R_inf, inductance, RC elements
        np.column_stack([np.zeros(n), omega, rc.imag]),
    ])
    target = np.concatenate([z.real, z.imag])
    coefficients = np.linalg.lstsq(design, target, rcond=None)[0]
    residual = target - design @ coefficients
    return float(np.sqrt(np.sum(residual**2) / (target.size - design.shape[1])))


def prepare(quick=False):
    """Load, noise-scale and initialise, without inverting.

    Returns (freq, z, omega, sd, tau, real), the IltData last.
    """
    freq = gallery.load(DATASET, "freq.txt")  # Hz
    z = gallery.load(DATASET, "z_real.txt") + 1j * gallery.load(DATASET, "z_imag.txt")  # ohm
    omega = 2 * np.pi * freq
    sd = lin_kk_noise_sd(freq, z)
    print(f"noise sd (Lin-KK) {sd:.2e} ohm")

    tau = np.logspace(np.log10(1 / omega.max()) - 1, np.log10(1 / omega.min()) + 1,
                      40 if quick else 100)  # s
    real = ilt.iltload(data=z.real / sd, f=freq)
    real.init(tau, ilt.RealRcKernel(), parameters={"nn": True, "sb": True})
    return freq, z, omega, sd, tau, real


def main(argv=None):
    args = gallery.parse_args(__doc__, argv)
    import matplotlib.pyplot as plt
    freq, z, omega, sd, tau, real = prepare(args.quick)
    real.invert(verbose=0)
    gamma_real, r_inf = real.g[:-1] * sd, real.g[-1] * sd

    imag_of_real_drt = ilt.ImagRcKernel().kernel(freq[None, :], tau[:, None]).T @ gamma_real
    inductance = float(np.dot(omega, z.imag - imag_of_real_drt) / np.dot(omega, omega))
    z_corrected = z - 1j * omega * inductance
    imag = ilt.iltload(data=z_corrected.imag / sd, f=freq)
    imag.init(tau, ilt.ImagRcKernel(), parameters={"nn": True})
    imag.invert(verbose=0)
    gamma_imag = imag.g * sd  # ohm per grid point
    print("real part:      " + gallery.residual_summary(real))
    print("imaginary part: " + gallery.residual_summary(imag))
    print(f"R_inf {r_inf * 1e3:.2f} mohm; L {inductance * 1e6:.3f} uH; polarisation resistance "
          f"(sum of gamma): {gamma_real.sum() * 1e3:.2f} mohm (real), {gamma_imag.sum() * 1e3:.2f} mohm (imag)")

    # ------------------------------------------------------------------ figure
    mohm = 1e3
    fig = plt.figure(figsize=(11, 4.8), layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[1, 1.5], height_ratios=[3, 1])
    ax_nyq = fig.add_subplot(grid[:, 0])
    ax_drt = fig.add_subplot(grid[0, 1])
    ax_res = fig.add_subplot(grid[1, 1], sharex=ax_drt)

    ax_nyq.plot(z.real * mohm, -z.imag * mohm, "o", ms=3.5, mfc="none", color="0.2", label="data")
    ax_nyq.plot(real.fit * sd * mohm, -(imag.fit * sd + omega * inductance) * mohm, color="tab:red", lw=1.4,
                label=f"DRT fits (+ L = {inductance * 1e6:.2f} µH)")
    ax_nyq.set_aspect("equal", adjustable="datalim")
    ax_nyq.set_xlabel(r"Re Z (m$\Omega$)")
    ax_nyq.set_ylabel(r"$-$Im Z (m$\Omega$)")
    ax_nyq.set_title("Nyquist plot")
    ax_nyq.legend(frameon=False, fontsize=8, loc="upper left")

    ax_drt.plot(tau, gamma_real * mohm, color="tab:blue", lw=1.8, label=f"from Re Z (R$_\\infty$ = {r_inf * mohm:.1f} m$\\Omega$)")
    ax_drt.plot(tau, gamma_imag * mohm, color="tab:green", lw=1.8, ls="--", label="from Im Z (inductance removed)")
    ax_drt.set_xscale("log")
    ax_drt.set_ylabel(r"$\gamma$ (m$\Omega$ per grid point)")
    ax_drt.set_title("distribution of relaxation times")
    ax_drt.legend(frameon=False, fontsize=8, loc="upper left")
    ax_drt.tick_params(labelbottom=False)

    ax_res.plot(1 / omega, real.residuals, "o", ms=3, color="tab:blue", label="Re")
    ax_res.plot(1 / omega, imag.residuals, "s", ms=3, mfc="none", color="tab:green", label="Im")
    ax_res.axhline(0, color="0.5", lw=0.8)
    ax_res.set_xlabel(r"$\tau$ (s)   [residuals at $\tau = 1/(2\pi f)$]")
    ax_res.set_ylabel("residual / sd")
    ax_res.legend(frameon=False, fontsize=7, ncol=2, loc="lower left")
    for ax in (ax_nyq, ax_drt, ax_res):
        ax.grid(True, ls=":", lw=0.5)
    fig.suptitle("Li-ion battery EIS (pyDRTtools LIB_data): DRT with fastilt")

    png = gallery.save_figure(fig, args.outdir, "eis_drt", show=args.show)
    return {"iltdata": imag, "iltdata_real": real, "png": png, "r_inf": r_inf}


if __name__ == "__main__":
    main()

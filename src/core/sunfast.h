/* Faster building blocks for CVODE on small stiff systems, plugged in through SUNDIALS' own
 * extension points (a custom SUNLinearSolver and the N_Vector operations table).
 *
 * Why: Debian 12's SUNDIALS 6.4.1 libraries are compiled without optimisation (their
 * disassembly spills every variable to the stack), and the package has no LAPACK band solver.
 * On the healing course (288 unknowns, half-bandwidth 12) the band LU, the band-matrix and
 * serial-vector kernels of that build were two thirds of each virtual patient's time (callgrind,
 * BENCHMARKS.md). The band solver here factorises as LAPACK's dgbtrf does (its unblocked
 * dgbtf2, operation for operation, so the factors are LAPACK's) on the SUNBandMatrix storage
 * itself (SUNDIALS' band storage is LAPACK's, fill rows included), as SUNDIALS' own
 * SUNLinSol_LapackBand does, but in loops the compiler vectorises instead of a BLAS call per
 * column; the vector kernels are the serial ones, compiled with the project's flags and cloned
 * for AVX2 and AVX-512 (no contraction: the same bits). Results agree with SUNDIALS' to
 * rounding and with dgbtrf's factors (tests/core). */
#ifndef MN_SUNFAST_H
#define MN_SUNFAST_H

#include <nvector/nvector_serial.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_matrix.h>

/* A direct linear solver for a SUNBandMatrix whose storage upper bandwidth is mu + ml (as
 * SUNBandMatrix(n, mu, ml) makes it); NULL when out of memory or the matrix is not banded. */
SUNLinearSolver mn_sunfast_band_solver(N_Vector y, SUNMatrix a, SUNContext ctx);

/* Replaces the zero, copy, scale-add-identity and clone operations of band matrix a (and of its
 * clones, such as CVODE's saved Jacobian) by optimised ones. Returns 0, or -1 if not banded. */
int mn_sunfast_band_matrix(SUNMatrix a);

/* Replaces the operations of serial vector v (and of every vector CVODE clones from it) by
 * optimised kernels, fused operations included. Returns 0, or -1 if v is not serial. */
int mn_sunfast_vector(N_Vector v);

#endif

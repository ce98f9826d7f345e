// OpenBLAS's CBLAS interface (libopenblas-dev).
#ifndef RECUR_CBLAS_SHIM_H
#define RECUR_CBLAS_SHIM_H
#include <cblas.h>

// LAPACK's Householder QR, which OpenBLAS builds in (Fortran calling convention, column-major).
// Declared here because Debian ships lapacke.h in a separate package.
void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau, double *work, const int *lwork, int *info);
void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda, const double *tau, double *work,
             const int *lwork, int *info);
#endif

// OpenBLAS's CBLAS interface (libopenblas-dev).
#ifndef RECUR_CBLAS_SHIM_H
#define RECUR_CBLAS_SHIM_H
#include <cblas.h>
#endif

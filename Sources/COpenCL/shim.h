// The OpenCL ICD loader (ocl-icd-opencl-dev, opencl-headers) and CLBlast's C API (libclblast-dev).
#ifndef RECUR_COPENCL_SHIM_H
#define RECUR_COPENCL_SHIM_H
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <clblast_c.h>
#endif

// zlib (zlib1g-dev): streaming gzip decompression for dataset archives. Named CSystemZlib, not
// CZlib, because ZIPFoundation ships a module called CZlib and two modules may not share a name.
#ifndef RECUR_CZLIB_SHIM_H
#define RECUR_CZLIB_SHIM_H
#include <zlib.h>
#endif

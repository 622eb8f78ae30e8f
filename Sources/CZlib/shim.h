#ifndef EARSHOT_CZLIB_SHIM_H
#define EARSHOT_CZLIB_SHIM_H

#include <zlib.h>

/* deflateInit2 is a macro, which Swift cannot call: a gzip-wrapped (window bits 15 + 16) stream. */
static inline int earshot_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

#endif

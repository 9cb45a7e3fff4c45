/* hex: lowercase hexadecimal encoding of bytes. */
#ifndef CERBERUS_HEX_H
#define CERBERUS_HEX_H

#include <stddef.h>

/* Write 2*n hex digits and a NUL to out (which holds 2*n + 1 bytes). */
void hex_encode(const unsigned char *p, size_t n, char *out);

#endif

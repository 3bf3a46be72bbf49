/* ndpi-override.h: the portable version behind NDPI_BITMASK_COMPARE
 * (ndpi-override.c), named so that test_ndpi_override checks it against
 * the library's even where the CPU takes the AVX2 one. */
#ifndef SW_NDPI_OVERRIDE_H
#define SW_NDPI_OVERRIDE_H

#include <ndpi_api.h>

int sw_bitmask_any_base(NDPI_PROTOCOL_BITMASK a, NDPI_PROTOCOL_BITMASK b);

#endif

/* ndpi-override.h: the versions behind NDPI_BITMASK_COMPARE
 * (ndpi-override.c), named so that test_ndpi_override can check each one
 * against the library's whatever the CPU would pick. */
#ifndef SW_NDPI_OVERRIDE_H
#define SW_NDPI_OVERRIDE_H

#include <ndpi_api.h>

int sw_bitmask_any_base(NDPI_PROTOCOL_BITMASK a, NDPI_PROTOCOL_BITMASK b);
#if defined(__x86_64__) && defined(__GNUC__)
/* callable only where __builtin_cpu_supports("avx2") */
int sw_bitmask_any_avx2(NDPI_PROTOCOL_BITMASK a, NDPI_PROTOCOL_BITMASK b);
#endif

#endif

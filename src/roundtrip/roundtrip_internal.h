/*
 * roundtrip_internal.h: what src/roundtrip/ files share.
 */
#ifndef MIGCHECK_ROUNDTRIP_INTERNAL_H
#define MIGCHECK_ROUNDTRIP_INTERNAL_H

#include "migcheck/roundtrip.h"

#endif

/* The device block of a scenario: a model from the cited device table (data/devices.csv),
 * explicit geometry, or both (explicit keys override the model's values), with documented
 * defaults for everything but the type and the depth. */
#ifndef MN_MODEL_DEVICE_H
#define MN_MODEL_DEVICE_H

#include "model/model.h"
#include "model/ydoc.h"

/* Accepted ranges (mm, Hz, mm/s): the pack's devices span needle lengths 0.2–3 mm, pens
 * 50–150 strokes/s (literature/devices.csv). The margins only keep the numerics sane. */
#define MN_DEVICE_DEPTH_MIN_MM 0.05
#define MN_DEVICE_DEPTH_MAX_MM 3.0
#define MN_DEVICE_FREQ_MIN_HZ 1.0
#define MN_DEVICE_FREQ_MAX_HZ 300.0
#define MN_DEVICE_SPEED_MIN_MM_S 1.0
#define MN_DEVICE_SPEED_MAX_MM_S 200.0
#define MN_DEVICE_PASSES_MAX 50

mn_status mn_device_parse(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                          mn_device_spec *out);

/* A set depth must lie within the device's dial range (pens) or be its needle length. */
mn_status mn_device_check_depth(const mn_ydoc *doc, const mn_ynode *at, const char *path,
                                const mn_device_spec *d, double depth_um);

const char *mn_device_type_name(mn_device_type t);

#endif

/* The appointment of one session: numbing time (by depth), the needling of the whole zone
 * (from the device kinematics and the zone's area, needling/needling.h), aftercare, the total
 * chair time, and the pain a patient may expect (0-10, by depth or RF, and zone). Values and
 * sources: data/plan_limits.csv (numbing, aftercare) and data/pain.csv. */
#ifndef MN_CLINIC_APPOINTMENT_H
#define MN_CLINIC_APPOINTMENT_H

#include <stdbool.h>

#include "mnsim/status.h"

typedef struct mn_appointment {
    double numbing_min;   /* topical anaesthetic on the skin before needling */
    int numbing_optional; /* set depth at or below the depth where numbing is usually skipped */
    double needling_min;  /* the whole zone, all passes */
    double aftercare_min;
    double chair_min; /* the sum */
    double pain;      /* expected VAS 0-10 with numbing (where used) */
    char pain_text[256];
} mn_appointment;

/* zone_needling_min < 0 (unknown) counts as 0 and says so in nothing: callers pass the
 * simulated value. rf: an RF microneedling session (its own pain row; numbing never optional). */
mn_status mn_clinic_appointment(const char *zone, double depth_mm, bool rf,
                                double zone_needling_min, mn_appointment *out);

/* Expected pain (VAS 0-10) at a set depth in a zone (data/pain.csv); for RF microneedling the
 * RF studies' value replaces the needling depth curve. */
mn_status mn_clinic_pain(const char *zone, double depth_mm, bool rf, double *vas);

#endif

/* The public clinic entry points (include/mnsim/clinic.h): the clinic stage's screening and
 * planner with the run layer's simulator (run/predict.h), serialised to JSON text. */
#include "mnsim/clinic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clinic/plan.h"
#include "clinic/screen.h"
#include "core/error.h"
#include "model/patient.h"
#include "run/predict.h"

void mn_free(void *p)
{
    free(p);
}

/* Prints root into *json (malloc'd: mn_free), deleting root. */
static mn_status print_json(cJSON *root, char **json)
{
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return mn_error_set(MN_ENOMEM, "out of memory printing JSON");
    *json = strdup(text); /* cJSON's allocator may differ from malloc: hand out a malloc copy */
    cJSON_free(text);
    if (!*json)
        return mn_error_set(MN_ENOMEM, "out of memory printing JSON");
    return MN_OK;
}

mn_status mn_screen_file(const char *patient_path, char **json)
{
    mn_patient p;
    mn_screening *s = NULL;
    cJSON *root = NULL;
    *json = NULL;
    if (!patient_path)
        return mn_error_set(MN_EUSAGE, "mn_screen_file: no patient file");
    MN_TRY(mn_patient_load(patient_path, &p));
    MN_TRY(mn_clinic_screen(&p, &s));
    mn_status st = mn_clinic_screening_json(s, &root);
    mn_screening_free(s);
    MN_TRY(st);
    return print_json(root, json);
}

mn_status mn_plan_file(const char *patient_path, const mn_plan_options *opt, char **json)
{
    enum { ZONES_CAP = MN_PLAN_ZONE_CAP };
    char buf[1024];
    const char *zones[ZONES_CAP];
    size_t nz = 0;
    mn_patient patient;
    mn_plan *plan = NULL;
    cJSON *root = NULL;
    *json = NULL;
    if (!patient_path || !opt || !opt->concern || !opt->zones || !*opt->zones)
        return mn_error_set(MN_EUSAGE, "mn_plan_file: expected a patient file, a concern and "
                                       "zones");
    if (strlen(opt->zones) >= sizeof buf)
        return mn_error_set(MN_EINPUT, "zones: list too long (expected at most %d zones)",
                            ZONES_CAP);
    snprintf(buf, sizeof buf, "%s", opt->zones);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (nz == ZONES_CAP)
            return mn_error_set(MN_EINPUT, "zones: more than %d zones", ZONES_CAP);
        zones[nz++] = t;
    }
    MN_TRY(mn_patient_load(patient_path, &patient));
    mn_plan_request req = {.patient = &patient,
                           .concern = opt->concern,
                           .zones = zones,
                           .n_zones = nz,
                           .max_downtime_days = opt->max_downtime_days,
                           .base = NULL,
                           .predict = mn_run_predict,
                           .predict_ctx = NULL};
    MN_TRY(mn_clinic_plan(&req, &plan));
    mn_status st = mn_clinic_plan_json(plan, &root);
    mn_plan_free(plan);
    MN_TRY(st);
    return print_json(root, json);
}

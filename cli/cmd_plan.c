/* mnsim plan PATIENT.yaml --concern NAME --zones Z1,Z2 [--severity S] [--max-downtime-days D]
 * [--max-sessions N] [--device D] [--setting clinic|home] [--json] [--handout] [-o DIR]
 * [--force] | --list: a plan per zone from the cited guidance, limited by anatomy, screening,
 * the patient's limits and risks, ranked by the simulator (mn_plan_patient_file of
 * <mnsim/clinic.h>). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <mnsim/clinic.h>

#include "cli.h"

static void help(FILE *out)
{
    fprintf(
        out,
        "Usage: mnsim plan PATIENT.yaml --concern NAME --zones Z1,Z2 [--severity S]\n"
        "                  [--max-downtime-days D] [--max-sessions N] [--device D]\n"
        "                  [--setting clinic|home] [--json] [--handout] [-o DIR] [--force]\n"
        "       mnsim plan --list\n\n"
        "Screens the patient, then for each zone simulates candidate treatments over device\n"
        "(pen, roller, stamp, RF), depth, passes, sessions and interval from the cited guidance\n"
        "(data/guidance.csv; sessions by severity, data/severity.csv), keeps those whose reach\n"
        "stays within 0.63 of this patient's dermis (data/plan_limits.csv) and whose downtime,\n"
        "sessions and risks stay within the limits, and picks the best predicted outcome.\n"
        "Shows the appointment (numbing, needling, aftercare), the expected pain and, where\n"
        "patients ask, other treatments (data/modalities.csv).\n"
        "It supports and does not replace the practitioner's judgement.\n\n"
        "  --concern NAME           indication (mnsim plan --list)\n"
        "  --zones Z1,Z2            zones of data/sites.csv (mnsim sites)\n"
        "  --severity S             mild | moderate | severe, or a number on the concern's\n"
        "                           scale (data/severity.csv); moves the sessions considered\n"
        "  --max-downtime-days D    longest total downtime accepted over the course\n"
        "  --max-sessions N         budget of appointments for the course\n"
        "  --device D               pen | roller | stamp | rf | any (default any; rf where\n"
        "                           the concern's cited guidance has RF: laxity, acne scars,\n"
        "                           active acne, rosacea, hyperhidrosis)\n"
        "  --setting S              clinic (default) or home (vendors' 1.0 mm home maximum)\n"
        "  --json                   print the plan as JSON, with every simulated candidate\n"
        "  --handout                write handout.md and handout.html for the patient (a\n"
        "                           referral note instead when the patient must not be\n"
        "                           treated or must wait)\n"
        "  -o DIR                   folder for the handout (default: current folder)\n"
        "  --force                  overwrite an existing handout\n"
        "  --list                   print the known concerns\n\n"
        "Exit status: 0 for any plan or decision, 1 runtime failure, 2 bad usage or input.\n");
}

/* Other treatments patients ask about, for this concern (data/modalities.csv). */
static void print_modalities(const char *concern)
{
    char *text = NULL;
    cJSON *arr = NULL, *m;
    if (mn_plan_modalities_json(concern, &text) == MN_OK)
        arr = cJSON_Parse(text);
    mn_free(text);
    if (!cJSON_GetArraySize(arr)) {
        cJSON_Delete(arr);
        return;
    }
    printf("\nOther treatments patients ask about (per session; PIH by Fitzpatrick I-III / "
           "IV-VI):\n");
    cJSON_ArrayForEach(m, arr)
    {
        const cJSON *dt = cJSON_GetObjectItemCaseSensitive(m, "downtime_days");
        const cJSON *se = cJSON_GetObjectItemCaseSensitive(m, "sessions");
        const cJSON *pih = cJSON_GetObjectItemCaseSensitive(m, "pih");
        printf("  %-44s downtime %2.0f-%-2.0f d, PIH %s / %s",
               cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "modality")),
               cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(dt, "min")),
               cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(dt, "max")),
               cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(pih, "fitzpatrick_1_3")),
               cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(pih, "fitzpatrick_4_6")));
        if (cJSON_IsObject(se))
            printf(", %.0f-%.0f sessions",
                   cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(se, "min")),
                   cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(se, "max")));
        printf("\n");
    }
    printf("  (sources: data/modalities.csv; mnsim plan --json lists them)\n");
    cJSON_Delete(arr);
}

static void print_plan(const char *file, const mn_plan_result *p)
{
    mn_plan_header h;
    const mn_screen_result *scr = NULL;
    const char *decision = "";
    size_t nf = 0;
    mn_plan_result_header(p, &h);
    mn_plan_result_screening(p, &scr);
    mn_screen_result_decision(scr, &decision);
    mn_screen_result_finding_count(scr, &nf);
    printf("Plan for %s: %s%s%s\nScreening decision: %s\nObjective: %s\n", file, h.concern,
           h.severity[0] ? ", " : "", h.severity, decision, h.objective);
    for (size_t i = 0; i < nf; i++) {
        mn_screen_finding f;
        if (mn_screen_result_finding(scr, i, &f) == MN_OK)
            printf("  [%s] %s: %s\n", f.severity, f.id, f.advice);
    }
    for (size_t i = 0; i < h.zones; i++) {
        mn_plan_zone_info z;
        if (mn_plan_result_zone(p, i, &z) != MN_OK)
            break;
        printf("\n== %s ==\n", z.zone);
        if (!z.planned) {
            printf("  no plan: %s\n", z.why_not);
            continue;
        }
        printf("  device     %s\n", z.device);
        printf("  depth      %.2f mm, titrate to %.2f mm (deepest allowed %.2f mm; reach limit "
               "%.0f um)\n",
               z.depth_mm_min, z.depth_mm_max, z.depth_limit_mm, z.reach_limit_um);
        if (z.sessions == 1)
            printf("  passes     %d\n  schedule   1 session", z.passes);
        else
            printf("  passes     %d\n  schedule   %d sessions every %.0f days", z.passes,
                   z.sessions, z.interval_days);
        if (z.maintenance_days > 0)
            printf(", maintenance every %.0f days or more", z.maintenance_days);
        printf("\n  endpoint   %s\n", z.endpoint);
        printf("  predicted  collagen %+.1f / %+.1f / %+.1f / %+.1f %% at day 30/90/180/365; "
               "downtime %.1f d in all\n",
               z.predicted_collagen_change_percent[0], z.predicted_collagen_change_percent[1],
               z.predicted_collagen_change_percent[2], z.predicted_collagen_change_percent[3],
               z.predicted_downtime_days_total);
        printf("  appointment %.0f min in the chair: numbing %.0f min%s, needling %.0f min, "
               "aftercare %.0f min\n",
               z.chair_minutes, z.numbing_minutes,
               z.numbing_optional ? " (optional at this depth)" : "", z.needling_minutes,
               z.aftercare_minutes);
        printf("  pain       %s\n", z.pain_text);
        for (size_t k = 0; k < z.risks; k++) {
            mn_plan_risk r;
            if (mn_plan_result_zone_risk(p, i, k, &r) == MN_OK)
                printf("  risk       %-9s %-8s %s\n", r.id, r.level, r.reason);
        }
        printf("  trade-off  %s\n  source     %s\n", z.tradeoff, z.source);
    }
    print_modalities(h.concern);
    printf("\nThis plan supports and does not replace the practitioner's judgement.\n");
}

int mn_cmd_plan(int argc, char **argv)
{
    const char *file = NULL, *concern = NULL, *zones_arg = NULL, *dir = ".", *severity = NULL;
    int json = 0, handout = 0, list = 0, force = 0;
    double max_down = -1;
    long max_sessions = 0;
    const char *device = NULL, *setting = NULL;
    if (mn_cli_wants_help(argc, argv)) {
        help(stdout);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (!strcmp(a, "--json"))
            json = 1;
        else if (!strcmp(a, "--handout"))
            handout = 1;
        else if (!strcmp(a, "--list"))
            list = 1;
        else if (!strcmp(a, "--force"))
            force = 1;
        else if (!strcmp(a, "--severity") && has_value)
            severity = argv[++i];
        else if (!strcmp(a, "--max-sessions") && has_value) {
            if (!mn_cli_parse_long("plan", a, argv[++i], 1, 100, &max_sessions))
                return 2;
        } else if (!strcmp(a, "--device") && has_value) {
            const char *d = argv[++i];
            device = d;
            if (strcmp(d, "pen") && strcmp(d, "roller") && strcmp(d, "stamp") && strcmp(d, "rf") &&
                strcmp(d, "any"))
                return mn_cli_usage_error(
                    "plan", "--device: '%s' (expected pen, roller, stamp, rf or any)", d);
        } else if (!strcmp(a, "--setting") && has_value) {
            const char *v = argv[++i];
            if (!strcmp(v, "clinic") || !strcmp(v, "home"))
                setting = v;
            else
                return mn_cli_usage_error("plan", "--setting: '%s' (expected clinic or home)", v);
        } else if (!strcmp(a, "--concern") && has_value)
            concern = argv[++i];
        else if (!strcmp(a, "--zones") && has_value)
            zones_arg = argv[++i];
        else if (!strcmp(a, "-o") && has_value)
            dir = argv[++i];
        else if (!strcmp(a, "--max-downtime-days") && has_value) {
            if (!mn_cli_parse_double("plan", a, argv[++i], 0, 3650, &max_down))
                return 2;
        } else if (a[0] == '-' && a[1])
            return mn_cli_usage_error("plan", "unknown option or missing value '%s'", a);
        else if (file)
            return mn_cli_usage_error("plan", "more than one patient file ('%s')", a);
        else
            file = a;
    }
    if (list) {
        char buf[2048];
        mn_status st = mn_plan_concerns(buf, sizeof buf);
        if (st != MN_OK)
            return mn_cli_fail(st);
        printf("%s\n", buf);
        return 0;
    }
    if (!file)
        return mn_cli_usage_error("plan", "missing PATIENT.yaml");
    if (!concern)
        return mn_cli_usage_error("plan", "missing --concern NAME (see mnsim plan --list)");
    if (!zones_arg || !*zones_arg)
        return mn_cli_usage_error("plan", "missing --zones Z1,Z2");

    /* The zone count is a usage limit of the command (the library checks it too). */
    size_t nz = 0;
    for (const char *c = zones_arg; *c; c++)
        nz += *c != ',' && (c == zones_arg || c[-1] == ',');
    if (nz > 20)
        return mn_cli_usage_error("plan", "--zones: more than %d zones", 20);

    mn_plan_options opt = {.concern = concern,
                           .zones = zones_arg,
                           .max_downtime_days = max_down,
                           .severity = severity,
                           .max_sessions = (int)max_sessions,
                           .device = device,
                           .setting = setting};
    mn_plan_result *plan = NULL;
    mn_status st = mn_plan_patient_file(file, &opt, &plan);
    if (st != MN_OK)
        return mn_cli_fail(st);
    if (json) {
        char *text = NULL;
        st = mn_plan_result_json(plan, &text);
        if (text)
            printf("%s\n", text);
        mn_free(text);
    } else {
        print_plan(file, plan);
    }
    if (st == MN_OK && handout) {
        st = mn_plan_result_write_handout(plan, dir, force);
        if (st == MN_OK && !json)
            printf("Wrote %s/handout.md and %s/handout.html\n", dir, dir);
    }
    mn_plan_result_free(plan);
    return st == MN_OK ? 0 : mn_cli_fail(st);
}

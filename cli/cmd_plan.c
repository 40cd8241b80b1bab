/* mnsim plan PATIENT.yaml --concern NAME --zones Z1,Z2 [--max-downtime-days D] [--json]
 * [--handout] [-o DIR] | --list: a plan per zone from the cited guidance, limited by anatomy,
 * screening, downtime and risks, ranked by the simulator (mn_run_predict of src/run/). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "clinic/handout.h"
#include "run/predict.h"
#include "core/error.h"
#include "model/patient.h"

static void help(FILE *out)
{
    fprintf(
        out,
        "Usage: mnsim plan PATIENT.yaml --concern NAME --zones Z1,Z2 [--max-downtime-days D]\n"
        "                  [--json] [--handout] [-o DIR]\n"
        "       mnsim plan --list\n\n"
        "Screens the patient, then for each zone takes the candidate depths, passes and\n"
        "schedule of the cited guidance (data/guidance.csv), keeps those whose reach stays\n"
        "within 0.63 of this patient's dermis (data/plan_limits.csv), simulates them and picks\n"
        "the best predicted collagen gain whose downtime and risks stay within the limits.\n"
        "It supports and does not replace the practitioner's judgement.\n\n"
        "  --concern NAME           indication (mnsim plan --list)\n"
        "  --zones Z1,Z2            zones of data/sites.csv (mnsim sites)\n"
        "  --max-downtime-days D    longest total downtime accepted over the course\n"
        "  --json                   print the plan as JSON\n"
        "  --handout                write handout.md and handout.html (aftercare)\n"
        "  -o DIR                   folder for the handout (default: current folder)\n"
        "  --list                   print the known concerns\n\n"
        "Exit status: 0 for any plan or decision, 1 runtime failure, 2 bad usage or input.\n");
}

static void print_plan(const char *file, const mn_plan *p)
{
    printf("Plan for %s: %s\nScreening decision: %s\n", file, p->concern,
           mn_clinic_decision_name(p->screening->decision));
    for (size_t i = 0; i < p->screening->n_findings; i++)
        printf("  [%s] %s: %s\n", p->screening->findings[i].severity, p->screening->findings[i].id,
               p->screening->findings[i].advice);
    for (size_t i = 0; i < p->n_zones; i++) {
        const mn_plan_zone *z = &p->zones[i];
        printf("\n== %s ==\n", z->zone);
        if (!z->planned) {
            printf("  no plan: %s\n", z->why_not);
            continue;
        }
        printf("  depth      %.2f mm, titrate to %.2f mm (deepest allowed %.2f mm; reach limit "
               "%.0f um)\n",
               z->depth_mm_min, z->depth_mm_max, z->depth_limit_mm, z->reach_limit_um);
        printf("  passes     %d\n  schedule   %d sessions every %.0f days", z->passes, z->sessions,
               z->interval_days);
        if (z->maintenance_days > 0)
            printf(", maintenance every %.0f days or more", z->maintenance_days);
        printf("\n  endpoint   %s\n", z->endpoint);
        printf("  predicted  collagen %+.1f / %+.1f / %+.1f / %+.1f %% at day 30/90/180/365; "
               "downtime %.1f d in all\n",
               z->predicted.collagen_change_percent[0], z->predicted.collagen_change_percent[1],
               z->predicted.collagen_change_percent[2], z->predicted.collagen_change_percent[3],
               z->predicted.downtime_days_total);
        for (size_t k = 0; k < z->risks.n; k++)
            printf("  risk       %-9s %-8s %s\n", z->risks.items[k].id,
                   mn_risk_level_name(z->risks.items[k].level), z->risks.items[k].reason);
        printf("  trade-off  %s\n  source     %s\n", z->tradeoff, z->source);
    }
    printf("\nThis plan supports and does not replace the practitioner's judgement.\n");
}

int mn_cmd_plan(int argc, char **argv)
{
    const char *file = NULL, *concern = NULL, *zones_arg = NULL, *dir = ".";
    int json = 0, handout = 0, list = 0;
    double max_down = -1;
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
        else if (!strcmp(a, "--concern") && has_value)
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
        mn_status st = mn_clinic_concern_list(buf, sizeof buf);
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

    char zbuf[1024];
    const char *zones[MN_PLAN_ZONE_CAP];
    size_t nz = 0;
    snprintf(zbuf, sizeof zbuf, "%s", zones_arg);
    for (char *save = NULL, *t = strtok_r(zbuf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (nz == MN_PLAN_ZONE_CAP)
            return mn_cli_usage_error("plan", "--zones: more than %d zones", MN_PLAN_ZONE_CAP);
        zones[nz++] = t;
    }

    mn_patient patient;
    mn_status st = mn_patient_load(file, &patient);
    if (st != MN_OK)
        return mn_cli_fail(st);
    mn_plan_request req = {&patient, concern, zones, nz, max_down, NULL, mn_run_predict, NULL};
    mn_plan *plan = NULL;
    st = mn_clinic_plan(&req, &plan);
    if (st != MN_OK)
        return mn_cli_fail(st);
    if (json) {
        cJSON *root = NULL;
        char *text = NULL;
        st = mn_clinic_plan_json(plan, &root);
        if (st == MN_OK && !(text = cJSON_Print(root)))
            st = mn_error_set(MN_ENOMEM, "out of memory printing the plan");
        if (text)
            printf("%s\n", text);
        free(text);
        cJSON_Delete(root);
    } else {
        print_plan(file, plan);
    }
    if (st == MN_OK && handout) {
        st = mn_clinic_handout_write(plan, dir);
        if (st == MN_OK && !json)
            printf("Wrote %s/handout.md and %s/handout.html\n", dir, dir);
    }
    mn_plan_free(plan);
    return st == MN_OK ? 0 : mn_cli_fail(st);
}

/* mnsim permeability: intact-skin permeability coefficient, lag time and route shares of the
 * mechanistic model for one molecule or a CSV list of molecules. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "core/error.h"
#include "core/table.h"
#include "delivery/permeability.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: mnsim permeability --mw-da M --log-kow P [--membrane epidermis|full_thickness]"
            " [--json]\n"
            "       mnsim permeability --input FILE.csv [-o OUT.csv] [--membrane ...]\n\n"
            "Steady-state permeability of intact skin from an aqueous donor at 32 C:\n"
            "brick-and-mortar stratum corneum (lipid and polar routes) in series with the\n"
            "viable epidermis (100 um) and, for full_thickness, the dermis (1200 um).\n\n"
            "Options:\n"
            "  --mw-da M        molecular weight in Da (> 0)\n"
            "  --log-kow P      log10 octanol/water partition coefficient\n"
            "  --membrane NAME  epidermis (default) or full_thickness\n"
            "  --input FILE     CSV with columns name,mw_da,log_kow; one output row each\n"
            "  -o FILE          write the CSV there instead of stdout\n"
            "  --json           print one JSON object (single molecule)\n"
            "Prints kp_cm_h, lag_time_h and the share of the resistance carried by the\n"
            "lipid, polar and viable-tissue routes; kp_potts_guy_cm_h for comparison.\n");
}

static int compute(const char *name, double mw, double logp, mn_membrane mem, mn_permeability *p)
{
    mn_solute s = {mw, logp, 0.0, 0.0};
    mn_status st = mn_permeability_compute(&s, MN_PERM_REF_SC_LAYERS, MN_PERM_REF_VE_UM,
                                           MN_PERM_REF_DERMIS_UM, mem, p);
    if (st != MN_OK) {
        fprintf(stderr, "mnsim permeability: %s%s%s\n", name ? name : "", name ? ": " : "",
                mn_last_error());
        return mn_status_exit_code(st);
    }
    return 0;
}

static int run_file(const char *in, const char *outpath, mn_membrane mem)
{
    FILE *f = fopen(in, "rb");
    if (!f) {
        fprintf(stderr, "mnsim permeability: %s: %s\n", in, strerror(errno));
        return 2;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 > cap) {
            cap = cap ? 2 * cap : 8192;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return 1;
            }
            buf = nb;
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (r == 0)
            break;
    }
    fclose(f);
    mn_table *t = NULL;
    mn_status st = mn_table_parse(in, buf ? buf : "", len, &t);
    free(buf);
    if (st != MN_OK)
        return mn_cli_fail(st);
    int rc = 0;
    const char *need[] = {"name", "mw_da", "log_kow"};
    for (int i = 0; i < 3; i++)
        if (mn_table_col(t, need[i]) < 0) {
            fprintf(stderr,
                    "mnsim permeability: %s: missing column '%s' (expected columns "
                    "name,mw_da,log_kow)\n",
                    in, need[i]);
            mn_table_free(t);
            return 2;
        }
    FILE *out = stdout;
    if (outpath && !(out = fopen(outpath, "w"))) {
        fprintf(stderr, "mnsim permeability: %s: %s\n", outpath, strerror(errno));
        mn_table_free(t);
        return 1;
    }
    fprintf(out, "name,mw_da,log_kow,kp_cm_h,lag_time_h,share_lipid,share_polar,share_viable,"
                 "kp_potts_guy_cm_h\n");
    for (size_t r = 0; r < mn_table_rows(t) && rc == 0; r++) {
        const char *name = mn_table_cell(t, r, mn_table_col(t, "name"));
        double mw, lp;
        if ((st = mn_table_double(t, r, "mw_da", &mw)) != MN_OK ||
            (st = mn_table_double(t, r, "log_kow", &lp)) != MN_OK) {
            rc = mn_cli_fail(st);
            break;
        }
        mn_permeability p;
        if ((rc = compute(name, mw, lp, mem, &p)) != 0)
            break;
        fprintf(out, "%s,%.6g,%.6g,%.6e,%.6g,%.4f,%.4f,%.4f,%.6e\n", name, mw, lp, p.kp_cm_h,
                p.lag_time_h, p.share_lipid, p.share_polar, p.share_viable, p.kp_potts_guy_cm_h);
    }
    if (out != stdout && fclose(out) != 0 && rc == 0)
        rc = 1;
    mn_table_free(t);
    return rc;
}

int mn_cmd_permeability(int argc, char **argv)
{
    const char *cmd = "permeability";
    if (mn_cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    double mw = NAN, lp = NAN;
    int json = 0;
    const char *input = NULL, *outpath = NULL;
    mn_membrane mem = MN_MEMBRANE_EPIDERMIS;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--mw-da") == 0) {
            if (!mn_cli_parse_double(cmd, a, v, 1e-9, 1e9, &mw))
                return 2;
            i++;
        } else if (strcmp(a, "--log-kow") == 0) {
            if (!mn_cli_parse_double(cmd, a, v, -10, 12, &lp))
                return 2;
            i++;
        } else if (strcmp(a, "--membrane") == 0) {
            if (v && strcmp(v, "epidermis") == 0)
                mem = MN_MEMBRANE_EPIDERMIS;
            else if (v && strcmp(v, "full_thickness") == 0)
                mem = MN_MEMBRANE_FULL_THICKNESS;
            else
                return mn_cli_usage_error(cmd,
                                          "--membrane: '%s' is not valid (expected "
                                          "epidermis or full_thickness)",
                                          v ? v : "");
            i++;
        } else if (strcmp(a, "--input") == 0 && v) {
            input = v;
            i++;
        } else if (strcmp(a, "-o") == 0 && v) {
            outpath = v;
            i++;
        } else {
            return mn_cli_usage_error(cmd, "unknown or incomplete option '%s'", a);
        }
    }
    if (input)
        return run_file(input, outpath, mem);
    if (isnan(mw) || isnan(lp))
        return mn_cli_usage_error(cmd, "give --mw-da and --log-kow, or --input FILE.csv");
    mn_permeability p;
    int rc = compute(NULL, mw, lp, mem, &p);
    if (rc)
        return rc;
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "mw_da", mw);
        cJSON_AddNumberToObject(o, "log_kow", lp);
        cJSON_AddStringToObject(o, "membrane",
                                mem == MN_MEMBRANE_EPIDERMIS ? "epidermis" : "full_thickness");
        cJSON_AddNumberToObject(o, "kp_cm_h", p.kp_cm_h);
        cJSON_AddNumberToObject(o, "lag_time_h", p.lag_time_h);
        cJSON *sh = cJSON_AddObjectToObject(o, "route_share");
        cJSON_AddNumberToObject(sh, "lipid", p.share_lipid);
        cJSON_AddNumberToObject(sh, "polar", p.share_polar);
        cJSON_AddNumberToObject(sh, "viable", p.share_viable);
        cJSON_AddNumberToObject(o, "kp_potts_guy_cm_h", p.kp_potts_guy_cm_h);
        char *txt = cJSON_Print(o);
        puts(txt);
        free(txt);
        cJSON_Delete(o);
    } else {
        printf("kp_cm_h            %.4e\n", p.kp_cm_h);
        printf("lag_time_h         %.4g\n", p.lag_time_h);
        printf("share_lipid        %.4f\n", p.share_lipid);
        printf("share_polar        %.4f\n", p.share_polar);
        printf("share_viable       %.4f\n", p.share_viable);
        printf("kp_potts_guy_cm_h  %.4e\n", p.kp_potts_guy_cm_h);
    }
    return 0;
}

/* mnsim permeability: intact-skin permeability coefficient, lag time and route shares of the
 * mechanistic model for one molecule or a CSV list of molecules. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <mnsim/permeability.h>
#include <mnsim/tables.h>

#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out, "Usage: mnsim permeability --mw-da M --log-kow P [--pka X --acid-base acid|base"
                 " --ph Y]\n"
                 "                          [--solubility-mg-ml S] [--membrane NAME] [--json]\n"
                 "       mnsim permeability --input FILE.csv [-o OUT.csv] [--membrane NAME]\n"
                 "       mnsim permeability --calibrate [FILE.csv] [--json]\n\n"
                 "Steady-state permeability of intact skin from an aqueous donor at 32 C:\n"
                 "brick-and-mortar stratum corneum (lipid and polar routes, calibrated on 73\n"
                 "measured human kp) in series with the viable epidermis (100 um) and, for\n"
                 "full_thickness, the dermis (1200 um). An ionisable molecule crosses as its\n"
                 "un-ionised and ionised forms in parallel at the donor pH.\n\n"
                 "Options:\n"
                 "  --mw-da M        molecular weight in Da (> 0)\n"
                 "  --log-kow P      log10 octanol/water partition coefficient (neutral form)\n"
                 "  --pka X          pKa of the ionisable group (with --acid-base and --ph)\n"
                 "  --acid-base T    acid, base or neutral (default)\n"
                 "  --ph Y           pH of the donor (formulation)\n"
                 "  --solubility-mg-ml S  solubility in the donor: adds the maximum flux kp x S\n"
                 "  --membrane NAME  epidermis (default), full_thickness, or training (the\n"
                 "                   membranes of the calibration data: fitted viable resistance)\n"
                 "  --input FILE     CSV with columns name,mw_da,log_kow and optionally pka,\n"
                 "                   acid_base, ph, solubility_mg_ml; one output row each\n"
                 "  --calibrate [F]  refit the calibration on a kp CSV (mw_da, log_kow,\n"
                 "                   log_kp_cm_h; default the built-in training set) and print\n"
                 "                   factors, RMSE and leave-one-out RMSE beside a refitted\n"
                 "                   two-descriptor regression\n"
                 "  -o FILE          write the CSV there instead of stdout\n"
                 "  --json           print one JSON object (single molecule or --calibrate)\n"
                 "Prints kp_cm_h, lag_time_h and the share of the resistance carried by the\n"
                 "lipid, polar and viable-tissue routes; kp_potts_guy_cm_h for comparison.\n");
}

/* Ionisation and solubility inputs of one molecule (NAN / neutral when not given). */
typedef struct ion_in {
    double pka, ph, solubility_mg_ml;
    mn_perm_ionisation acid_base;
} ion_in;

static int parse_acid_base(const char *v, mn_perm_ionisation *out)
{
    if (!v || strcmp(v, "") == 0 || strcmp(v, "neutral") == 0)
        *out = MN_PERM_NEUTRAL;
    else if (strcmp(v, "acid") == 0)
        *out = MN_PERM_ACID;
    else if (strcmp(v, "base") == 0)
        *out = MN_PERM_BASE;
    else
        return -1;
    return 0;
}

/* The library refuses an acid or a base without pka and ph, naming what is missing. */
static int compute(const char *name, double mw, double logp, const ion_in *io, mn_perm_membrane mem,
                   mn_perm_result *p)
{
    mn_perm_molecule m = {mw, logp, io->acid_base, io->pka, io->ph, io->solubility_mg_ml};
    mn_status st = mn_permeability_estimate(&m, mem, p);
    if (st != MN_OK) {
        fprintf(stderr, "mnsim permeability: %s%s%s\n", name ? name : "", name ? ": " : "",
                mn_last_error());
        return mn_status_exit_code(st);
    }
    return 0;
}

static int read_all(const char *in, char **buf_out, size_t *len_out)
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
    *buf_out = buf, *len_out = len;
    return 0;
}

/* A CSV file given on the command line, or an embedded table when path is NULL. */
static int load_table(const char *path, const char *embedded, mn_table **t)
{
    if (!path) {
        mn_status st = mn_table_load_embedded(embedded, t);
        return st == MN_OK ? 0 : mn_cli_fail(st);
    }
    char *buf = NULL;
    size_t len = 0;
    int rc = read_all(path, &buf, &len);
    if (rc)
        return rc;
    mn_status st = mn_table_parse(path, buf ? buf : "", len, t);
    free(buf);
    return st == MN_OK ? 0 : mn_cli_fail(st);
}

static int need_columns(const char *in, mn_table *t, const char *const *need, int n,
                        const char *expected)
{
    for (int i = 0; i < n; i++)
        if (mn_table_col(t, need[i]) < 0) {
            fprintf(stderr, "mnsim permeability: %s: missing column '%s' (expected columns %s)\n",
                    in, need[i], expected);
            return 2;
        }
    return 0;
}

/* Optional ionisation/solubility columns of row r. */
static int row_ion(mn_table *t, size_t r, ion_in *io)
{
    io->pka = io->ph = io->solubility_mg_ml = NAN;
    io->acid_base = MN_PERM_NEUTRAL;
    mn_status st = MN_OK;
    if (mn_table_col(t, "pka") >= 0)
        st = mn_table_double_or(t, r, "pka", NAN, &io->pka);
    if (st == MN_OK && mn_table_col(t, "ph") >= 0)
        st = mn_table_double_or(t, r, "ph", NAN, &io->ph);
    if (st == MN_OK && mn_table_col(t, "solubility_mg_ml") >= 0)
        st = mn_table_double_or(t, r, "solubility_mg_ml", NAN, &io->solubility_mg_ml);
    if (st != MN_OK)
        return mn_cli_fail(st);
    if (mn_table_col(t, "acid_base") >= 0) {
        const char *v = mn_table_cell(t, r, mn_table_col(t, "acid_base"));
        if (parse_acid_base(v, &io->acid_base) != 0) {
            fprintf(stderr,
                    "mnsim permeability: line %zu: acid_base: '%s' is not valid (expected acid, "
                    "base or neutral)\n",
                    mn_table_line(t, r), v);
            return 2;
        }
    }
    if (isfinite(io->solubility_mg_ml) && !(io->solubility_mg_ml > 0)) {
        fprintf(stderr, "mnsim permeability: line %zu: solubility_mg_ml: %g (expected > 0)\n",
                mn_table_line(t, r), io->solubility_mg_ml);
        return 2;
    }
    return 0;
}

static int run_file(const char *in, const char *outpath, mn_perm_membrane mem)
{
    mn_table *t = NULL;
    int rc = load_table(in, NULL, &t);
    if (rc)
        return rc;
    const char *need[] = {"name", "mw_da", "log_kow"};
    if ((rc = need_columns(in, t, need, 3, "name,mw_da,log_kow")) != 0) {
        mn_table_free(t);
        return rc;
    }
    FILE *out = stdout;
    if (outpath && !(out = fopen(outpath, "w"))) {
        fprintf(stderr, "mnsim permeability: %s: %s\n", outpath, strerror(errno));
        mn_table_free(t);
        return 1;
    }
    fprintf(out, "name,mw_da,log_kow,kp_cm_h,lag_time_h,share_lipid,share_polar,share_viable,"
                 "kp_potts_guy_cm_h,f_unionised,kp_neutral_cm_h,kp_ion_cm_h,max_flux_ug_cm2_h\n");
    for (size_t r = 0; r < mn_table_rows(t) && rc == 0; r++) {
        const char *name = mn_table_cell(t, r, mn_table_col(t, "name"));
        double mw, lp;
        mn_status st;
        if ((st = mn_table_double(t, r, "mw_da", &mw)) != MN_OK ||
            (st = mn_table_double(t, r, "log_kow", &lp)) != MN_OK) {
            rc = mn_cli_fail(st);
            break;
        }
        ion_in io;
        if ((rc = row_ion(t, r, &io)) != 0)
            break;
        mn_perm_result p;
        if ((rc = compute(name, mw, lp, &io, mem, &p)) != 0)
            break;
        fprintf(out, "%s,%.6g,%.6g,%.6e,%.6g,%.4f,%.4f,%.4f,%.6e,%.6g,%.6e,%.6e,%.6g\n", name, mw,
                lp, p.kp_cm_h, p.lag_time_h, p.share_lipid, p.share_polar, p.share_viable,
                p.kp_potts_guy_cm_h, p.f_unionised, p.kp_neutral_cm_h, p.kp_ion_cm_h,
                p.max_flux_ug_cm2_h);
    }
    if (out != stdout && fclose(out) != 0 && rc == 0)
        rc = 1;
    mn_table_free(t);
    return rc;
}

/* --calibrate: the fit of perm_fit.c on a kp table (default the embedded training set). */
static int run_calibrate(const char *in, int json)
{
    mn_table *t = NULL;
    int rc = load_table(in, "kp_human_training.csv", &t);
    if (rc)
        return rc;
    const char *src = in ? in : "kp_human_training.csv";
    const char *need[] = {"mw_da", "log_kow", "log_kp_cm_h"};
    if ((rc = need_columns(src, t, need, 3, "mw_da,log_kow,log_kp_cm_h")) != 0) {
        mn_table_free(t);
        return rc;
    }
    size_t n = mn_table_rows(t);
    double *v = malloc(3 * (n ? n : 1) * sizeof *v);
    if (!v) {
        mn_table_free(t);
        return 1;
    }
    mn_status st = MN_OK;
    for (size_t r = 0; r < n && st == MN_OK; r++)
        if ((st = mn_table_double(t, r, "mw_da", &v[r])) == MN_OK &&
            (st = mn_table_double(t, r, "log_kow", &v[n + r])) == MN_OK)
            st = mn_table_double(t, r, "log_kp_cm_h", &v[2 * n + r]);
    mn_perm_calibration fit;
    if (st == MN_OK)
        st = mn_permeability_calibrate(v, v + n, v + 2 * n, n, &fit);
    free(v);
    mn_table_free(t);
    if (st != MN_OK)
        return mn_cli_fail(st);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "compounds", (double)fit.compounds);
        cJSON_AddNumberToObject(o, "log10_factor_lipid", fit.log10_factor_lipid);
        cJSON_AddNumberToObject(o, "log10_factor_polar", fit.log10_factor_polar);
        cJSON_AddNumberToObject(o, "log10_factor_viable", fit.log10_factor_viable);
        cJSON_AddNumberToObject(o, "rmse_log_kp", fit.rmse_log_kp);
        cJSON_AddNumberToObject(o, "loo_rmse_log_kp", fit.loo_rmse_log_kp);
        cJSON_AddNumberToObject(o, "bias_log_kp", fit.bias_log_kp);
        cJSON *g = cJSON_AddObjectToObject(o, "regression");
        cJSON_AddNumberToObject(g, "intercept", fit.regression[0]);
        cJSON_AddNumberToObject(g, "log_kow", fit.regression[1]);
        cJSON_AddNumberToObject(g, "mw_da", fit.regression[2]);
        cJSON_AddNumberToObject(g, "rmse_log_kp", fit.regression_rmse_log_kp);
        cJSON_AddNumberToObject(g, "loo_rmse_log_kp", fit.regression_loo_rmse_log_kp);
        char *txt = cJSON_Print(o);
        puts(txt);
        free(txt);
        cJSON_Delete(o);
    } else {
        printf("compounds                 %zu (%s)\n", fit.compounds, src);
        printf("log10 factor lipid route  %.4f\n", fit.log10_factor_lipid);
        printf("log10 factor polar route  %.4f\n", fit.log10_factor_polar);
        printf("log10 factor viable       %.4f (equivalent viable tissue %.0f um)\n",
               fit.log10_factor_viable, fit.equivalent_viable_um);
        printf("RMSE log kp               %.4f (leave-one-out %.4f, bias %+.4f)\n", fit.rmse_log_kp,
               fit.loo_rmse_log_kp, fit.bias_log_kp);
        printf("regression log kp = %.4f + %.4f log Kow %+.6f MW: RMSE %.4f (leave-one-out %.4f)\n",
               fit.regression[0], fit.regression[1], fit.regression[2], fit.regression_rmse_log_kp,
               fit.regression_loo_rmse_log_kp);
    }
    return 0;
}

int mn_cmd_permeability(int argc, char **argv)
{
    const char *cmd = "permeability";
    if (mn_cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    double mw = NAN, lp = NAN;
    int json = 0, calibrate = 0;
    ion_in io = {NAN, NAN, NAN, MN_PERM_NEUTRAL};
    const char *input = NULL, *outpath = NULL, *calib_file = NULL;
    mn_perm_membrane mem = MN_PERM_EPIDERMIS;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--mw-da") == 0) {
            /* The ranges of the scenario's product keys: water to high-MW hyaluronic acid. */
            if (!mn_cli_parse_double(cmd, a, v, 18.0, 2.0e6, &mw))
                return 2;
            i++;
        } else if (strcmp(a, "--log-kow") == 0) {
            if (!mn_cli_parse_double(cmd, a, v, -6.0, 8.0, &lp))
                return 2;
            i++;
        } else if (strcmp(a, "--pka") == 0) {
            if (!mn_cli_parse_double(cmd, a, v, -5.0, 20.0, &io.pka))
                return 2;
            i++;
        } else if (strcmp(a, "--ph") == 0) {
            if (!mn_cli_parse_double(cmd, a, v, 0.0, 14.0, &io.ph))
                return 2;
            i++;
        } else if (strcmp(a, "--solubility-mg-ml") == 0) {
            if (!mn_cli_parse_double(cmd, a, v, 1e-9, 1e4, &io.solubility_mg_ml))
                return 2;
            i++;
        } else if (strcmp(a, "--acid-base") == 0) {
            if (!v || parse_acid_base(v, &io.acid_base) != 0)
                return mn_cli_usage_error(cmd,
                                          "--acid-base: '%s' is not valid (expected acid, base "
                                          "or neutral)",
                                          v ? v : "");
            i++;
        } else if (strcmp(a, "--membrane") == 0) {
            if (v && strcmp(v, "epidermis") == 0)
                mem = MN_PERM_EPIDERMIS;
            else if (v && strcmp(v, "full_thickness") == 0)
                mem = MN_PERM_FULL_THICKNESS;
            else if (v && strcmp(v, "training") == 0)
                mem = MN_PERM_TRAINING;
            else
                return mn_cli_usage_error(cmd,
                                          "--membrane: '%s' is not valid (expected "
                                          "epidermis, full_thickness or training)",
                                          v ? v : "");
            i++;
        } else if (strcmp(a, "--calibrate") == 0) {
            calibrate = 1;
            if (v && v[0] != '-') {
                calib_file = v;
                i++;
            }
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
    if (calibrate)
        return run_calibrate(calib_file, json);
    if (input)
        return run_file(input, outpath, mem);
    if (isnan(mw) || isnan(lp))
        return mn_cli_usage_error(cmd, "give --mw-da and --log-kow, or --input FILE.csv");
    mn_perm_result p;
    int rc = compute(NULL, mw, lp, &io, mem, &p);
    if (rc)
        return rc;
    static const char *const MEMBRANE[] = {"epidermis", "full_thickness", "training"};
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "mw_da", mw);
        cJSON_AddNumberToObject(o, "log_kow", lp);
        cJSON_AddStringToObject(o, "membrane", MEMBRANE[mem]);
        cJSON_AddNumberToObject(o, "kp_cm_h", p.kp_cm_h);
        cJSON_AddNumberToObject(o, "lag_time_h", p.lag_time_h);
        cJSON *sh = cJSON_AddObjectToObject(o, "route_share");
        cJSON_AddNumberToObject(sh, "lipid", p.share_lipid);
        cJSON_AddNumberToObject(sh, "polar", p.share_polar);
        cJSON_AddNumberToObject(sh, "viable", p.share_viable);
        cJSON_AddNumberToObject(o, "kp_potts_guy_cm_h", p.kp_potts_guy_cm_h);
        cJSON_AddNumberToObject(o, "f_unionised", p.f_unionised);
        cJSON_AddNumberToObject(o, "kp_neutral_cm_h", p.kp_neutral_cm_h);
        cJSON_AddNumberToObject(o, "kp_ion_cm_h", p.kp_ion_cm_h);
        if (isfinite(io.solubility_mg_ml))
            cJSON_AddNumberToObject(o, "max_flux_ug_cm2_h", p.max_flux_ug_cm2_h);
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
        printf("f_unionised        %.4g\n", p.f_unionised);
        if (p.f_unionised < 1) {
            printf("kp_neutral_cm_h    %.4e\n", p.kp_neutral_cm_h);
            printf("kp_ion_cm_h        %.4e\n", p.kp_ion_cm_h);
        }
        if (isfinite(io.solubility_mg_ml))
            printf("max_flux_ug_cm2_h  %.4g\n", p.max_flux_ug_cm2_h);
    }
    return 0;
}

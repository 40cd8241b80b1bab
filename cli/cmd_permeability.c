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
    mn_acid_base acid_base;
} ion_in;

static int parse_acid_base(const char *v, mn_acid_base *out)
{
    if (!v || strcmp(v, "") == 0 || strcmp(v, "neutral") == 0)
        *out = MN_ACIDBASE_NEUTRAL;
    else if (strcmp(v, "acid") == 0)
        *out = MN_ACIDBASE_ACID;
    else if (strcmp(v, "base") == 0)
        *out = MN_ACIDBASE_BASE;
    else
        return -1;
    return 0;
}

static int check_ion(const char *name, const ion_in *io)
{
    if ((io->acid_base == MN_ACIDBASE_ACID || io->acid_base == MN_ACIDBASE_BASE) &&
        (!isfinite(io->pka) || !isfinite(io->ph))) {
        fprintf(stderr,
                "mnsim permeability: %s%sacid_base %s needs pka and ph (expected both numbers)\n",
                name ? name : "", name ? ": " : "",
                io->acid_base == MN_ACIDBASE_ACID ? "acid" : "base");
        return 2;
    }
    return 0;
}

static int compute(const char *name, double mw, double logp, const ion_in *io, mn_membrane mem,
                   mn_permeability *p)
{
    mn_solute s = {mw, logp, 0.0, 0.0, io->pka, io->acid_base, io->ph};
    int rc = check_ion(name, io);
    if (rc)
        return rc;
    mn_status st = mn_permeability_compute(&s, MN_PERM_REF_SC_LAYERS, MN_PERM_REF_VE_UM,
                                           MN_PERM_REF_DERMIS_UM, mem, p);
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
    io->acid_base = MN_ACIDBASE_NEUTRAL;
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

/* Maximum (saturated-donor) flux, µg/cm²/h: kp [cm/h] × S [mg/mL = 1000 µg/cm³]. */
static double max_flux(const mn_permeability *p, const ion_in *io)
{
    return isfinite(io->solubility_mg_ml) ? p->kp_cm_h * io->solubility_mg_ml * 1000.0 : NAN;
}

static int run_file(const char *in, const char *outpath, mn_membrane mem)
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
        mn_permeability p;
        if ((rc = compute(name, mw, lp, &io, mem, &p)) != 0)
            break;
        fprintf(out, "%s,%.6g,%.6g,%.6e,%.6g,%.4f,%.4f,%.4f,%.6e,%.6g,%.6e,%.6e,%.6g\n", name, mw,
                lp, p.kp_cm_h, p.lag_time_h, p.share_lipid, p.share_polar, p.share_viable,
                p.kp_potts_guy_cm_h, p.f_unionised, p.kp_neutral_cm_h, p.kp_ion_cm_h,
                max_flux(&p, &io));
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
    double *v = malloc((n ? n : 1) * sizeof *v);
    mn_solute *sol = malloc((n ? n : 1) * sizeof *sol);
    if (!v || !sol) {
        free(v), free(sol);
        mn_table_free(t);
        return 1;
    }
    /* Compounds measured as salts are fitted as ionised: the table's own pka, acid_base and ph
     * columns when it has them, else data/kp_training_ionisation.csv by compound name. */
    int own = mn_table_col(t, "pka") >= 0 && mn_table_col(t, "acid_base") >= 0 &&
              mn_table_col(t, "ph") >= 0;
    int named = mn_table_col(t, "compound") >= 0;
    mn_status st = MN_OK;
    for (size_t r = 0; r < n && st == MN_OK; r++) {
        mn_solute *s = &sol[r];
        *s = (mn_solute){0.0, 0.0, 0.0, 0.0, NAN, MN_ACIDBASE_NEUTRAL, NAN};
        if ((st = mn_table_double(t, r, "mw_da", &s->mw_da)) == MN_OK &&
            (st = mn_table_double(t, r, "log_kow", &s->log_kow)) == MN_OK)
            st = mn_table_double(t, r, "log_kp_cm_h", &v[r]);
        if (st == MN_OK && own) {
            const char *ab = mn_table_cell(t, r, mn_table_col(t, "acid_base"));
            s->acid_base = strcmp(ab, "acid") == 0   ? MN_ACIDBASE_ACID
                           : strcmp(ab, "base") == 0 ? MN_ACIDBASE_BASE
                                                     : MN_ACIDBASE_NEUTRAL;
            if (s->acid_base != MN_ACIDBASE_NEUTRAL &&
                (st = mn_table_double(t, r, "pka", &s->pka)) == MN_OK)
                st = mn_table_double(t, r, "ph", &s->ph);
        } else if (st == MN_OK && named) {
            st = mn_permeability_training_ionisation(
                mn_table_cell(t, r, mn_table_col(t, "compound")), s);
        }
    }
    mn_perm_fit fit;
    if (st == MN_OK)
        st = mn_permeability_fit_solutes(sol, v, n, &fit);
    free(v), free(sol);
    mn_table_free(t);
    if (st != MN_OK)
        return mn_cli_fail(st);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "compounds", (double)fit.n);
        cJSON_AddNumberToObject(o, "log10_factor_lipid", fit.log_a[0]);
        cJSON_AddNumberToObject(o, "log10_factor_polar", fit.log_a[1]);
        cJSON_AddNumberToObject(o, "log10_factor_viable", fit.log_a[2]);
        cJSON_AddNumberToObject(o, "rmse_log_kp", fit.rmse);
        cJSON_AddNumberToObject(o, "loo_rmse_log_kp", fit.loo_rmse);
        cJSON_AddNumberToObject(o, "bias_log_kp", fit.bias);
        cJSON *g = cJSON_AddObjectToObject(o, "regression");
        cJSON_AddNumberToObject(g, "intercept", fit.reg[0]);
        cJSON_AddNumberToObject(g, "log_kow", fit.reg[1]);
        cJSON_AddNumberToObject(g, "mw_da", fit.reg[2]);
        cJSON_AddNumberToObject(g, "rmse_log_kp", fit.reg_rmse);
        cJSON_AddNumberToObject(g, "loo_rmse_log_kp", fit.reg_loo_rmse);
        char *txt = cJSON_Print(o);
        puts(txt);
        free(txt);
        cJSON_Delete(o);
    } else {
        printf("compounds                 %zu (%s)\n", fit.n, src);
        printf("log10 factor lipid route  %.4f\n", fit.log_a[0]);
        printf("log10 factor polar route  %.4f\n", fit.log_a[1]);
        printf("log10 factor viable       %.4f (equivalent viable tissue %.0f um)\n", fit.log_a[2],
               pow(10.0, fit.log_a[2]) * MN_PERM_REF_VE_UM);
        printf("RMSE log kp               %.4f (leave-one-out %.4f, bias %+.4f)\n", fit.rmse,
               fit.loo_rmse, fit.bias);
        printf("regression log kp = %.4f + %.4f log Kow %+.6f MW: RMSE %.4f (leave-one-out %.4f)\n",
               fit.reg[0], fit.reg[1], fit.reg[2], fit.reg_rmse, fit.reg_loo_rmse);
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
    ion_in io = {NAN, NAN, NAN, MN_ACIDBASE_NEUTRAL};
    const char *input = NULL, *outpath = NULL, *calib_file = NULL;
    mn_membrane mem = MN_MEMBRANE_EPIDERMIS;
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
                mem = MN_MEMBRANE_EPIDERMIS;
            else if (v && strcmp(v, "full_thickness") == 0)
                mem = MN_MEMBRANE_FULL_THICKNESS;
            else if (v && strcmp(v, "training") == 0)
                mem = MN_MEMBRANE_TRAINING;
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
    mn_permeability p;
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
            cJSON_AddNumberToObject(o, "max_flux_ug_cm2_h", max_flux(&p, &io));
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
            printf("max_flux_ug_cm2_h  %.4g\n", max_flux(&p, &io));
    }
    return 0;
}

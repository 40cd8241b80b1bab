/* The result object of the heat stage, shared by its run, getter and output files. */
#ifndef MN_HEAT_RESULT_H
#define MN_HEAT_RESULT_H

#include "heat/heat.h"
#include "heat/heat_impl.h"

enum { MN_HCURVE_COLS = 6 };

struct mn_heat_result {
    mn_hgrid g;
    unsigned char *label;
    double *tpeak, *om_skin, *om_col; /* NULL unless fields are kept */
    size_t nc, cap;
    double *curve[MN_HCURVE_COLS]; /* time_ms, tip, epidermis max, tissue max, Ω skin, Ω coll. */
    mn_heat_summary sum;
    double pitch_um, skin_depth_um, tip_um;
    int passes;
    int same_spot; /* the passes hit one spot and were simulated one after the other */
};

#endif

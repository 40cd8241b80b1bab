/* What the fuzzers and the regression replay feed: the two loaders that read text a person
 * wrote. Header-only so that the libFuzzer targets and the cmocka replay (one source file
 * each, see tests/CMakeLists.txt) share exactly the same entry points. */
#ifndef MN_TESTS_FUZZ_INPUTS_H
#define MN_TESTS_FUZZ_INPUTS_H

#include <stddef.h>

#include "core/checkpoint.h"
#include "model/model.h"
#include "model/patient.h"
#include "model/scenario.h"
#include "model/ycheck.h"
#include "model/ydoc.h"

/* A scenario from bytes, as `mnsim run FILE` reads it. */
static inline mn_status mn_fuzz_scenario(const char *text, size_t len)
{
    mn_model m;
    return mn_scenario_load_text("fuzz.yaml", text, len, &m);
}

/* A stand-alone patient file from bytes, as mn_patient_load reads it (ydoc + parse). */
static inline mn_status mn_fuzz_patient(const char *text, size_t len)
{
    mn_ydoc *doc = NULL;
    mn_patient p;
    mn_status st = mn_ydoc_parse("patient.yaml", text, len, &doc);
    if (st != MN_OK)
        return st;
    st = mn_y_expect(doc, doc->root, MN_Y_MAP, "");
    if (st == MN_OK)
        st = mn_patient_parse(doc, doc->root, "", &p);
    mn_ydoc_free(doc);
    return st;
}

/* A checkpoint file's bytes, as `mnsim resume` parses them. */
static inline mn_status mn_fuzz_checkpoint(const char *bytes, size_t len)
{
    mn_checkpoint *c = NULL;
    mn_status st = mn_checkpoint_parse("state.mnck", (const unsigned char *)bytes, len, &c);
    mn_checkpoint_free(c);
    return st;
}

#endif

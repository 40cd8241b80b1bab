/* The patient block of a scenario, or a stand-alone patient file (`mnsim screen`). Names of
 * conditions, medications, allergies and procedures are checked against the vocabulary of
 * data/patient_terms.csv (model/vocab.h): synonyms resolve, typos are errors with the
 * suggestion, other unknown names are kept for the screening to flag. */
#ifndef MN_MODEL_PATIENT_H
#define MN_MODEL_PATIENT_H

#include "model/model.h"
#include "model/ydoc.h"

/* Defaults of every optional key (an adult woman of 35, Fitzpatrick III, no findings). */
void mn_patient_defaults(mn_patient *p);

/* Reads a patient mapping at `path` ("patient" in a scenario, "" in a patient file). */
mn_status mn_patient_parse(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                           mn_patient *out);

/* Loads a stand-alone patient file. */
mn_status mn_patient_load(const char *file, mn_patient *out);

#endif

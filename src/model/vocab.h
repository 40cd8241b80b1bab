/* The patient vocabulary (data/patient_terms.csv): canonical names of conditions, medications,
 * allergies and procedures with their synonyms, lay terms and brand names. A term given in a
 * patient file resolves to its canonical name; a near-miss of a known term is a typo (the
 * caller fails with the suggestion); anything else is kept as written, for the screening to
 * report as unrecognised. */
#ifndef MN_MODEL_VOCAB_H
#define MN_MODEL_VOCAB_H

#include <stddef.h>

#include "mnsim/status.h"

typedef enum mn_term_match {
    MN_TERM_KNOWN = 0,    /* out: the canonical name */
    MN_TERM_MISSPELT = 1, /* out: the normalised input; hint: the term it is close to */
    MN_TERM_UNKNOWN = 2   /* out: the normalised input; hint: a related term or "" */
} mn_term_match;

/* kind: "condition", "medication", "allergy" or "procedure". Matching ignores case, and
 * spaces and hyphens count as '_'. hint reads e.g. "accutane (isotretinoin)". */
mn_status mn_vocab_resolve(const char *kind, const char *input, char *out, size_t cap,
                           mn_term_match *match, char *hint, size_t hint_cap);

/* Whether name is a canonical name of kind (synonyms are not). */
mn_status mn_vocab_known(const char *kind, const char *name, int *known);

/* Edit distance with adjacent transpositions (optimal string alignment), for tests. */
size_t mn_vocab_distance(const char *a, const char *b);

#endif

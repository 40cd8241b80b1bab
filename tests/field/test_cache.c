/* The general path caches its line coefficients, SDIRK factors and decay factors between
 * steps (src/field/cache.h). A cache that outlived a coefficient change would step with the
 * old operator; so a field whose diffusivity, partition, decay or boundary changed between two
 * steps must give, bit for bit, what a fresh field built with the new coefficients gives from
 * the same state. Fixed plain steps make the step sequence identical for both. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "field/field_impl.h"
#include "mnsim/field.h"

enum { NX = 6, NY = 5, NZ = 7, N = NX * NY * NZ };

typedef struct coefs {
    double d_scale, k_top, decay, fixed_bottom;
} coefs;

/* Heterogeneous coefficients (so the general path runs) scaled by cf. */
static void apply(mn_field *f, const coefs *cf)
{
    double d[N], k[N], dec[N];
    for (int i = 0; i < N; i++) {
        int z = i / (NX * NY);
        d[i] = cf->d_scale * (1.0 + 0.3 * (i % 7));
        k[i] = z == 0 ? cf->k_top : 1.0 + 0.1 * z;
        dec[i] = cf->decay * (1 + (i % 3));
    }
    assert_int_equal(mn_field_set_diffusivity(f, 0, d), MN_OK);
    assert_int_equal(mn_field_set_partition(f, 0, k), MN_OK);
    assert_int_equal(mn_field_set_decay(f, 0, dec), MN_OK);
    assert_int_equal(mn_field_set_boundary(f, 0, MN_FACE_BOTTOM,
                                           cf->fixed_bottom ? MN_BC_FIXED : MN_BC_ZERO_FLUX, 0.0),
                     MN_OK);
}

static mn_field *make(const mn_grid *g, const coefs *cf, const double *c0)
{
    mn_field *f = NULL;
    assert_int_equal(mn_field_create(g, 1, &f), MN_OK);
    apply(f, cf);
    assert_int_equal(mn_field_set_values(f, 0, c0), MN_OK);
    mn_field_debug_fixed_steps(f, 0.5, 1);
    return f;
}

static void changed_coefficients_are_never_stale(void **state)
{
    (void)state;
    mn_grid *g = NULL;
    assert_int_equal(mn_grid_create_uniform(NX, NY, NZ, 2.0, &g), MN_OK);
    double c0[N], mid[N], a[N], b[N];
    for (int i = 0; i < N; i++)
        c0[i] = exp(-0.05 * (i % 37)) * (i % 2 ? 1.0 : 2.0);
    const coefs before = {1.0, 5.0, 1e-3, 0}, changes[] = {
                                                  {3.0, 5.0, 1e-3, 0}, /* diffusivity */
                                                  {1.0, 0.2, 1e-3, 0}, /* partition */
                                                  {1.0, 5.0, 5e-2, 0}, /* decay */
                                                  {1.0, 5.0, 1e-3, 1}, /* boundary kind */
                                              };
    for (size_t t = 0; t < sizeof changes / sizeof changes[0]; t++) {
        mn_field *f = make(g, &before, c0);
        assert_int_equal(mn_field_step(f, 2.0), MN_OK); /* fills the caches */
        assert_int_equal(mn_field_get_values(f, 0, mid), MN_OK);
        apply(f, &changes[t]);
        assert_int_equal(mn_field_set_values(f, 0, mid), MN_OK);
        assert_int_equal(mn_field_step(f, 2.0), MN_OK);
        assert_int_equal(mn_field_get_values(f, 0, a), MN_OK);
        mn_field *fresh = make(g, &changes[t], mid);
        assert_int_equal(mn_field_step(fresh, 2.0), MN_OK);
        assert_int_equal(mn_field_get_values(fresh, 0, b), MN_OK);
        if (memcmp(a, b, sizeof a) != 0)
            fail_msg("change %zu: the stepped field differs from a fresh one", t);
        mn_field_free(fresh);
        mn_field_free(f);
    }
    mn_grid_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(changed_coefficients_are_never_stale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

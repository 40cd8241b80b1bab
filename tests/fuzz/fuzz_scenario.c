/* libFuzzer target: the scenario loader must answer any bytes with MN_OK or MN_EINPUT and a
 * message, never crash, leak, hang or read out of bounds (built with ASan + UBSan). */
#include <stdint.h>
#include <stdlib.h>

#include "core/error.h"
#include "fuzz_inputs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_status st = mn_fuzz_scenario((const char *)data, size);
    /* Only these two outcomes are legal for text: anything else is a bug worth a crash. */
    if (st != MN_OK && st != MN_EINPUT)
        abort();
    if (st == MN_EINPUT && mn_last_error()[0] == '\0')
        abort();
    return 0;
}

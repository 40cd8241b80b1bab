/* VTK XML ImageData writer (see vti.h). Format: VTK file formats, "ImageData" with CellData;
 * inline binary is base64 of a UInt32 byte count followed by the little-endian values. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "io/atomic.h"
#include "io/base64.h"
#include "io/vti.h"

mn_status mn_vti_write(const char *path, int nx, int ny, int nz, const double spacing[3],
                       const double origin[3], const mn_vti_array *arrays, size_t narrays,
                       bool binary)
{
    if (nx < 1 || ny < 1 || nz < 1)
        return mn_error_set(MN_EINPUT, "%s: grid %d x %d x %d (expected >= 1 each)", path, nx, ny,
                            nz);
    size_t n = (size_t)nx * (size_t)ny * (size_t)nz;
    if (binary && n * sizeof(double) > UINT32_MAX)
        return mn_error_set(MN_EINPUT, "%s: %zu cells is too large for a UInt32 header", path, n);
    mn_afile af;
    MN_TRY(mn_afile_open(path, &af));
    FILE *f = af.f;
    const uint16_t one = 1;
    const char *order = *(const unsigned char *)&one ? "LittleEndian" : "BigEndian";
    fprintf(f,
            "<?xml version=\"1.0\"?>\n<VTKFile type=\"ImageData\" version=\"1.0\" "
            "byte_order=\"%s\" header_type=\"UInt32\">\n",
            order);
    /* Direction: the grid's k axis (depth below the surface) runs along -y, so ParaView's
     * default view (+y up, looking along -z) shows a cross-section with the skin surface on
     * top and depth going down; the patch's y runs along z. Readers without Direction see
     * the plain index axes (x, y, depth). */
    fprintf(f,
            "  <ImageData WholeExtent=\"0 %d 0 %d 0 %d\" Origin=\"%.9g %.9g %.9g\" "
            "Spacing=\"%.9g %.9g %.9g\" Direction=\"1 0 0 0 0 -1 0 1 0\">\n",
            nx, ny, nz, origin[0], origin[1], origin[2], spacing[0], spacing[1], spacing[2]);
    fprintf(f, "    <Piece Extent=\"0 %d 0 %d 0 %d\">\n      <CellData>\n", nx, ny, nz);
    for (size_t a = 0; a < narrays; a++) {
        fprintf(f, "        <DataArray type=\"Float64\" Name=\"%s\" format=\"%s\">\n",
                arrays[a].name, binary ? "binary" : "ascii");
        if (binary) {
            mn_base64 b;
            mn_base64_init(&b, f);
            uint32_t bytes = (uint32_t)(n * sizeof(double));
            mn_base64_put(&b, &bytes, sizeof bytes);
            mn_base64_put(&b, arrays[a].values, n * sizeof(double));
            mn_base64_end(&b);
            fputc('\n', f);
        } else {
            for (size_t i = 0; i < n; i++)
                fprintf(f, "%.9g%c", arrays[a].values[i],
                        (i + 1) % 8 == 0 || i + 1 == n ? '\n' : ' ');
        }
        fprintf(f, "        </DataArray>\n");
    }
    fprintf(f, "      </CellData>\n    </Piece>\n  </ImageData>\n</VTKFile>\n");
    return mn_afile_commit(&af);
}

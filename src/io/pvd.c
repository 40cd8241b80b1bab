/* ParaView collection writer (see pvd.h). Format: VTK "Collection" with one DataSet per time
 * step (https://www.paraview.org/Wiki/ParaView/Data_formats#PVD_File_Format). */
#include "io/pvd.h"

#include "core/error.h"
#include "io/atomic.h"

mn_status mn_pvd_write(const char *path, size_t n, const double *times_h, const char *const *files)
{
    mn_afile af;
    MN_TRY(mn_afile_open(path, &af));
    /* Times in hours (the unit of the file names); ParaView shows them as the time value. */
    fprintf(af.f, "<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"1.0\">\n"
                  "  <!-- time in hours -->\n  <Collection>\n");
    for (size_t i = 0; i < n; i++)
        fprintf(af.f, "    <DataSet timestep=\"%.9g\" part=\"0\" file=\"%s\"/>\n", times_h[i],
                files[i]);
    fprintf(af.f, "  </Collection>\n</VTKFile>\n");
    return mn_afile_commit(&af);
}

/* PLplot rendering of mn_plot (see plot.h). Each file is drawn on a fresh PLplot stream and
 * renamed into place when complete. PLplot exits the process when a driver is missing or a
 * file cannot be opened, so both are checked here first: the library must never exit. */
#include "io/plot.h"

#include <errno.h>
#include <math.h>
#include <plplot.h>
#include <png.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "io/outdir.h"

enum { PLOT_W = 960, PLOT_H = 540, BAND_OFFSET = 16 };

/* Palette: 0 background, 1 axes and text, then the series colours (colour-blind-safe hues of
 * Wong, Nature Methods 8:441, 2011), then the same hues translucent for bands. */
static const unsigned char PALETTE[MN_PLOT_NCOLOURS][3] = {
    {255, 255, 255}, {0, 0, 0},       {0, 114, 178}, {230, 159, 0},   {0, 158, 115},
    {213, 94, 0},    {204, 121, 167}, {140, 86, 75}, {110, 110, 110}, {240, 128, 160},
};

/* 1 when PLplot can load the device driver (plsdev of a missing driver exits the process). */
static int driver_available(const char *dev)
{
    const char *menu_buf[128], *name_buf[128];
    const char **menu = menu_buf, **names = name_buf; /* caller-allocated arrays */
    int n = 128;
    plgDevs(&menu, &names, &n);
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], dev) == 0)
            return 1;
    return 0;
}

static void data_range(const mn_plot *p, int axis, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t s = 0; s < p->nseries; s++) {
        const mn_plot_series *sr = &p->series[s];
        for (size_t i = 0; i < sr->n; i++) {
            double v[3] = {axis == 0 ? sr->x[i] : sr->y[i], NAN, NAN};
            if (axis == 0 && sr->kind == MN_PLOT_BARS)
                v[1] = sr->x[i] + sr->bar_width;
            if (axis == 1 && sr->kind == MN_PLOT_BAND)
                v[1] = sr->y_hi[i];
            if (axis == 1 && sr->kind == MN_PLOT_BARS)
                v[1] = 0.0;
            for (int k = 0; k < 3; k++)
                if (isfinite(v[k]) && !(p->logy && axis == 1 && v[k] <= 0)) {
                    *lo = fmin(*lo, v[k]);
                    *hi = fmax(*hi, v[k]);
                }
        }
    }
    for (size_t m = 0; m < p->nmarkers; m++)
        if ((axis == 1) == (p->markers[m].horizontal != 0)) {
            *lo = fmin(*lo, p->markers[m].value);
            *hi = fmax(*hi, p->markers[m].value);
        }
    if (!isfinite(*lo)) {
        *lo = p->logy && axis == 1 ? 1 : 0;
        *hi = *lo + 1;
    }
}

static void plot_ranges(const mn_plot *p, double *x0, double *x1, double *y0, double *y1)
{
    *x0 = p->xmin, *x1 = p->xmax, *y0 = p->ymin, *y1 = p->ymax;
    if (!(*x1 > *x0))
        data_range(p, 0, x0, x1);
    if (!(*y1 > *y0)) {
        data_range(p, 1, y0, y1);
        if (p->logy) {
            *y0 = pow(10, floor(log10(*y0)));
            *y1 = pow(10, ceil(log10(*y1)));
        } else {
            double pad = 0.05 * (*y1 - *y0);
            *y0 = *y0 >= 0 && *y0 - pad < 0 ? 0 : *y0 - pad; /* counts and doses start at 0 */
            *y1 += pad;
        }
    }
    if (!(*x1 > *x0))
        *x1 = *x0 + 1;
    if (!(*y1 > *y0))
        *y1 = *y0 + 1;
}

static double ty(const mn_plot *p, double y, double floor_y)
{
    return p->logy ? log10(fmax(y, floor_y)) : y;
}

static void draw_series(const mn_plot *p, const mn_plot_series *s, double yfloor, double *buf_x,
                        double *buf_y)
{
    const PLINT colour = (PLINT)s->colour;
    plcol0(s->kind == MN_PLOT_BAND ? colour + (PLINT)BAND_OFFSET : colour);
    pllsty(s->dashed ? 2 : 1);
    plwidth(s->kind == MN_PLOT_LINE ? 2.0 : 1.0);
    size_t n = s->n;
    switch (s->kind) {
    case MN_PLOT_LINE:
        for (size_t i = 0; i < n; i++)
            buf_x[i] = s->x[i], buf_y[i] = ty(p, s->y[i], yfloor);
        plline((PLINT)n, buf_x, buf_y);
        break;
    case MN_PLOT_POINTS: {
        /* Each point a small filled square, 3.5 px wide: one plain polygon per point in SVG and
         * a cheap fill in PNG (axis-aligned edges keep the PNG compressible). The bullet glyph
         * drawn before went through the font stack (pango, harfbuzz) once per point, about a tenth
         * of the default run. */
        PLFLT wx0, wx1, wy0, wy1, vx0, vx1, vy0, vy1;
        plgvpw(&wx0, &wx1, &wy0, &wy1);
        plgvpd(&vx0, &vx1, &vy0, &vy1);
        const double hx = 1.75 * (wx1 - wx0) / ((vx1 - vx0) * PLOT_W);
        const double hy = 1.75 * (wy1 - wy0) / ((vy1 - vy0) * PLOT_H);
        for (size_t i = 0; i < n; i++) {
            double cx = s->x[i], cy = ty(p, s->y[i], yfloor);
            if (!isfinite(cx) || !isfinite(cy))
                continue;
            PLFLT dx[4] = {cx - hx, cx - hx, cx + hx, cx + hx},
                  dy[4] = {cy - hy, cy + hy, cy + hy, cy - hy};
            plfill(4, dx, dy);
        }
        break;
    }
    case MN_PLOT_BARS:
        for (size_t i = 0; i < n; i++) {
            if (!(s->y[i] > 0))
                continue;
            double bx[4] = {s->x[i], s->x[i], s->x[i] + s->bar_width, s->x[i] + s->bar_width};
            double by[4] = {ty(p, yfloor, yfloor), ty(p, s->y[i], yfloor), ty(p, s->y[i], yfloor),
                            ty(p, yfloor, yfloor)};
            plfill(4, bx, by);
        }
        break;
    case MN_PLOT_BAND:
        for (size_t i = 0; i < n; i++) {
            buf_x[i] = s->x[i], buf_y[i] = ty(p, s->y_hi[i], yfloor);
            buf_x[2 * n - 1 - i] = s->x[i], buf_y[2 * n - 1 - i] = ty(p, s->y[i], yfloor);
        }
        if (n >= 2)
            plfill((PLINT)(2 * n), buf_x, buf_y);
        break;
    }
    pllsty(1);
    plwidth(1.0);
}

/* Reference lines, each labelled along itself (vertical ones read upwards, near the top). */
static void draw_markers(const mn_plot *p, double x0, double x1, double y0, double y1, double yf)
{
    double b = p->logy ? log10(y0) : y0, t = p->logy ? log10(y1) : y1;
    plschr(0, 0.7);
    for (size_t m = 0; m < p->nmarkers; m++) {
        const mn_plot_marker *mk = &p->markers[m];
        double v = mk->value;
        plcol0(MN_COL_GREY);
        pllsty(2);
        if (mk->horizontal) {
            double y = ty(p, v, yf);
            pljoin(x0, y, x1, y);
            plcol0(1);
            if (mk->label)
                plptex(x0 + 0.01 * (x1 - x0), y + 0.015 * (t - b), 1, 0, 0, mk->label);
        } else if (v >= x0 && v <= x1) {
            pljoin(v, b, v, t);
            plcol0(1);
            if (mk->label)
                plptex(v + 0.006 * (x1 - x0), t - 0.02 * (t - b), 0, -1, 0, mk->label);
        }
    }
    pllsty(1);
    plschr(0, 0.9);
}

static void draw_legend(const mn_plot *p)
{
    PLINT opts[32], tcol[32], lcol[32], lsty[32], bcol[32], bpat[32], scol[32], snum[32];
    PLFLT lwid[32], bsc[32], bwid[32], ssc[32];
    const char *text[32], *sym[32];
    int n = 0;
    for (size_t s = 0; s < p->nseries && n < 32; s++) {
        const mn_plot_series *sr = &p->series[s];
        if (!sr->label || !sr->label[0])
            continue;
        int band = sr->kind == MN_PLOT_BAND, bars = sr->kind == MN_PLOT_BARS;
        opts[n] = sr->kind == MN_PLOT_LINE     ? PL_LEGEND_LINE
                  : sr->kind == MN_PLOT_POINTS ? PL_LEGEND_SYMBOL
                                               : PL_LEGEND_COLOR_BOX;
        text[n] = sr->label;
        tcol[n] = 1;
        lcol[n] = (PLINT)sr->colour, lsty[n] = sr->dashed ? 2 : 1, lwid[n] = 2.0;
        bcol[n] = (PLINT)sr->colour + (band ? (PLINT)BAND_OFFSET : 0);
        bpat[n] = 0, bsc[n] = bars || band ? 0.8 : 0, bwid[n] = 1.0;
        scol[n] = (PLINT)sr->colour, ssc[n] = 1.0, snum[n] = 3, sym[n] = "•";
        n++;
    }
    if (n == 0)
        return;
    PLFLT w, h;
    plschr(0, 0.65);
    pllegend(&w, &h, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
             PL_POSITION_RIGHT | PL_POSITION_OUTSIDE, 0.02, 0.0, 0.05, 0, 1, 1, 0, 0, n, opts, 1.0,
             1.0, 2.0, 0.0, tcol, text, bcol, bpat, bsc, bwid, lcol, lsty, lwid, scol, ssc, snum,
             sym);
    plschr(0, 1.0);
}

static size_t max_points(const mn_plot *p)
{
    size_t m = 4;
    for (size_t s = 0; s < p->nseries; s++)
        m = p->series[s].n * 2 > m ? p->series[s].n * 2 : m;
    return m;
}

/* Everything after the device is chosen: palette, axes, series, legend; ends the stream. */
static mn_status draw_body(const mn_plot *p)
{
    size_t cap = max_points(p);
    double *bx = malloc(cap * sizeof *bx), *by = malloc(cap * sizeof *by);
    if (!bx || !by) {
        free(bx);
        free(by);
        plend1();
        return mn_error_set(MN_ENOMEM, "out of memory drawing a plot");
    }
    double x0, x1, y0, y1;
    plot_ranges(p, &x0, &x1, &y0, &y1);
    plspause(0);
    plscmap0n(BAND_OFFSET + MN_PLOT_NCOLOURS);
    for (int c = 0; c < MN_PLOT_NCOLOURS; c++) {
        plscol0a(c, PALETTE[c][0], PALETTE[c][1], PALETTE[c][2], 1.0);
        plscol0a(c + BAND_OFFSET, PALETTE[c][0], PALETTE[c][1], PALETTE[c][2], 0.25);
    }
    plinit();
    pladv(0);
    plschr(0, 0.9);
    double xr = 0.68; /* right edge of the axes: the legend sits outside, to the right */
    if (p->equal_aspect) {
        /* 1 mm as long in x as in y: the aspect of the box is that of the patch. */
        plvpas(0.08, xr, 0.12, 0.9, (y1 - y0) / (x1 - x0));
    } else {
        plvpor(p->nyticks ? 0.24 : 0.09, xr, 0.12, 0.9);
    }
    double yf = p->logy ? y0 : 0.0;
    plwind(x0, x1, p->logy ? log10(y0) : y0, p->logy ? log10(y1) : y1);
    plcol0(1);
    plbox("bcnst", 0, 0, p->nyticks ? "bc" : (p->logy ? "bcnstlv" : "bcnstv"), 0, 0);
    for (size_t k = 0; k < p->nyticks; k++) /* category labels, right-aligned to the axis */
        if (p->ytick_values[k] >= y0 && p->ytick_values[k] <= y1)
            plmtex("lv", 0.8, (p->ytick_values[k] - y0) / (y1 - y0), 1.0, p->ytick_labels[k]);
    for (size_t s = 0; s < p->nseries; s++)
        if (p->series[s].kind == MN_PLOT_BAND || p->series[s].kind == MN_PLOT_BARS)
            draw_series(p, &p->series[s], yf, bx, by);
    for (size_t s = 0; s < p->nseries; s++)
        if (p->series[s].kind != MN_PLOT_BAND && p->series[s].kind != MN_PLOT_BARS)
            draw_series(p, &p->series[s], yf, bx, by);
    draw_markers(p, x0, x1, y0, y1, yf);
    plcol0(1);
    plbox("bc", 0, 0, "bc", 0, 0); /* the frame over the fills */
    pllab(p->xlabel, p->nyticks ? "" : p->ylabel, "");
    plschr(0, 1.15);
    plmtex("t", 1.6, 0.5, 0.5, p->title);
    plschr(0, 0.9);
    draw_legend(p);
    plend1();
    free(bx);
    free(by);
    return MN_OK;
}

/* SVG through PLplot's own driver, which writes the file itself. */
static mn_status draw_svg(const mn_plot *p, const char *path)
{
    /* PLplot exits when it cannot open its output: make sure it can, first. */
    FILE *probe = fopen(path, "wb");
    if (!probe)
        return mn_error_set(MN_EIO, "%s: %s", path, strerror(errno));
    fclose(probe);
    PLINT stream;
    plmkstrm(&stream);
    plsdev("svg");
    plsfnam(path);
    char geometry[32];
    snprintf(geometry, sizeof geometry, "%dx%d", PLOT_W, PLOT_H);
    plsetopt("geometry", geometry);
    return draw_body(p);
}

/* PNG: PLplot's cairo driver draws into memory (memcairo) and libpng encodes it here, so the
 * compression is ours to choose and every write is checked. Why not pngcairo: cairo encodes at
 * zlib's default level with adaptive filtering, which was about a fifth of the default run
 * (zlib + libpng in `perf record`), for files only a little smaller (BENCHMARKS.md). Level 3 with
 * the Sub filter suits plots: large flat areas, few colours. */
enum { PNG_LEVEL = 3 };

/* libpng prints its errors and warnings on stderr unless given handlers, and the library never
 * prints (issue 18: "libpng error: Write Error" appeared on a full disk): the error's text goes
 * into the status instead. */
static void png_fail(png_structp png, png_const_charp msg)
{
    char *why = png_get_error_ptr(png);
    if (why)
        snprintf(why, 128, "%s", msg ? msg : "");
    png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp msg)
{
    (void)png, (void)msg;
}

static mn_status write_png(const unsigned char *rgba, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return mn_error_set(MN_EIO, "%s: %s", path, strerror(errno));
    static _Thread_local char why[128];
    why[0] = '\0';
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, why, png_fail, png_warn);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        fclose(f);
        return mn_error_set(MN_ENOMEM, "%s: out of memory encoding the PNG", path);
    }
    if (setjmp(png_jmpbuf(png))) { /* libpng reports its errors by longjmp */
        png_destroy_write_struct(&png, &info);
        fclose(f);
        return mn_error_set(MN_EIO, "%s: write failed while encoding the PNG (%s)", path, why);
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, PLOT_W, PLOT_H, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, PNG_LEVEL);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
    png_write_info(png, info);
    png_set_filler(png, 0, PNG_FILLER_AFTER); /* rows are RGBA in memory, RGB in the file */
    for (int y = 0; y < PLOT_H; y++)
        png_write_row(png, (png_const_bytep)(rgba + (size_t)y * PLOT_W * 4));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    if (ferror(f) | (fclose(f) != 0))
        return mn_error_set(MN_EIO, "%s: write failed: %s", path, strerror(errno));
    return MN_OK;
}

static mn_status draw_png(const mn_plot *p, const char *path)
{
    unsigned char *rgba = malloc((size_t)PLOT_W * PLOT_H * 4);
    if (!rgba)
        return mn_error_set(MN_ENOMEM, "%s: out of memory for the image", path);
    memset(rgba, 255, (size_t)PLOT_W * PLOT_H * 4); /* memcairo draws over what is there */
    PLINT stream;
    plmkstrm(&stream);
    plsdev("memcairo");
    plsmema(PLOT_W, PLOT_H, rgba);
    mn_status st = draw_body(p);
    if (st == MN_OK)
        st = write_png(rgba, path);
    free(rgba);
    return st;
}

/* PLplot reports no write errors: a full disk leaves an empty or truncated file. A PNG must end
 * with its IEND chunk, an SVG with its closing tag. */
static mn_status check_complete(const char *tmp, const char *path, int png)
{
    static const unsigned char iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    unsigned char tail[64];
    size_t got = 0;
    FILE *f = fopen(tmp, "rb");
    if (f && fseek(f, -(long)sizeof tail, SEEK_END) != 0)
        rewind(f);
    if (f) {
        got = fread(tail, 1, sizeof tail, f);
        fclose(f);
    }
    int ok;
    if (png) {
        ok = got >= sizeof iend && memcmp(tail + got - sizeof iend, iend, sizeof iend) == 0;
    } else {
        while (got > 0 && (tail[got - 1] == '\n' || tail[got - 1] == ' '))
            got--;
        ok = got >= 6 && memcmp(tail + got - 6, "</svg>", 6) == 0;
    }
    if (!ok)
        return mn_error_set(MN_EIO,
                            "%s: write failed: the plot file came out incomplete (a full "
                            "disk?)",
                            path);
    return MN_OK;
}

/* PLplot keeps its streams in process-wide state and is not reentrant: runs in several threads
 * of one host program draw one plot at a time. */
static pthread_mutex_t plplot_mu = PTHREAD_MUTEX_INITIALIZER;

static mn_status save_locked(const mn_plot *p, const char *stem)
{
    static const char *const devs[2] = {"memcairo", "svg"};
    static const char *const exts[2] = {"png", "svg"};
    char path[4200], tmp[4300];
    for (int d = 0; d < 2; d++) {
        if (!driver_available(devs[d]))
            return mn_error_set(MN_EIO,
                                "PLplot has no '%s' driver (expected Debian package "
                                "plplot-driver-cairo for PNG, libplplot17 for SVG)",
                                devs[d]);
        int len = snprintf(path, sizeof path, "%s.%s", stem, exts[d]);
        if (len < 0 || (size_t)len >= sizeof path)
            return mn_error_set(MN_EIO, "%s: path too long", stem);
        MN_TRY(mn_io_tmp_path(path, tmp, sizeof tmp));
        mn_status st = d == 0 ? draw_png(p, tmp) : draw_svg(p, tmp);
        if (st == MN_OK)
            st = check_complete(tmp, path, d == 0);
        if (st != MN_OK) {
            remove(tmp);
            return st;
        }
        MN_TRY(mn_io_commit_tmp(tmp, path));
    }
    return MN_OK;
}

mn_status mn_plot_save(const mn_plot *p, const char *stem)
{
    pthread_mutex_lock(&plplot_mu);
    mn_status st = save_locked(p, stem);
    pthread_mutex_unlock(&plplot_mu);
    return st;
}

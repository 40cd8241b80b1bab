/* Plots of a run, drawn with PLplot and saved twice: PNG (cairo driver "pngcairo", embedded in
 * report.html) and SVG (driver "svg", for print and editing). A plot is described by a plain
 * struct of series and markers, so the report code says what to draw, not how. */
#ifndef MN_IO_PLOT_H
#define MN_IO_PLOT_H

#include <stddef.h>

#include "mnsim/status.h"

typedef enum mn_plot_kind {
    MN_PLOT_LINE = 0, /* polyline through (x, y) */
    MN_PLOT_POINTS,   /* small filled circles at (x, y) */
    MN_PLOT_BARS,     /* histogram bars: x = left edge, width bar_width, height y */
    MN_PLOT_BAND      /* filled band between y (lower) and y_hi (upper) over x */
} mn_plot_kind;

/* Colours of the palette (PLplot colour map 0 as mnsim sets it). */
typedef enum mn_plot_colour {
    MN_COL_BLUE = 2,
    MN_COL_ORANGE,
    MN_COL_GREEN,
    MN_COL_RED,
    MN_COL_PURPLE,
    MN_COL_BROWN,
    MN_COL_GREY,
    MN_COL_PINK,
    MN_PLOT_NCOLOURS /* bands use the same hue, translucent */
} mn_plot_colour;

typedef struct mn_plot_series {
    const char *label; /* legend text; NULL or "" leaves it out of the legend */
    mn_plot_kind kind;
    const double *x, *y, *y_hi;
    size_t n;
    mn_plot_colour colour;
    int dashed;
    double bar_width;
} mn_plot_series;

/* A reference line across the plot: vertical at x = value, or horizontal at y = value. */
typedef struct mn_plot_marker {
    double value;
    const char *label;
    int horizontal;
} mn_plot_marker;

typedef struct mn_plot {
    const char *title, *xlabel, *ylabel; /* labels carry units: "depth (µm)" */
    double xmin, xmax, ymin, ymax;       /* a range with min == max is taken from the data */
    int logy;                            /* logarithmic y axis (values <= 0 are clipped) */
    int equal_aspect;                    /* same scale on both axes (maps) */
    const mn_plot_series *series;
    size_t nseries;
    const mn_plot_marker *markers;
    size_t nmarkers;
    /* Optional category axis (forest plots): text labels at these y values instead of
     * numbers; the plot widens its left margin for them. */
    const char *const *ytick_labels;
    const double *ytick_values;
    size_t nyticks;
} mn_plot;

/* Draws the plot into stem.png and stem.svg (stem is a path without extension). */
mn_status mn_plot_save(const mn_plot *p, const char *stem);

#endif

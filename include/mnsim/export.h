/* mnsim — the export macro. libmnsim is built with hidden visibility: only declarations marked
 * MN_API (those of include/mnsim/) are part of the shared library's interface; everything in
 * src/ stays internal (and reachable by the tests through the static library). */
#ifndef MNSIM_EXPORT_H
#define MNSIM_EXPORT_H

#if defined(_WIN32)
#if defined(MNSIM_BUILDING_LIBRARY)
#define MN_API __declspec(dllexport)
#else
#define MN_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define MN_API __attribute__((visibility("default")))
#else
#define MN_API
#endif

#endif

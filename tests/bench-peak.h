/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The peak memory of the calling process, for the benchmarks. */
#pragma once

#include <string.h>
#include <sys/resource.h>

#include <glib.h>

/* This process's own peak resident size in MiB: VmHWM belongs to its
 * address space, while ru_maxrss keeps the peak of the parent that a
 * benchmark's child was forked from. */
static inline double
gloss_bench_peak_mib (void)
{
  g_autofree char *status = NULL;
  const char *line;
  struct rusage usage;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (line = strstr (status, "VmHWM:")) != NULL)
    return g_ascii_strtod (line + strlen ("VmHWM:"), NULL) / 1024.0;   /* kB */

  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_maxrss / 1024.0;   /* kilobytes on Linux */
}

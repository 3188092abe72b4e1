/* SPDX-License-Identifier: GPL-3.0-or-later */

/* json-c's parser on the given files, for bench/wire: json-c and jansson
 * export symbols json-glib also has (json_object_get_type, …), so they
 * cannot share a process with it; this program links json-c alone.
 * Prints one line per file: "PATH BYTES BEST_MS" (best of RUNS). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *
slurp (const char *path,
       size_t     *length)
{
  FILE *f = fopen (path, "rb");
  char *data;
  long size;

  if (f == NULL || fseek (f, 0, SEEK_END) != 0 || (size = ftell (f)) < 0 || fseek (f, 0, SEEK_SET) != 0)
    return NULL;
  data = malloc ((size_t) size + 1);
  if (data == NULL || fread (data, 1, (size_t) size, f) != (size_t) size)
    return NULL;
  data[size] = '\0';
  fclose (f);
  *length = (size_t) size;
  return data;
}

int
main (int    argc,
      char **argv)
{
  int runs = 5;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s [--runs N] FILE.json…\n", argv[0]);
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      size_t length;
      char *data;
      double best = 1e300;

      if (strcmp (argv[i], "--runs") == 0 && i + 1 < argc)
        {
          runs = atoi (argv[++i]);
          continue;
        }
      if ((data = slurp (argv[i], &length)) == NULL)
        {
          fprintf (stderr, "%s: cannot read\n", argv[i]);
          return 1;
        }
      for (int r = 0; r < runs; r++)
        {
          double start = now_ms ();
          struct json_tokener *tokener = json_tokener_new ();
          struct json_object *root = json_tokener_parse_ex (tokener, data, (int) length);
          double took;

          if (root == NULL)
            {
              fprintf (stderr, "%s: json-c refuses it: %s\n", argv[i],
                       json_tokener_error_desc (json_tokener_get_error (tokener)));
              return 1;
            }
          json_object_put (root);
          json_tokener_free (tokener);
          took = now_ms () - start;
          if (took < best)
            best = took;
        }
      printf ("%s %zu %.3f\n", argv[i], length, best);
      free (data);
    }
  return 0;
}

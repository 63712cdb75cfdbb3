/* uuid.h - random UUIDs (version 4) from the operating system's random source.
 *
 * Used for the state's lineage, lock IDs, and the user_id litehcl chooses before a
 * create (so a create interrupted at any instant can be looked up on the next run). */
#ifndef LH_UUID_H
#define LH_UUID_H
#include <stdbool.h>

#define LH_UUID_LEN 36	/* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lowercase */

/* Writes a new lowercase UUID v4 and its NUL into out (LH_UUID_LEN + 1 bytes).
 * Returns false (out set to "") only when the OS random source cannot be read. */
bool lh_uuid_v4(char out[LH_UUID_LEN + 1]);

/* True when s is a UUID in the 8-4-4-4-12 hex layout (any version, either case). */
bool lh_uuid_valid(const char *s);

#endif

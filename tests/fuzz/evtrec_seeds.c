/* evtrec_seeds DIR: writes seed buffers for fuzz_evtrec (classic records, one and several). */
#include "classicgen.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    static const char *const s[] = {"Print Spooler", "running", "\xc3\xa9t\xc3\xa9"};
    unsigned char buf[8192];
    for (int seed = 0; seed < 4; seed++) {
        size_t len = 0;
        for (int i = 0; i <= seed * 3; i++) {
            cg_record r = {(uint32_t)(100 - i), 1764331200u + (uint32_t)i, 0x40001B58u, (uint16_t)(1u << (i % 5)),
                           (uint16_t)i, "Service Control Manager", "dc01", s, (uint16_t)(i % 4), "\x01\x02", 2,
                           (uint32_t)(i % 2 ? 12 : 0)};
            len += cg_record_write(&r, buf + len, sizeof buf - len);
        }
        char path[600];
        snprintf(path, sizeof path, "%s/seed%d", argv[1], seed);
        FILE *f = fopen(path, "wb");
        if (!f)
            return 1;
        fwrite(buf, 1, len, f);
        fclose(f);
    }
    return 0;
}

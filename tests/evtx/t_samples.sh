#!/bin/sh
# Every real sample in ../shared/evtx-samples through build/native/evtxcat --xml: it must not
# crash or hang (exit 0 or 2 within 60 s), and must recover at least as many records as the
# best of the evtx crate and evtxexport (the counts of the samples' README). One PASS/FAIL line
# per file; SKIP when the samples are absent.
cd "$(dirname "$0")/../.." || exit 1
S=../shared/evtx-samples
if [ ! -d "$S" ]; then echo "SKIP samples: $S is absent"; exit 0; fi
[ -x build/native/evtxcat ] || make -f Makefile.mingw --no-print-directory native >/dev/null || { echo "FAIL samples: cannot build evtxcat"; exit 1; }
mkdir -p build/evtx-test
TO=""; command -v timeout >/dev/null 2>&1 && TO="timeout 60"

# file:minimum (the best published count; "parses" files need at least one record)
expected='security.evtx:2261
security_bad_string_cache.evtx:2261
system.evtx:1881
sysmon.evtx:358
sample-with-irregular-bool-values.evtx:3028
2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx:1910
2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx:1774
2-vss_7-System.evtx:1160
sample_with_a_bad_chunk_magic.evtx:270
Microsoft-Windows-HelloForBusiness%4Operational.evtx:6
Microsoft-Windows-LanguagePackSetup%4Operational.evtx:17
E_Windows_system32_winevt_logs_Microsoft-Windows-Shell-Core%4Operational.evtx:1146
E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx:340
E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx:459
Application_no_crc32.evtx:17
post-Security.evtx:126
sample-with-zero-data-size-event.evtx:335
MSExchange_Management_wec.evtx:1
issue_201.evtx:1
Security_with_size_t.evtx:636
Security_short_selected.evtx:7
new-user-security.evtx:4
2-system-Microsoft-Windows-LiveId%4Operational.evtx:399'

echo "$expected" | while IFS=: read -r name min; do
    f="$S/$name"
    if [ ! -f "$f" ]; then echo "SKIP samples $name: not in $S"; continue; fi
    $TO build/native/evtxcat --xml "$f" >build/evtx-test/samples.xml 2>build/evtx-test/samples.err
    rc=$?
    n=$(grep -c '^<Event ' build/evtx-test/samples.xml)
    lines=$(wc -l <build/evtx-test/samples.xml)
    if [ "$rc" != 0 ] && [ "$rc" != 2 ]; then
        echo "FAIL samples $name: evtxcat exited with $rc"; sed 's/^/     /' build/evtx-test/samples.err | head -5
    elif [ "$n" != "$lines" ]; then
        echo "FAIL samples $name: $lines lines but $n start with <Event"
    elif [ "$n" -lt "$min" ]; then
        echo "FAIL samples $name: $n records, expected at least $min"
    else
        echo "PASS samples $name: $n records (best published: $min), exit $rc"
    fi
done
# every file in the folder, even ones not listed above, must at least not crash
for f in "$S"/*.evtx; do
    $TO build/native/evtxcat "$f" >/dev/null 2>&1
    rc=$?
    if [ "$rc" != 0 ] && [ "$rc" != 2 ]; then echo "FAIL samples csv $(basename "$f"): exit $rc"; fi
done
# a whole directory at once, as CSV
$TO build/native/evtxcat "$S" >build/evtx-test/samples.csv 2>/dev/null
rc=$?
if [ "$rc" = 2 ] || [ "$rc" = 0 ]; then echo "PASS samples directory as CSV (exit $rc, $(wc -c <build/evtx-test/samples.csv) bytes)"
else echo "FAIL samples directory as CSV: exit $rc"; fi
rm -f build/evtx-test/samples.xml build/evtx-test/samples.err build/evtx-test/samples.csv
exit 0

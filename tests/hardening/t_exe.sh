#!/bin/sh
# What the shipped exe is made of: it needs no DLL that Windows does not ship (static mingw
# runtime), it never imports wevtapi.dll (loaded at run time from System32 only), and it carries
# its manifest (visual styles, PerMonitorV2, asInvoker), version resource and icon.
cd "$(dirname "$0")/../.." || exit 1
EXE=build/win/eventsweep.exe
[ -f $EXE ] || { echo "FAIL exe: $EXE not built"; exit 1; }
OBJDUMP=x86_64-w64-mingw32-objdump
command -v $OBJDUMP >/dev/null || { echo "FAIL exe: $OBJDUMP missing"; exit 1; }

imports=$($OBJDUMP -p $EXE | awk '/DLL Name:/ { print tolower($3) }' | sort -u)
allowed="advapi32.dll comctl32.dll comdlg32.dll gdi32.dll kernel32.dll msvcrt.dll ole32.dll shell32.dll user32.dll ws2_32.dll"
bad=""
for d in $imports; do
    case " $allowed " in *" $d "*) ;; *) bad="$bad $d" ;; esac
done
if [ -z "$bad" ]; then echo "PASS exe-imports-system-dlls-only: $(echo $imports | tr '\n' ' ')"
else echo "FAIL exe-imports-system-dlls-only: also imports$bad"; fi
if echo "$imports" | grep -q wevtapi; then echo "FAIL exe-no-wevtapi-import: wevtapi.dll is in the import table"
else echo "PASS exe-no-wevtapi-import"; fi

# The manifest resource, as text (ASCII in the resource section).
strings -n 8 $EXE >build/exe-strings.txt
for want in 'Microsoft.Windows.Common-Controls' 'PerMonitorV2' 'asInvoker' 'true/pm'; do
    if grep -qF "$want" build/exe-strings.txt; then echo "PASS exe-manifest-$want"
    else echo "FAIL exe-manifest-$want: not in the embedded manifest"; fi
done
# Version resource strings are UTF-16: look for them as such.
strings -e l -n 6 $EXE >build/exe-strings16.txt
for want in 'ProductName' 'EventSweep' 'FileVersion'; do
    if grep -qF "$want" build/exe-strings16.txt; then echo "PASS exe-version-$want"
    else echo "FAIL exe-version-$want: no version resource string"; fi
done
if $OBJDUMP -h $EXE | grep -q '\.rsrc' && x86_64-w64-mingw32-windres -i $EXE -O rc 2>/dev/null | grep -q 'ICON'; then
    echo "PASS exe-icon"
else
    # windres cannot always read an exe back; the icon group is the fallback evidence
    if $OBJDUMP -s -j .rsrc $EXE | grep -q .; then echo "PASS exe-icon: .rsrc present"; else echo "FAIL exe-icon: no resources"; fi
fi
# ASLR and DEP: DllCharacteristics has DYNAMIC_BASE (0x40) and NX_COMPAT (0x100).
dc=$($OBJDUMP -p $EXE | awk '/DllCharacteristics/ { print $2 }')
if [ -n "$dc" ] && [ $(( 0x$dc & 0x140 )) = $(( 0x140 )) ]; then echo "PASS exe-aslr-dep: DllCharacteristics 0x$dc"
else echo "FAIL exe-aslr-dep: DllCharacteristics 0x$dc"; fi

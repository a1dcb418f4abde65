# wine-env.sh: a sourced shell library (POSIX sh) for running EventSweep and test programs
# under Wine against the SIMULATED FLEET (the test-only wevtapi.dll from tests/fake/).
#
#   . tests/wine-env.sh
#   wine_env_setup NAME || exit 1   # throwaway 64-bit prefix build/wine/NAME.PID with the fake installed
#   xvfb_start || exit 1            # a private X display (only if the program needs one)
#   trap wine_env_cleanup EXIT      # kills the prefix's processes, removes it, stops Xvfb
#   ESFAKE_FLEET=$(wine_path "$PWD/build/test/fleet.txt") wine_run build/win/eventsweep.exe ...
#
# Exported by wine_env_setup: WINEPREFIX, WINEARCH=win64, WINEDEBUG=-all,
# WINEDLLOVERRIDES="mscoree,mshtml=;wevtapi=n" (the native wevtapi.dll in system32 wins over
# Wine's builtin stub), WINE (the 64-bit loader), WINESERVER, ES_ROOT (the repository).
# ESWINE_KEEP=1 keeps the prefix after cleanup (to look at it); ESWINE_DIR=DIR puts prefixes
# under DIR instead of build/wine (e.g. a tmpfs). Needs wine (Debian: wine + wine64), Xvfb.

# The repository: $ES_ROOT if set, else the current directory (scripts cd there first).
ES_ROOT=${ES_ROOT:-$(pwd)}
[ -f "$ES_ROOT/Makefile.mingw" ] || echo "wine-env: $ES_ROOT is not the EventSweep repository (set ES_ROOT)" >&2
export ES_ROOT

# The 64-bit loader and server: Debian ships /usr/lib/wine/wine64 (the `wine` wrapper script
# prefers a 32-bit loader that may not be installed); elsewhere wine64 or wine on PATH.
wine_find() {
    if [ -x /usr/lib/wine/wine64 ]; then WINE=/usr/lib/wine/wine64
    elif command -v wine64 >/dev/null 2>&1; then WINE=$(command -v wine64)
    elif command -v wine >/dev/null 2>&1; then WINE=$(command -v wine)
    else echo "wine-env: wine is not installed (Debian: apt-get install wine wine64)" >&2; return 1
    fi
    if [ -x /usr/lib/wine/wineserver64 ]; then WINESERVER=/usr/lib/wine/wineserver64
    elif [ -x /usr/lib/wine/wineserver ]; then WINESERVER=/usr/lib/wine/wineserver
    elif command -v wineserver >/dev/null 2>&1; then WINESERVER=$(command -v wineserver)
    else echo "wine-env: wineserver not found" >&2; return 1
    fi
    export WINE WINESERVER
    WINELOADER=$WINE; export WINELOADER
}

# wine_path UNIXPATH: the Windows path Wine gives it (Z: is the Unix root). Relative paths are
# made absolute first. Prints e.g. Z:\work\main\build\test\fleet.txt
wine_path() {
    case $1 in
        /*) p=$1 ;;
        *) p=$(pwd)/$1 ;;
    esac
    printf 'Z:%s\n' "$p" | sed 's|/|\\|g'
}

# wine_env_setup [NAME]: creates the prefix, waits for wineboot, installs the fake.
wine_env_setup() {
    wine_find || return 1
    name=${1:-test}
    base=${ESWINE_DIR:-$ES_ROOT/build/wine}
    mkdir -p "$base" || return 1
    # prefixes (~700 MB each) left by runs that were killed: their shell PID is gone
    for d in "$base"/*; do
        [ -d "$d" ] || continue
        pid=${d##*.}
        case $pid in ''|*[!0-9]*) continue ;; esac
        [ -d /proc/$pid ] || rm -rf "$d" "$d.wineboot.log"
    done
    WINEPREFIX=$base/$name.$$
    rm -rf "$WINEPREFIX"
    export WINEPREFIX
    WINEARCH=win64; export WINEARCH
    WINEDEBUG=-all; export WINEDEBUG
    WINEDLLOVERRIDES="mscoree,mshtml=;wevtapi=n;credui=n"; export WINEDLLOVERRIDES
    # no desktop integration (menus, file associations) from a throwaway prefix
    WINE_NO_MENUS=1; export WINE_NO_MENUS
    # wineboot has been seen to fail once ("could not load kernel32.dll") and succeed when run
    # again on a fresh prefix: one more try before giving up
    if ! "$WINE" wineboot -i >"$base/$name.$$.wineboot.log" 2>&1; then
        "$WINESERVER" -k 2>/dev/null
        rm -rf "$WINEPREFIX"
        if ! "$WINE" wineboot -i >>"$base/$name.$$.wineboot.log" 2>&1; then
            echo "wine-env: wineboot failed twice (see $base/$name.$$.wineboot.log)" >&2
            return 1
        fi
    fi
    "$WINESERVER" -w
    rm -f "$base/$name.$$.wineboot.log"
    if [ ! -d "$WINEPREFIX/drive_c/windows/system32" ]; then
        echo "wine-env: $WINEPREFIX has no system32 after wineboot" >&2
        return 1
    fi
    wine_install_fake
}

# wine_install_fake: copies build/test/wevtapi.dll (make -f Makefile.mingw fake) into system32.
wine_install_fake() {
    dll=$ES_ROOT/build/test/wevtapi.dll
    if [ ! -f "$dll" ]; then
        echo "wine-env: $dll is missing (make -f Makefile.mingw fake)" >&2
        return 1
    fi
    cp -f "$dll" "$WINEPREFIX/drive_c/windows/system32/wevtapi.dll"
    # the simulated credential prompt (tests/fake/credui), when built
    [ -f "$ES_ROOT/build/test/credui.dll" ] && cp -f "$ES_ROOT/build/test/credui.dll" "$WINEPREFIX/drive_c/windows/system32/credui.dll"
    return 0
}

# wine_run PROGRAM [ARGS...]: runs a Windows program in the prefix; returns its exit code.
wine_run() { "$WINE" "$@"; }

# wine_kill: ends every process of this prefix (and only this prefix).
wine_kill() {
    [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ] && "$WINESERVER" -k >/dev/null 2>&1
    return 0
}

# xvfb_start: starts Xvfb on the first free display from :99 to :140 and exports DISPLAY.
xvfb_start() {
    if ! command -v Xvfb >/dev/null 2>&1; then
        echo "wine-env: Xvfb is not installed (Debian: apt-get install xvfb)" >&2
        return 1
    fi
    n=99
    while [ $n -le 140 ]; do
        if [ ! -e /tmp/.X11-unix/X$n ] && [ ! -e /tmp/.X$n-lock ]; then
            Xvfb :$n -screen 0 1280x800x24 -nolisten tcp -ac >/dev/null 2>&1 &
            XVFB_PID=$!
            i=0
            while [ $i -lt 100 ]; do
                if [ -e /tmp/.X11-unix/X$n ]; then
                    DISPLAY=:$n; export DISPLAY XVFB_PID
                    return 0
                fi
                kill -0 $XVFB_PID 2>/dev/null || break   # lost a race for this display: next one
                sleep 0.1
                i=$((i + 1))
            done
            kill $XVFB_PID 2>/dev/null
            XVFB_PID=
        fi
        n=$((n + 1))
    done
    echo "wine-env: could not start Xvfb on :99..:140" >&2
    return 1
}

xvfb_stop() {
    if [ -n "${XVFB_PID:-}" ]; then
        kill "$XVFB_PID" 2>/dev/null
        wait "$XVFB_PID" 2>/dev/null
        XVFB_PID=
    fi
    return 0
}

# wine_env_cleanup: kills the prefix's processes, removes the prefix (unless ESWINE_KEEP=1),
# stops our Xvfb. Safe to call twice.
wine_env_cleanup() {
    if [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ]; then
        wine_kill
        "$WINESERVER" -w >/dev/null 2>&1
        if [ "${ESWINE_KEEP:-0}" = 1 ]; then
            echo "wine-env: kept $WINEPREFIX" >&2
        else
            rm -rf "$WINEPREFIX"
        fi
    fi
    xvfb_stop
}

# wine_wait_file FILE SECONDS: waits until FILE exists and is not empty; 1 on timeout.
wine_wait_file() {
    i=0
    while [ $i -lt $(($2 * 10)) ]; do
        [ -s "$1" ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

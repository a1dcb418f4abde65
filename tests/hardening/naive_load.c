/* Control for t_dll_planting.sh: loads wevtapi.dll the naive way (the default search order,
 * which looks in the exe's own folder first) and prints the path it got. It shows that a
 * planted DLL WOULD be picked up in this environment, so the app resisting it means something. */
#include <windows.h>
#include <stdio.h>

int wmain(void)
{
    HMODULE m = LoadLibraryW(L"wevtapi.dll");
    WCHAR path[MAX_PATH] = L"(not loaded)";
    if (m)
        GetModuleFileNameW(m, path, MAX_PATH);
    wprintf(L"%ls\n", path);
    return 0;
}

/* credwrite TARGET USER PASSWORD: stores a generic credential in the Credential Manager, as
 * `cmdkey /generic:TARGET /user:USER /pass:PASSWORD` does (tests/e2e/t_accounts.sh; Wine has no
 * cmdkey). Exit 0 when stored. */
#include <windows.h>
#include <wincred.h>

#include <stdio.h>
#include <wchar.h>

int wmain(int argc, WCHAR **argv)
{
    if (argc != 4)
        return 2;
    CREDENTIALW c;
    ZeroMemory(&c, sizeof c);
    c.Type = CRED_TYPE_GENERIC;
    c.TargetName = argv[1];
    c.UserName = argv[2];
    c.CredentialBlob = (BYTE *)argv[3];
    c.CredentialBlobSize = (DWORD)(wcslen(argv[3]) * sizeof(WCHAR));
    c.Persist = CRED_PERSIST_LOCAL_MACHINE;
    if (!CredWriteW(&c, 0)) {
        printf("CredWriteW failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    return 0;
}

/* account: another account to read sources with ("Connect as..."; --user; --credential).
 *
 * The password is kept only in memory, encrypted (CryptProtectMemory, this process only), and
 * decrypted only into the caller's buffer around the one call that needs it (EvtOpenSession; for
 * the classic API LogonUserW), which wipes it at once (account_reveal / account_forget_secret).
 * It is never written anywhere: not the settings, not a log, not a status file. The object is
 * reference-counted: the source list holds one reference per source that uses it, each sweep
 * one per worker; the last one wipes and frees it.
 *
 * Account lockout: a mistyped password sent to a thousand servers at once would be a thousand
 * failed logons and lock the account domain-wide. So the first source to use an account that
 * has not logged on yet tries alone while the others wait (account_gate); its answer settles
 * the account: a logon (even one refused access, 5) opens the gate for everyone; a wrong user
 * name or password (1326) or a locked or disabled account ends every source waiting on it with
 * that error, without trying; an answer that says nothing about the account (the server is
 * down) lets the next source try. Any thread. */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include <windows.h>

typedef struct account account;

/* DWORD auth: EvtRpcLoginAuthNegotiate, ...Kerberos or ...NTLM (winevt.h). */
/* user is "DOMAIN\name", "name@domain" or "name". The password is copied and encrypted; the
 * caller wipes its own copy. NULL when out of memory or the name is empty. */
account *account_new(const WCHAR *user, const WCHAR *password, DWORD auth);
account *account_ref(account *a);
void     account_unref(account *a);                  /* NULL is fine */
const WCHAR *account_name(const account *a);         /* as given: "DOMAIN\name" */
const WCHAR *account_user(const account *a);         /* the name part */
const WCHAR *account_domain(const account *a);       /* the domain part, or NULL */
DWORD    account_auth(const account *a);

/* Decrypts the password into out (cap WCHARs, NUL-terminated). The caller wipes it
 * (SecureZeroMemory) right after use. FALSE when it does not fit or cannot be decrypted. */
BOOL     account_reveal(const account *a, WCHAR *out, size_t cap);

/* ---- the lockout gate (see above) ---- */
typedef enum { ACCOUNT_GO, ACCOUNT_SETTLED_BAD, ACCOUNT_STOPPED } account_gate_t;
/* Before a source's first logon with a: returns ACCOUNT_GO when it may try (it is the one
 * trying, or the account has logged on already), ACCOUNT_SETTLED_BAD with *err when the account
 * was found wrong (every later source ends with that error), ACCOUNT_STOPPED when stop(ctx)
 * turned TRUE while it waited (checked every 100 ms). */
account_gate_t account_gate(account *a, BOOL (*stop)(void *), void *ctx, DWORD *err);
/* After that logon: the error it met (0: it worked). Settles the account, or hands the trial
 * on to the next source. Call once after each ACCOUNT_GO. */
void     account_settle(account *a, DWORD err);
/* Whether an error says the account itself is wrong. */
BOOL     account_error_is_bad(DWORD err);

#endif

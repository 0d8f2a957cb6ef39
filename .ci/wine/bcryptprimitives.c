/*
 * A test-only stand-in for Windows' bcryptprimitives.dll, for running closedesk's .exe files
 * under Debian 12's wine 8.0 in CI. Never shipped: `cargo xtask dist` refuses to zip it.
 *
 * Rust's standard library on Windows imports ProcessPrng from bcryptprimitives.dll (Windows 10
 * and later have it); wine 8.0 has no such export, so every Rust .exe fails to load there. This
 * DLL, placed beside the .exe only in the test folder, exports ProcessPrng and fills the buffer
 * from advapi32's RtlGenRandom (SystemFunction036), which wine does provide.
 *
 * Built by .ci/windows:
 *   x86_64-w64-mingw32-gcc -O2 -shared -o bcryptprimitives.dll bcryptprimitives.c \
 *       bcryptprimitives.def -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Always returns TRUE on Windows; here it reports RtlGenRandom's failure too. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

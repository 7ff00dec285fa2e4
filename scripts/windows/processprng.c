/* Test-only bcryptprimitives.dll for wine 8 (Debian 12), which lacks it.
 *
 * Go 1.24 and later take their random bytes on Windows from ProcessPrng in
 * bcryptprimitives.dll; real Windows 10 and 11 have it, wine 8 does not, and
 * a Go program then stops at start ("bcryptprimitives.dll not found"). This
 * DLL exports ProcessPrng on top of advapi32's RtlGenRandom (SystemFunction036),
 * which wine has. scripts/windows/wine-prefix puts it into the test prefix's
 * system32 only: it is never shipped.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}

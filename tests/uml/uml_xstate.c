/* LD_PRELOAD shim for linux.uml: pads UML's XSAVE buffer to the host's ptrace regset size */
/*
 * Debian's user-mode Linux 6.1 saves and restores the FPU state of its guest processes with
 * ptrace(PTRACE_GETREGSET / PTRACE_SETREGSET, NT_X86_XSTATE) using a buffer sized for the
 * XSAVE features it knows at build time (2696 bytes: x87, SSE, AVX, AVX-512, PKRU).  The host
 * kernel accepts PTRACE_SETREGSET for NT_X86_XSTATE only with exactly its own user XSAVE size
 * (arch/x86/kernel/fpu/regset.c, xstateregs_set()), which on a CPU with AMX (XTILECFG and
 * XTILEDATA) is 11008 bytes.  UML then fails with "ptrace set fp regs failed, errno = 14"
 * and panics before init runs.  (Later UML kernels size the buffer from the host.)
 *
 * This shim wraps libc's ptrace() in linux.uml only.  PTRACE_GETREGSET already works (the
 * kernel truncates to the caller's buffer).  For PTRACE_SETREGSET of NT_X86_XSTATE with a
 * buffer shorter than the host's regset, it builds a host-sized buffer: UML's bytes first,
 * zeros after, and clears from XSTATE_BV every state component that does not lie wholly
 * inside UML's bytes, so the kernel puts those components (AMX: unused by the guest) into
 * their initial state.  Everything UML tracks is restored exactly as UML asked.
 *
 * Build: cc -shared -fPIC -O2 -o uml_xstate.so uml_xstate.c -ldl
 * Use:   LD_PRELOAD=/path/uml_xstate.so linux.uml ...
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

#define XSAVE_HDR_OFFSET 512 /* the XSAVE header follows the 512-byte legacy area */
#define PROBE_SIZE	 (64 * 1024)

typedef long (*ptrace_fn)(enum __ptrace_request, ...);

static ptrace_fn real_ptrace;
static size_t host_size; /* the host's NT_X86_XSTATE regset size, learnt once */

/* Clears in XSTATE_BV the components (2..63) that end beyond the first len bytes. */
static void clear_outside(uint8_t *buf, size_t len)
{
	uint64_t bv;
	unsigned int i, eax, ebx, ecx, edx;

	memcpy(&bv, buf + XSAVE_HDR_OFFSET, sizeof(bv));
	for (i = 2; i < 64; i++) {
		if (!(bv & (1ULL << i)))
			continue;
		/* CPUID leaf 0xD sub-leaf i: EAX size, EBX offset in the standard format */
		if (!__get_cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx) || eax == 0 ||
		    (size_t)ebx + eax > len)
			bv &= ~(1ULL << i);
	}
	memcpy(buf + XSAVE_HDR_OFFSET, &bv, sizeof(bv));
}

static long learn_host_size(pid_t pid)
{
	struct iovec iov;
	void *probe = calloc(1, PROBE_SIZE);
	long r;

	if (!probe)
		return -1;
	iov.iov_base = probe;
	iov.iov_len = PROBE_SIZE;
	r = real_ptrace(PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE, &iov);
	if (r == 0)
		host_size = iov.iov_len;
	free(probe);
	return r;
}

static long set_padded(pid_t pid, const struct iovec *uml)
{
	struct iovec iov;
	uint8_t *buf;
	long r;
	int e;

	buf = calloc(1, host_size);
	if (!buf) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(buf, uml->iov_base, uml->iov_len);
	clear_outside(buf, uml->iov_len);
	iov.iov_base = buf;
	iov.iov_len = host_size;
	r = real_ptrace(PTRACE_SETREGSET, pid, (void *)NT_X86_XSTATE, &iov);
	e = errno;
	free(buf);
	errno = e;
	return r;
}

long ptrace(enum __ptrace_request req, ...)
{
	va_list ap;
	pid_t pid;
	void *addr, *data;
	struct iovec *iov;

	va_start(ap, req);
	pid = va_arg(ap, pid_t);
	addr = va_arg(ap, void *);
	data = va_arg(ap, void *);
	va_end(ap);

	if (!real_ptrace)
		real_ptrace = (ptrace_fn)dlsym(RTLD_NEXT, "ptrace");
	if (req != PTRACE_SETREGSET || (uintptr_t)addr != NT_X86_XSTATE || !data)
		return real_ptrace(req, pid, addr, data);

	iov = data;
	if (!host_size && learn_host_size(pid) < 0)
		return real_ptrace(req, pid, addr, data);
	if (iov->iov_len >= host_size || iov->iov_len <= XSAVE_HDR_OFFSET + 8)
		return real_ptrace(req, pid, addr, data);
	return set_padded(pid, iov);
}

/* pcap trace files that Wireshark reads: MTP2 with pseudo-header (LINKTYPE_MTP2_WITH_PHDR, 139). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SG_PCAP_LINKTYPE_MTP2_WITH_PHDR 139
#define SG_PCAP_LINKTYPE_MTP2 140

struct sg_pcap;

/* Create (truncate) path and write the file header.  NULL and errno on failure.
 * For tests and tools; sgd writes traces with sg_pcap_openat only. */
struct sg_pcap *sg_pcap_open(const char *path, uint32_t linktype);
/* Create the new file name in the directory dirfd (O_CREAT | O_EXCL | O_NOFOLLOW:
 * EEXIST when it exists, ELOOP for a symlink) and write the file header; path is
 * what sg_pcap_path() reports.  NULL and errno on failure. */
struct sg_pcap *sg_pcap_openat(int dirfd, const char *name, const char *path, uint32_t linktype);
/* Append one MTP2 SU (without FCS) with the LINKTYPE_MTP2_WITH_PHDR pseudo-header:
 * sent (1: by us), annex_a_used, link_number.  Returns 0 or -errno. */
int sg_pcap_write_mtp2(struct sg_pcap *p, bool sent, bool annex_a, uint16_t link_number,
		       const uint8_t *su, size_t len);
/* Append a record as is (for other link types). */
int sg_pcap_write(struct sg_pcap *p, const uint8_t *data, size_t len);
uint64_t sg_pcap_records(const struct sg_pcap *p);
const char *sg_pcap_path(const struct sg_pcap *p);
void sg_pcap_close(struct sg_pcap *p);

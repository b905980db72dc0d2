/* pcap trace files (libpcap format 2.4); MTP2 with pseudo-header as Wireshark reads it. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sg/pcap.h>
#include <sg/timer.h>

struct sg_pcap {
	FILE *f;
	char *path;
	uint64_t records;
};

struct pcap_file_hdr {
	uint32_t magic;
	uint16_t major, minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_rec_hdr {
	uint32_t ts_sec, ts_usec, incl_len, orig_len;
};

static struct sg_pcap *pcap_setup(FILE *f, const char *path, uint32_t linktype)
{
	struct pcap_file_hdr h = {
		.magic = 0xa1b2c3d4, .major = 2, .minor = 4, .snaplen = 65535,
		.linktype = linktype,
	};
	struct sg_pcap *p = calloc(1, sizeof(*p));

	if (!p)
		goto err;
	p->f = f;
	p->path = strdup(path);
	if (!p->path || fwrite(&h, sizeof(h), 1, p->f) != 1 || fflush(p->f))
		goto err;
	return p;
err:
	{
		int e = errno ? errno : EIO;

		fclose(f);
		if (p)
			free(p->path);
		free(p);
		errno = e;
	}
	return NULL;
}

struct sg_pcap *sg_pcap_open(const char *path, uint32_t linktype)
{
	FILE *f = fopen(path, "wb");

	return f ? pcap_setup(f, path, linktype) : NULL;
}

struct sg_pcap *sg_pcap_openat(int dirfd, const char *name, const char *path, uint32_t linktype)
{
	/* a new file only: never an existing one, never through a symlink */
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "wb");
	if (!f) {
		int e = errno;

		close(fd);
		unlinkat(dirfd, name, 0);
		errno = e;
		return NULL;
	}
	return pcap_setup(f, path, linktype);
}

static int write_rec(struct sg_pcap *p, const uint8_t *pre, size_t prelen, const uint8_t *data,
		     size_t len)
{
	struct pcap_rec_hdr r;
	struct timespec ts;

	/* wall-clock stamps, or the virtual clock in tests */
	if (sg_clock_is_virtual()) {
		uint64_t now = sg_now();

		ts.tv_sec = now / SG_NS_PER_S;
		ts.tv_nsec = now % SG_NS_PER_S;
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
	}
	r.ts_sec = ts.tv_sec;
	r.ts_usec = ts.tv_nsec / 1000;
	r.incl_len = r.orig_len = prelen + len;
	if (fwrite(&r, sizeof(r), 1, p->f) != 1 ||
	    (prelen && fwrite(pre, prelen, 1, p->f) != 1) ||
	    (len && fwrite(data, len, 1, p->f) != 1))
		return -EIO;
	p->records++;
	/* flushed per record: a trace is read while the link runs */
	return fflush(p->f) ? -errno : 0;
}

int sg_pcap_write_mtp2(struct sg_pcap *p, bool sent, bool annex_a, uint16_t link_number,
		       const uint8_t *su, size_t len)
{
	/* Wireshark's MTP2 pseudo-header: sent, annex_a_used (0 not used,
	 * 1 used), link number in network byte order */
	const uint8_t phdr[4] = { sent, annex_a, link_number >> 8, link_number & 0xff };

	return write_rec(p, phdr, sizeof(phdr), su, len);
}

int sg_pcap_write(struct sg_pcap *p, const uint8_t *data, size_t len)
{
	return write_rec(p, NULL, 0, data, len);
}

uint64_t sg_pcap_records(const struct sg_pcap *p)
{
	return p->records;
}

const char *sg_pcap_path(const struct sg_pcap *p)
{
	return p->path;
}

void sg_pcap_close(struct sg_pcap *p)
{
	if (!p)
		return;
	fclose(p->f);
	free(p->path);
	free(p);
}

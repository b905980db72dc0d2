/* Tests: Wireshark's tshark as an independent decoder of our pcap traces. */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static inline bool tshark_available(void)
{
	return system("command -v tshark >/dev/null 2>&1") == 0;
}

/* Number of frames of pcap that match the display filter (-1 on failure);
 * opts are extra tshark options ("" or e.g. "-o mtp3.standard:ANSI"). */
static inline int tshark_count(const char *pcap, const char *opts, const char *filter)
{
	char cmd[1024], out[32] = "";
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "tshark -r '%s' %s -Y '%s' 2>/dev/null | wc -l", pcap, opts,
		 filter);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fgets(out, sizeof(out), p))
		n = atoi(out);
	pclose(p);
	return n;
}

/* Frames that Wireshark could not decode (malformed, or an expert error). */
static inline int tshark_malformed(const char *pcap, const char *opts)
{
	return tshark_count(pcap, opts, "_ws.malformed || _ws.expert.severity >= error");
}

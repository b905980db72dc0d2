/* Names of objects (signalling points, spans, links, linksets, peers, translation rules,
 * threads), as the configuration, the logs and the management API give them. */
#pragma once

/* A name is at most SG_NAME_MAX - 1 characters; kept in char[SG_NAME_MAX]. */
#define SG_NAME_MAX 32

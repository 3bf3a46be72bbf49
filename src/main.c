/* main.c: command line (tcpdump-style, ../shared/INTERFACE.md) and run. */
#include <getopt.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "engine.h"
#include "export-eve.h"
#include "intel.h"
#include "kubeapi.h"
#include "live-run.h"
#include "metrics.h"
#include "shard.h"
#include "sw_conntrack.h"
#include "sw_err.h"
#include "sw_pods.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

#define SW_EXIT_DETECTED 3

enum {
	OPT_EVE = 256, OPT_EVE_TYPES, OPT_SUMMARY, OPT_NO_SUMMARY, OPT_SET,
	OPT_FAIL_ON_DETECT, OPT_READ_THREAD, OPT_WORKERS, OPT_VERSION, OPT_HELP, OPT_POOL_LIST, OPT_NO_DEFAULT_POOLS,
	OPT_POOL_IP_LIST, OPT_POD_CIDR, OPT_CLUSTER_CIDR, OPT_VXLAN_PORT, OPT_GENEVE_PORT,
	OPT_METRICS, OPT_METRICS_ALLOW_REMOTE, OPT_STATS_INTERVAL,
	OPT_PODS, OPT_CONNTRACK, OPT_NODE_NAME,
	OPT_KUBE_API, OPT_KUBE_TOKEN, OPT_KUBE_CA,
	/* flow export: in enum sw_export_opt's order (export-flow.h) */
	OPT_IPFIX, OPT_NETFLOW9, OPT_SYSLOG, OPT_EXPORT_DOMAIN, OPT_EXPORT_ENTERPRISE,
	OPT_EXPORT_MTU, OPT_EXPORT_ACTIVE, OPT_EXPORT_REFRESH, OPT_EXPORT_REFRESH_MSGS,
};

static const struct option long_opts[] = {
	{ "eve", required_argument, NULL, OPT_EVE },
	{ "eve-types", required_argument, NULL, OPT_EVE_TYPES },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "no-summary", no_argument, NULL, OPT_NO_SUMMARY },
	{ "set", required_argument, NULL, OPT_SET },
	{ "fail-on-detect", no_argument, NULL, OPT_FAIL_ON_DETECT },
	{ "read-thread", required_argument, NULL, OPT_READ_THREAD },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "pool-list", required_argument, NULL, OPT_POOL_LIST },
	{ "no-default-pools", no_argument, NULL, OPT_NO_DEFAULT_POOLS },
	{ "pool-ip-list", required_argument, NULL, OPT_POOL_IP_LIST },
	{ "pod-cidr", required_argument, NULL, OPT_POD_CIDR },
	{ "cluster-cidr", required_argument, NULL, OPT_CLUSTER_CIDR },
	{ "pods", required_argument, NULL, OPT_PODS },
	{ "conntrack", optional_argument, NULL, OPT_CONNTRACK },
	{ "node-name", required_argument, NULL, OPT_NODE_NAME },
	{ "kube-api", optional_argument, NULL, OPT_KUBE_API },
	{ "kube-token", required_argument, NULL, OPT_KUBE_TOKEN },
	{ "kube-ca", required_argument, NULL, OPT_KUBE_CA },
	{ "vxlan-port", required_argument, NULL, OPT_VXLAN_PORT },
	{ "geneve-port", required_argument, NULL, OPT_GENEVE_PORT },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "metrics-allow-remote", no_argument, NULL, OPT_METRICS_ALLOW_REMOTE },
	{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
	{ "ipfix", required_argument, NULL, OPT_IPFIX },
	{ "netflow9", required_argument, NULL, OPT_NETFLOW9 },
	{ "syslog", required_argument, NULL, OPT_SYSLOG },
	{ "export-domain", required_argument, NULL, OPT_EXPORT_DOMAIN },
	{ "export-enterprise", required_argument, NULL, OPT_EXPORT_ENTERPRISE },
	{ "export-mtu", required_argument, NULL, OPT_EXPORT_MTU },
	{ "export-active-timeout", required_argument, NULL, OPT_EXPORT_ACTIVE },
	{ "export-template-refresh", required_argument, NULL, OPT_EXPORT_REFRESH },
	{ "export-template-messages", required_argument, NULL, OPT_EXPORT_REFRESH_MSGS },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *fp)
{
	fprintf(fp,
	    "usage: stratumwatch -r FILE [options] [BPF filter expression]\n"
	    "       stratumwatch -i IFACE [-i IFACE...] [options] [BPF filter expression]\n"
	    "\n"
	    "Find crypto-mining (Stratum) sessions in captured or live traffic.\n"
	    "\n"
	    "  -r FILE              read a pcap or pcapng file ('-' = standard input)\n"
	    "  -i IFACE             capture live (repeatable; 'any' = all interfaces);\n"
	    "                       runs until SIGTERM/SIGINT, SIGHUP reloads lists and\n"
	    "                       reopens the EVE file\n"
	    "  -s SNAPLEN           bytes captured per frame (default 262144)\n"
	    "  -B KIB               kernel capture buffer in KiB (default libpcap's, 2048)\n"
	    "  -p                   do not put interfaces in promiscuous mode ('any' never is)\n"
	    "  -Z USER              drop to USER after opening the captures\n"
	    "  --stats-interval SEC live: a stats event every SEC seconds (default 60, 0 = off)\n"
	    "  --metrics ADDR:PORT  live: Prometheus /metrics and /healthz (loopback only)\n"
	    "  --metrics-allow-remote  allow a non-loopback --metrics address\n"
	    "  --eve PATH           write EVE JSON events to PATH ('-' = standard output,\n"
	    "                       unix:SOCKET = a unix stream socket, reconnected)\n"
	    "  --eve-types LIST     event types to write (default alert,stratum,anomaly,stats;\n"
	    "                       also flow, dns, tls, or all)\n"
	    "  --summary            print the findings table at the end (default with -r\n"
	    "                       when no --eve is given)\n"
	    "  --no-summary         do not print it\n"
	    "  --set NAME=VALUE     change a limit (flow_max, reasm_memcap, ...; see\n"
	    "                       stratumwatch(8), LIMITS)\n"
	    "  --fail-on-detect     exit 3 when a mining alert was raised\n"
	    "  --read-thread WHEN   -r: read the file on a second thread: auto (the\n"
	    "                       default: for stdin and pre-2.4 pcap, with two\n"
	    "                       or more CPUs online), on, off\n"
	    "  --workers N          -r FILE: analyse in N processes (1 to 16, default 1),\n"
	    "                       the flows split between them by hash\n"
	    "  --pool-list FILE     add a pool-domain list (repeatable)\n"
	    "  --no-default-pools   do not load the built-in pool-domain list\n"
	    "  --pool-ip-list FILE  pool addresses/CIDRs, one per line (repeatable)\n"
	    "  --pod-cidr CIDR      a pod range of the cluster (repeatable)\n"
	    "  --cluster-cidr CIDR  another in-cluster range: services, nodes (repeatable)\n"
	    "  --pods FILE          pod metadata: kubectl get pods -A -o json (repeatable)\n"
	    "  --conntrack [FILE]   SNAT recovery from a conntrack -L/-E text dump;\n"
	    "                       without FILE live from netlink (needs -i)\n"
	    "  --node-name NAME     the node this sensor runs on (--kube-api then\n"
	    "                       lists and watches only its pods)\n"
	    "  --kube-api [URL]     pod metadata from the Kubernetes API: list, then\n"
	    "                       watch (-i) or one list (-r); without URL the\n"
	    "                       in-cluster service (KUBERNETES_SERVICE_HOST)\n"
	    "  --kube-token FILE    bearer token (default the service account's,\n"
	    "                       " KUBE_SA_DIR "/token)\n"
	    "  --kube-ca FILE       CA certificate(s) for the API server (default\n"
	    "                       " KUBE_SA_DIR "/ca.crt)\n"
	    "  --vxlan-port PORT    UDP port decapsulated as VXLAN (repeatable; replaces\n"
	    "                       the defaults 4789 and 8472; 0 = none)\n"
	    "  --geneve-port PORT   UDP port decapsulated as Geneve (repeatable; replaces\n"
	    "                       the default 6081; 0 = none)\n"
	    "  --ipfix HOST:PORT    export flow records over IPFIX/UDP ([IPV6]:PORT)\n"
	    "  --netflow9 HOST:PORT export flow records over NetFlow v9/UDP\n"
	    "  --syslog DEST        alerts as RFC 5424 syslog: HOST:PORT (UDP) or a\n"
	    "                       unix socket path (/dev/log)\n"
	    "  --export-domain N    IPFIX observation domain / v9 source id (default 1)\n"
	    "  --export-enterprise N  enterprise number of our IPFIX elements (32473)\n"
	    "  --export-mtu BYTES   largest export message (default 1400)\n"
	    "  --export-active-timeout SEC  export long flows every SEC (default 60;\n"
	    "                       0 = at their end only)\n"
	    "  --export-template-refresh SEC, --export-template-messages N\n"
	    "                       resend templates after SEC s or N messages (60, 100)\n"
	    "  --version, --help\n"
	    "\n"
	    "Exit status: 0 success, 1 runtime failure, 2 usage error or unreadable\n"
	    "input, 3 mining detected (with --fail-on-detect).\n");
}

/* Remember a repeatable list option; the lists are loaded by intel_new(). */
static int add_list_arg(struct sw_intel_opts *io, int opt, const char *arg)
{
	const char **v;
	int *n, cap;

	switch (opt) {
	case OPT_POOL_LIST: v = io->pool_lists; n = &io->npool_lists; cap = 16; break;
	case OPT_POOL_IP_LIST: v = io->pool_ip_lists; n = &io->npool_ip_lists; cap = 16; break;
	case OPT_POD_CIDR: v = io->pod_cidrs; n = &io->npod_cidrs; cap = 64; break;
	default: v = io->cluster_cidrs; n = &io->ncluster_cidrs; cap = 64; break;
	}
	if (*n >= cap) {
		fprintf(stderr, "stratumwatch: too many uses of one list option (at most %d)\n", cap);
		return -1;
	}
	v[(*n)++] = arg;
	return 0;
}

/* A positive decimal number for -s, -B, --stats-interval. */
static int parse_count(const char *opt, const char *arg, long lo, long hi, long *v)
{
	char *end;

	*v = strtol(arg, &end, 10);
	if (arg[0] == '\0' || *end != '\0' || *v < lo || *v > hi) {
		fprintf(stderr, "stratumwatch: %s %s: expected a number from %ld to %ld\n",
		    opt, arg, lo, hi);
		return -1;
	}
	return 0;
}

/* --workers N > 1: what it needs (a file every worker can read, no
 * exporter) is a usage error when missing; a capture whose NAT twins must
 * meet on one engine is analysed in one process, and that is said.
 * Returns 0, or -1 with the message printed. */
static int workers_check(const char *rfile, int read_thread, const struct sw_engine_opts *o,
    int *workers)
{
	char why[256];
	struct stat st;

	if (rfile == NULL || strcmp(rfile, "-") == 0) {
		fprintf(stderr, "stratumwatch: --workers is for -r FILE: each worker reads the "
		    "file itself (not standard input, not live capture)\n");
		return -1;
	}
	/* (a pipe, <(...) or /dev/stdin, can be read once: by nobody else)
	 * A file that is not there is left to the read, which says so. */
	if (stat(rfile, &st) == 0 && !S_ISREG(st.st_mode)) {
		fprintf(stderr, "stratumwatch: --workers: %s is not a regular file; each worker "
		    "reads the file itself\n", rfile);
		return -1;
	}
	if (read_thread) {
		fprintf(stderr, "stratumwatch: --workers: each worker reads the file itself; "
		    "--read-thread goes with one\n");
		return -1;
	}
	if (export_wanted(&o->exp)) {
		fprintf(stderr, "stratumwatch: --workers: --ipfix, --netflow9 and --syslog "
		    "take one process (their sequence numbers and templates are one stream)\n");
		return -1;
	}
	if (!shard_usable(rfile, why, sizeof(why))) {
		fprintf(stderr, "stratumwatch: --workers: %s; analysing in one process\n", why);
		*workers = 1;
	}
	return 0;
}

/* --vxlan-port / --geneve-port: each use adds a port to the set that
 * replaces the defaults. */
static int add_tunnel_port(struct sw_udp_tunnel_ports *tp, int opt, const char *arg)
{
	uint16_t *v = opt == OPT_VXLAN_PORT ? tp->vxlan : tp->geneve;
	uint8_t *n = opt == OPT_VXLAN_PORT ? &tp->nvxlan : &tp->ngeneve;
	const char *name = opt == OPT_VXLAN_PORT ? "--vxlan-port" : "--geneve-port";
	char *end;
	unsigned long port;

	port = strtoul(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || port > 65535) {
		fprintf(stderr, "stratumwatch: %s %s: expected a port number from 0 to 65535\n",
		    name, arg);
		return -1;
	}
	if (*n >= SW_UDP_TUNNEL_PORTS_MAX) {
		fprintf(stderr, "stratumwatch: %s: at most %d ports\n", name, SW_UDP_TUNNEL_PORTS_MAX);
		return -1;
	}
	v[(*n)++] = (uint16_t)port;
	return 0;
}

/* Pod attribution inputs (--pods, --conntrack FILE), loaded before the
 * engine starts so a bad file is a usage error (exit 2). */
struct k8s_args {
	const char *pods[16];
	int npods;
	const char *ct[16];
	int nct;
	int ct_live;           /* --conntrack without FILE */
	const char *node_name;
	int kube_api;          /* --kube-api */
	const char *kube_url, *kube_token, *kube_ca;
};

/* --kube-api takes an optional URL: "--kube-api=URL" always, and
 * "--kube-api URL" when the next word looks like a URL (SCHEME://...;
 * a BPF filter never contains "://"), otherwise the word is left for the
 * filter and the in-cluster service is used. */
static const char *kube_api_arg(int argc, char **argv)
{
	if (optarg != NULL)
		return optarg;
	if (optind < argc && strstr(argv[optind], "://") != NULL)
		return argv[optind++];
	return NULL;
}

#define KUBE_LIST_ONCE_S 30     /* -r with --kube-api: wait this long for the list */

/* --kube-api: check the options (exit 2 on a bad one); offline, take one
 * list into the pod index now (exit 1 if the API does not answer), so the
 * capture is attributed with that snapshot. Live, the watch starts with
 * the loop (live-run.c). Returns an exit status. */
static int kube_setup(const struct k8s_args *ka, int offline, struct sw_engine_opts *o,
    struct sw_kubeapi_opts *ko, struct sw_counters_kubeapi *kc)
{
	char err[1024];

	memset(ko, 0, sizeof(*ko));
	ko->url = ka->kube_url;
	ko->token_file = ka->kube_token;
	ko->ca_file = ka->kube_ca;
	ko->node_name = ka->node_name;
	ko->max_line = o->limits.kube_max_line;
	ko->max_body = o->limits.kube_max_body;
	if (kubeapi_check(ko, err, sizeof(err)) != 0) {
		fprintf(stderr, "stratumwatch: %s\n", err);
		return SW_EXIT_USAGE;
	}
	if (o->pods == NULL && (o->pods = pods_new(o->limits.pod_index_max, NULL)) == NULL) {
		fprintf(stderr, "stratumwatch: out of memory\n");
		return SW_EXIT_RUNTIME;
	}
	if (offline && kubeapi_list_once(ko, o->pods, KUBE_LIST_ONCE_S, kc, err, sizeof(err)) != 0) {
		fprintf(stderr, "stratumwatch: %s\n", err);
		return SW_EXIT_RUNTIME;
	}
	return SW_EXIT_OK;
}

static int k8s_add(const char **v, int *n, const char *opt, const char *arg)
{
	if (*n == 16) {
		fprintf(stderr, "stratumwatch: too many %s (at most 16)\n", opt);
		return -1;
	}
	v[(*n)++] = arg;
	return 0;
}

/* --conntrack takes an optional argument: "--conntrack=FILE" always, and
 * "--conntrack FILE" when the next word names an existing file (otherwise
 * the word is left for the BPF filter and conntrack is live). */
static const char *conntrack_arg(int argc, char **argv)
{
	struct stat st;

	if (optarg != NULL)
		return optarg;
	if (optind < argc && argv[optind][0] != '-' && stat(argv[optind], &st) == 0)
		return argv[optind++];
	return NULL;
}

static int k8s_load(const struct k8s_args *ka, const char *rfile, struct sw_engine_opts *o)
{
	int i, offline = rfile != NULL, stdin_users = offline && strcmp(rfile, "-") == 0;
	char err[1024];

	for (i = 0; i < ka->npods; i++)
		stdin_users += strcmp(ka->pods[i], "-") == 0;
	for (i = 0; i < ka->nct; i++)
		stdin_users += strcmp(ka->ct[i], "-") == 0;
	if (stdin_users > 1) {
		fprintf(stderr, "stratumwatch: standard input ('-') can feed only one of -r, --pods, --conntrack\n");
		return -1;
	}

	if (ka->ct_live && offline) {
		fprintf(stderr, "stratumwatch: --conntrack without FILE reads live conntrack, which needs -i "
		    "(to read a dump offline: --conntrack=FILE)\n");
		return -1;
	}
	if (ka->npods > 0) {
		if ((o->pods = pods_new(o->limits.pod_index_max, NULL)) == NULL) {
			fprintf(stderr, "stratumwatch: out of memory\n");
			return -1;
		}
		for (i = 0; i < ka->npods; i++)
			if (pods_load_file(o->pods, ka->pods[i], err, sizeof(err)) != 0) {
				fprintf(stderr, "stratumwatch: %s\n", err);
				return -1;
			}
	}
	/* live: the table starts empty and netlink fills it (conntrack-nl.c,
	 * started by live_run_main); files given as well are loaded first */
	if (ka->nct > 0 || ka->ct_live) {
		if ((o->ct = ct_new(o->limits.conntrack_max, NULL)) == NULL) {
			fprintf(stderr, "stratumwatch: out of memory\n");
			return -1;
		}
		for (i = 0; i < ka->nct; i++)
			if (ct_load_file(o->ct, ka->ct[i], err, sizeof(err)) != 0) {
				fprintf(stderr, "stratumwatch: %s\n", err);
				return -1;
			}
	}
	return 0;
}

static void k8s_free(struct sw_engine_opts *o)
{
	pods_free(o->pods);
	ct_free(o->ct);
	o->pods = NULL;
	o->ct = NULL;
}

/* Join the trailing words into one filter expression, as tcpdump does. */
static char *join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int main(int argc, char **argv)
{
	struct sw_engine_opts o;
	struct sw_intel_opts io;
	struct sw_engine *e;
	struct sw_live_run lr;
	struct k8s_args ka;
	struct sw_kubeapi_opts kopts;
	struct sw_counters_kubeapi kcounts;
	const char *rfile = NULL, *metrics = NULL;
	char err[1024], *bpf = NULL, maddr[64];
	enum capture_read_thread read_thread = CAPTURE_THREAD_AUTO;
	int read_thread_given = 0, workers = 1;
	int summary = -1, fail_on_detect = 0, metrics_remote = 0, c, rc, rc2;
	long v;

	memset(&o, 0, sizeof(o));
	memset(&io, 0, sizeof(io));
	memset(&lr, 0, sizeof(lr));
	memset(&ka, 0, sizeof(ka));
	lr.live.cap.promisc = 1;
	lr.live.stats_interval = 60;
	sw_limits_default(&o.limits);
	export_opts_default(&o.exp);
	o.eve_types = EVE_DEFAULT_TYPES;
	while ((c = getopt_long(argc, argv, "r:i:s:B:pZ:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rfile = optarg;
			break;
		case 'i':
			if (lr.live.nifaces == SW_SOURCES_MAX) {
				fprintf(stderr, "stratumwatch: too many -i (at most %d)\n", SW_SOURCES_MAX);
				return SW_EXIT_USAGE;
			}
			lr.live.ifaces[lr.live.nifaces++] = optarg;
			break;
		case 's':
			if (parse_count("-s", optarg, 1, 262144, &v) != 0)
				return SW_EXIT_USAGE;
			lr.live.cap.snaplen = (int)v;
			break;
		case 'B':
			if (parse_count("-B", optarg, 1, INT_MAX / 1024, &v) != 0)
				return SW_EXIT_USAGE;
			lr.live.cap.buffer_kib = (int)v;
			break;
		case 'p':
			lr.live.cap.promisc = 0;
			break;
		case 'Z':
			lr.live.user = optarg;
			break;
		case OPT_STATS_INTERVAL:
			if (parse_count("--stats-interval", optarg, 0, 86400, &v) != 0)
				return SW_EXIT_USAGE;
			lr.live.stats_interval = (unsigned)v;
			break;
		case OPT_METRICS:
			metrics = optarg;
			break;
		case OPT_METRICS_ALLOW_REMOTE:
			metrics_remote = 1;
			break;
		case OPT_EVE:
			o.eve_path = optarg;
			break;
		case OPT_EVE_TYPES:
			if (eve_parse_types(optarg, &o.eve_types, err, sizeof(err)) != 0) {
				fprintf(stderr, "stratumwatch: %s\n", err);
				return SW_EXIT_USAGE;
			}
			break;
		case OPT_SUMMARY:
			summary = 1;
			break;
		case OPT_NO_SUMMARY:
			summary = 0;
			break;
		case OPT_SET:
			if (sw_limits_set(&o.limits, optarg, err, sizeof(err)) != 0) {
				fprintf(stderr, "stratumwatch: %s\n", err);
				return SW_EXIT_USAGE;
			}
			break;
		case OPT_FAIL_ON_DETECT:
			fail_on_detect = 1;
			break;
		case OPT_READ_THREAD:
			read_thread_given = 1;
			if (strcmp(optarg, "auto") == 0)
				read_thread = CAPTURE_THREAD_AUTO;
			else if (strcmp(optarg, "on") == 0)
				read_thread = CAPTURE_THREAD_ON;
			else if (strcmp(optarg, "off") == 0)
				read_thread = CAPTURE_THREAD_OFF;
			else {
				fprintf(stderr, "stratumwatch: --read-thread: '%s' is not auto, on or off\n",
				    optarg);
				return SW_EXIT_USAGE;
			}
			break;
		case OPT_WORKERS:
			if (parse_count("--workers", optarg, 1, SHARD_WORKERS_MAX, &v) != 0)
				return SW_EXIT_USAGE;
			workers = (int)v;
			break;
		case OPT_PODS:
			if (k8s_add(ka.pods, &ka.npods, "--pods", optarg) != 0)
				return SW_EXIT_USAGE;
			break;
		case OPT_CONNTRACK: {
			const char *f = conntrack_arg(argc, argv);

			if (f == NULL)
				ka.ct_live = 1;
			else if (k8s_add(ka.ct, &ka.nct, "--conntrack", f) != 0)
				return SW_EXIT_USAGE;
			break;
		}
		case OPT_NODE_NAME:
			ka.node_name = optarg;
			break;
		case OPT_KUBE_API:
			ka.kube_api = 1;
			ka.kube_url = kube_api_arg(argc, argv);
			break;
		case OPT_KUBE_TOKEN:
			ka.kube_token = optarg;
			break;
		case OPT_KUBE_CA:
			ka.kube_ca = optarg;
			break;
		case OPT_IPFIX:
		case OPT_NETFLOW9:
		case OPT_SYSLOG:
		case OPT_EXPORT_DOMAIN:
		case OPT_EXPORT_ENTERPRISE:
		case OPT_EXPORT_MTU:
		case OPT_EXPORT_ACTIVE:
		case OPT_EXPORT_REFRESH:
		case OPT_EXPORT_REFRESH_MSGS:
			if (export_opt(&o.exp, (enum sw_export_opt)(c - OPT_IPFIX), optarg,
			    err, sizeof(err)) != 0) {
				fprintf(stderr, "stratumwatch: %s\n", err);
				return SW_EXIT_USAGE;
			}
			break;
		case OPT_NO_DEFAULT_POOLS:
			io.no_default_pools = 1;
			break;
		case OPT_POOL_LIST:
		case OPT_POOL_IP_LIST:
		case OPT_POD_CIDR:
		case OPT_CLUSTER_CIDR:
			if (add_list_arg(&io, c, optarg) != 0)
				return SW_EXIT_USAGE;
			break;
		case OPT_VXLAN_PORT:
		case OPT_GENEVE_PORT:
			if (add_tunnel_port(&o.tunnel_ports, c, optarg) != 0)
				return SW_EXIT_USAGE;
			break;
		case 'V':
		case OPT_VERSION:
			printf("stratumwatch %s\n", PACKAGE_VERSION);
			return SW_EXIT_OK;
		case 'h':
		case OPT_HELP:
			usage(stdout);
			return SW_EXIT_OK;
		default:
			usage(stderr);
			return SW_EXIT_USAGE;
		}
	}
	if (rfile != NULL && lr.live.nifaces > 0) {
		fprintf(stderr, "stratumwatch: give -r FILE or -i IFACE, not both\n");
		return SW_EXIT_USAGE;
	}
	if (read_thread_given && lr.live.nifaces > 0) {
		fprintf(stderr, "stratumwatch: --read-thread is for -r; live capture reads on its own loop\n");
		return SW_EXIT_USAGE;
	}
	if (workers > 1 && workers_check(rfile, read_thread_given && read_thread != CAPTURE_THREAD_OFF,
	    &o, &workers) != 0)
		return SW_EXIT_USAGE;
	if (metrics != NULL) {
		if (rfile != NULL) {
			fprintf(stderr, "stratumwatch: --metrics serves a live sensor; it needs -i\n");
			return SW_EXIT_USAGE;
		}
		if (metrics_parse_addr(metrics, metrics_remote, maddr, sizeof(maddr),
		    &lr.metrics_port, err, sizeof(err)) != 0) {
			fprintf(stderr, "stratumwatch: %s\n", err);
			return SW_EXIT_USAGE;
		}
		lr.metrics_addr = maddr;
	}
	if (rfile == NULL && lr.live.nifaces == 0) {
		fprintf(stderr, "stratumwatch: no input: give -r FILE or -i IFACE\n");
		usage(stderr);
		return SW_EXIT_USAGE;
	}
	if (optind < argc) {
		bpf = join_args(argc - optind, argv + optind);
		if (bpf == NULL) {
			fprintf(stderr, "stratumwatch: out of memory\n");
			return SW_EXIT_RUNTIME;
		}
	}
	if (summary < 0)
		summary = o.eve_path == NULL;
	if (summary)
		/* keep a JSON stream on stdout clean */
		o.summary_fp = (o.eve_path != NULL && strcmp(o.eve_path, "-") == 0) ? stderr : stdout;
	io.dns_cache_max = o.limits.dns_cache_max;
	o.intel = intel_new(&io, err, sizeof(err));
	if (o.intel == NULL) {
		fprintf(stderr, "stratumwatch: %s\n", err);
		free(bpf);
		return SW_EXIT_USAGE;
	}
	if (k8s_load(&ka, rfile, &o) != 0) {
		k8s_free(&o);
		intel_free(o.intel);
		free(bpf);
		return SW_EXIT_USAGE;
	}
	if (!ka.kube_api && (ka.kube_token != NULL || ka.kube_ca != NULL)) {
		fprintf(stderr, "stratumwatch: --kube-token and --kube-ca go with --kube-api\n");
		k8s_free(&o);
		intel_free(o.intel);
		free(bpf);
		return SW_EXIT_USAGE;
	}
	memset(&kcounts, 0, sizeof(kcounts));
	if (ka.kube_api && (rc = kube_setup(&ka, rfile != NULL, &o, &kopts, &kcounts)) != SW_EXIT_OK) {
		k8s_free(&o);
		intel_free(o.intel);
		free(bpf);
		return rc;
	}
	o.node_name = ka.node_name;
	if (ka.ct_live)
		lr.ct_live = o.ct;
	o.collector = workers > 1;
	e = engine_new(&o, err, sizeof(err));
	o.collector = 0;
	if (e == NULL) {
		fprintf(stderr, "stratumwatch: %s\n", err);
		k8s_free(&o);
		intel_free(o.intel);
		free(bpf);
		return SW_EXIT_RUNTIME;
	}
	if (ka.kube_api) {
		/* the offline list's counts; live, the watcher counts here */
		*engine_kubeapi_counters(e) = kcounts;
		lr.kube = &kopts;
		lr.kube_pods = o.pods;
		lr.kube_counters = engine_kubeapi_counters(e);
	}
	if (lr.live.nifaces > 0) {
		lr.live.cap.bpf = bpf;
		lr.intel_opts = &io;
		lr.intel = &o.intel;
		lr.pod_files = ka.pods;
		lr.npod_files = ka.npods;
		lr.pods = o.pods;
		rc = live_run_main(e, &lr);
		err[0] = '\0';
	} else if (workers > 1) {
		rc = shard_run(rfile, bpf, &o, workers, e, err, sizeof(err));
	} else {
		rc = capture_read_file(rfile, bpf, read_thread, NULL, e, err, sizeof(err));
	}
	if (rc == SW_EXIT_USAGE) {
		/* nothing was read: no summary, no stats */
		if (err[0] != '\0')
			fprintf(stderr, "stratumwatch: %s\n", err);
		engine_free(e);
		k8s_free(&o);
		intel_free(o.intel);
		free(bpf);
		return rc;
	}
	if (rc != SW_EXIT_OK && err[0] != '\0')
		fprintf(stderr, "stratumwatch: %s\n", err);
	rc2 = engine_finish(e, err, sizeof(err));
	if (rc2 != 0) {
		fprintf(stderr, "stratumwatch: %s\n", err);
		rc = SW_EXIT_RUNTIME;
	}
	if (rc == SW_EXIT_OK && fail_on_detect && engine_alert_count(e) > 0)
		rc = SW_EXIT_DETECTED;
	engine_free(e);
	k8s_free(&o);
	intel_free(o.intel);
	free(bpf);
	if (fflush(stdout) != 0 && rc == SW_EXIT_OK) {
		perror("stratumwatch: standard output");
		rc = SW_EXIT_RUNTIME;
	}
	return rc;
}

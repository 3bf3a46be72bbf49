/* sw_limits.h: every cap in one place, one knob each.
 *
 * Every growable structure in stratumwatch has a cap here, a counter that
 * counts hitting it (include/counters/, one .def file per module), and a policy documented next to
 * its field and in README.md ("Memory caps"). Defaults are set by
 * sw_limits_default(); the CLI may override them with --set NAME=VALUE. */
#ifndef SW_LIMITS_H
#define SW_LIMITS_H

#include <stddef.h>
#include <stdint.h>

struct sw_limits {
	/* Flow table. Policy on cap: evict the least recently used flow
	 * (finishing it, so its events are still written), count flow.evicted. */
	size_t flow_max;             /* concurrent flows */
	uint32_t flow_timeout_new;   /* s: TCP flow that never completed its handshake */
	uint32_t flow_timeout_est;   /* s: established TCP, idle */
	uint32_t flow_timeout_closed;/* s: after FIN both ways or RST */
	uint32_t flow_timeout_udp;   /* s: UDP (and other non-TCP) flow, idle */
	uint32_t flow_timeout_dns;   /* s: UDP DNS flow whose every query was
	                                answered, idle (Zeek's dns_session_timeout):
	                                a node resolves thousands of names a minute,
	                                each lookup a flow that is over at its answer */

	/* IP fragment reassembly. Policy on cap: drop the oldest datagram being
	 * reassembled, count decoder.frag_memcap. */
	size_t frag_max_datagrams;   /* datagrams under reassembly at once */
	size_t frag_memcap;          /* bytes held in fragments, all datagrams */
	uint32_t frag_timeout;       /* s on packet time */

	/* TCP reassembly. Policy on depth: stop reassembling that direction, tell
	 * the dissector EOF, count reasm.depth_reached. Policy on memcap: refuse
	 * to buffer the out-of-order segment, which becomes a gap later; count
	 * reasm.memcap. */
	size_t reasm_depth;          /* bytes per direction delivered to dissectors; 0 = no limit */
	size_t reasm_memcap;         /* bytes buffered out of order + unparsed, all flows */
	size_t reasm_max_segments;   /* out-of-order segments buffered per direction */
	size_t reasm_max_unparsed;   /* bytes a dissector may leave unconsumed per direction (line cap) */

	/* Stratum. Policy on line cap: discard until the next LF, one anomaly
	 * event per flow and direction. Policy on pending: forget the oldest
	 * request, count stratum.pending_dropped. */
	size_t stratum_max_line;     /* bytes in one JSON line */
	size_t stratum_max_pending;  /* requests awaiting a response, per session */
	size_t stratum_max_jobs_kept;/* job ids remembered per session */

	/* Dissector state, all flows (dispatch.c, measured with each
	 * dissector's state_size(): partial lines, TLS hellos being collected,
	 * DNS logs, WebSocket messages). The per-flow caps alone would allow
	 * flow_max times each. Policy on cap: the flow whose parse crossed it
	 * stops being dissected and its state is freed (a flow that already
	 * raised an alert keeps its state, fed no more, so that its events are
	 * still written); count app_layer.memcap, one anomaly event. */
	size_t app_memcap;           /* bytes of dissector state, all flows */

	/* The end-of-run findings table (--summary, summary.c): rows are
	 * copies of about 1 KiB. Policy on cap: later sessions are counted,
	 * not listed (the table's last line, detect.summary_rows_dropped). */
	size_t summary_max_rows;

	/* DNS name cache (dnscache.c). Policy on cap: drop the oldest answer. */
	size_t dns_cache_max;
	/* dns events written per flow (dns.c; --eve-types dns). Policy on cap:
	 * later messages are still parsed and matched, not written; count
	 * proto.dns_log_dropped. 0 = no limit (Suricata's behaviour). */
	uint32_t dns_events_per_flow;

	/* nDPI: packets of a flow given to nDPI before giving up. */
	uint32_t ndpi_max_packets;

	/* Anomaly events per flow, so a hostile flow cannot flood the output. */
	uint32_t anomaly_max_per_flow;

	/* Pod index (pods.c). Policy on cap: evict the ended pod with the
	 * oldest end; if no pod has ended, refuse the new one; count
	 * k8s.pod_evicted / k8s.pod_index_full. */
	size_t pod_index_max;
	/* SNAT table (conntrack-file.c). Policy on cap: evict the oldest
	 * destroyed entry among the 64 oldest, else the oldest entry; count
	 * k8s.conntrack_evicted. */
	size_t conntrack_max;

	/* Copies of one packet on several interfaces, and NAT twins (twin.c,
	 * cooked captures only). Policy on cap: replace the oldest entry of
	 * the hash set; count flow.twin_copies_evicted / flow.nat_syns_evicted
	 * when it was still inside its window. 0 turns that check off. */
	size_t twin_copies_max;      /* packets remembered */
	size_t twin_syns_max;        /* SYNs remembered */
	uint32_t twin_copy_window_ms;/* ms: a copy arrives within this of the first */
	uint32_t twin_nat_window_ms; /* ms: the post-NAT SYN within this of the first */

	/* Kubernetes API watcher (kubeapi.c). Policy on the line cap: a watch
	 * event longer than this is dropped and, since a change was missed,
	 * the index is relisted; count kube_api.lines_capped. Policy on the
	 * body cap: a list page larger than this is dropped and the list
	 * restarts with pages half as long (down to one pod); count
	 * kube_api.bodies_capped. 0 = the default. */
	size_t kube_max_line;        /* bytes in one watch event (etcd stores at most 1.5 MiB per object) */
	size_t kube_max_body;        /* bytes in one list page */
};

void sw_limits_default(struct sw_limits *l);

/* Set a limit by name ("flow_max=100000"). Returns 0, or SW_ERR_USAGE with a
 * message in errbuf. */
int sw_limits_set(struct sw_limits *l, const char *assignment, char *errbuf, size_t errlen);

#endif
